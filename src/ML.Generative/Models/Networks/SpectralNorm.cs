using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ML.Generative.Models.Networks;

/// <summary>
/// Spectral normalisation of a layer's weight (Miyato et al. 2018, "Spectral Normalization for GANs"):
/// W_SN = W / σ(W), with σ estimated by power iteration on persistent vectors u and v, one step per training
/// forward pass. TorchSharp 0.107 has no <c>torch.nn.utils.spectral_norm</c>, so this module takes over a
/// Linear, Conv2d or ConvTranspose2d and runs its operation functionally on W_SN. Its keys are PyTorch's:
/// <c>weight_orig</c> (parameter), <c>bias</c>, <c>weight_u</c> and <c>weight_v</c> (buffers), so a
/// PyTorch state dict of a spectrally normalised layer loads as is.
/// </summary>
public sealed class SpectralNorm : nn.Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor, Tensor?, Tensor> operation;
    private readonly long dim;
    private readonly int powerIterations;
    private readonly double eps;
#pragma warning disable IDE0044 // registered by name: fields are the module's state-dict entries
    private Parameter weight_orig;
    private Parameter? bias;
    private Tensor weight_u;
    private Tensor weight_v;
#pragma warning restore IDE0044

    /// <summary>Normalises <paramref name="layer"/>'s weight; <paramref name="dim"/> defaults to PyTorch's (1 for
    /// transposed convolutions, whose weight is [in, out, kH, kW]; 0 otherwise). The layer's own parameters
    /// move into this module; the layer itself is kept only for its configuration.</summary>
    public SpectralNorm(nn.Module<Tensor, Tensor> layer, int powerIterations = 1, double eps = 1e-12, long? dim = null)
        : base("SpectralNorm")
    {
        if (powerIterations < 1) throw new ArgumentOutOfRangeException(nameof(powerIterations), powerIterations, "spectral norm needs at least one power iteration");
        this.powerIterations = powerIterations;
        this.eps = eps;
        (Parameter weight, Parameter? b, operation, long defaultDim) = layer switch
        {
            Linear l => (l.weight!, l.bias, (x, w, bb) => F.linear(x, w, bb), 0L),
            ConvTranspose2d c => (c.weight!, c.bias, (x, w, bb) => F.conv_transpose2d(x, w, bb, c.stride, c.padding, c.output_padding, c.dilation, c.groups), 1L),
            Conv2d c => (c.weight!, c.bias, (Func<Tensor, Tensor, Tensor?, Tensor>)((x, w, bb) => F.conv2d(x, w, bb, c.stride, c.padding, c.dilation, c.groups)), 0L),
            _ => throw new ArgumentException($"spectral normalisation supports Linear, Conv2d and ConvTranspose2d, not {layer.GetType().Name}", nameof(layer)),
        };
        this.dim = dim ?? defaultDim;
        weight_orig = weight;
        bias = b;
        using (no_grad())
        {
            using var m = AsMatrix(weight);
            weight_u = F.normalize(randn(new[] { m.shape[0] }, weight.dtype, weight.device), dim: 0, eps: eps).DetachFromDisposeScope();
            weight_v = F.normalize(randn(new[] { m.shape[1] }, weight.dtype, weight.device), dim: 0, eps: eps).DetachFromDisposeScope();
        }
        RegisterComponents();
    }

    /// <summary>W / σ(W) as the forward pass uses it (u and v updated first when training).</summary>
    public Tensor NormalizedWeight()
    {
        using var scope = NewDisposeScope();
        var m = AsMatrix(weight_orig);
        if (training)
            using (no_grad())
                for (var i = 0; i < powerIterations; i++)
                {
                    weight_v.copy_(F.normalize(m.t().matmul(weight_u), dim: 0, eps: eps));
                    weight_u.copy_(F.normalize(m.matmul(weight_v), dim: 0, eps: eps));
                }
        // u and v are constants of the graph (as in PyTorch): the gradient flows through W only.
        // Clones, so a second forward pass before backward (a GAN's real and fake batches) cannot overwrite
        // vectors the first pass's graph still needs.
        var sigma = weight_u.clone().dot(m.matmul(weight_v.clone()));
        return (weight_orig / sigma).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor input)
    {
        using var w = NormalizedWeight();
        return operation(input, w, bias);
    }

    // The weight as a (h, w) matrix: dim first, the rest flattened.
    private Tensor AsMatrix(Tensor weight)
    {
        using var moved = dim == 0 ? weight.alias() : weight.movedim(new[] { dim }, new[] { 0L });
        return moved.reshape(moved.shape[0], -1);
    }
}
