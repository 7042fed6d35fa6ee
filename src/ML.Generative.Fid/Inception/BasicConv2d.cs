using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ML.Generative.Fid.Inception;

/// <summary>Inception's unit: convolution without bias → batch-norm (eps 0.001, TensorFlow's value) → ReLU.
/// Keys <c>conv.weight</c>, <c>bn.*</c> as in torchvision.</summary>
internal sealed class BasicConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm bn;
    private readonly long[] stride, padding;
    private const double BatchNormEps = 0.001;

    // After FoldBatchNorm: the batch-norm (and an affine input map) folded into one convolution with a bias.
    // Kept as non-persistent buffers, so the state dict still holds pytorch-fid's keys while they move and
    // are freed with the module.
    private Tensor? foldedWeight, foldedBias;

    public BasicConv2d(long inChannels, long outChannels, (long, long) kernel, (long, long)? stride = null, (long, long)? padding = null)
        : base("BasicConv2d")
    {
        var (sh, sw) = stride ?? (1, 1);
        var (ph, pw) = padding ?? (0, 0);
        this.stride = new[] { sh, sw };
        this.padding = new[] { ph, pw };
        conv = nn.Conv2d(inChannels, outChannels, kernel, (sh, sw), (ph, pw), bias: false);
        bn = nn.BatchNorm2d(outChannels, eps: BatchNormEps);
        RegisterComponents();
    }

    public BasicConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding)) { }

    public bool IsFolded => foldedWeight is not null;

    /// <summary>Runs <paramref name="units"/> one after another on <paramref name="x"/>, freeing each intermediate
    /// map as soon as the next unit has read it (not when the block's scope ends).</summary>
    public static Tensor Chain(Tensor x, params BasicConv2d[] units)
    {
        var y = units[0].forward(x);
        foreach (var unit in units.Skip(1))
        {
            var next = unit.forward(y);
            y.Dispose();
            y = next;
        }
        return y;
    }

    public override Tensor forward(Tensor x)
    {
        if (foldedWeight is not null) return F.conv2d(x, foldedWeight, foldedBias, stride, padding).relu_();
        using var c = conv.forward(x);
        var y = bn.forward(c);
        return y.relu_();
    }

    /// <summary>
    /// Folds the eval-mode batch-norm into the convolution, for inference: with s = γ/√(var + eps),
    /// W' = W·s and b' = β − mean·s, so one convolution with a bias replaces conv → batch-norm (PyTorch's eager
    /// Inception spends about a quarter of its time in batch-norm). When the layer's input will arrive as
    /// x = <paramref name="inputScale"/>·x₀ + <paramref name="inputShift"/> from x₀, that map is folded in too
    /// (W'' = a·W', b'' = b' + shift·ΣW'), which is exact only without zero padding. Computed in float64 and
    /// rounded once; weights keep their memory format. Later weight loads are not seen: fold after loading.
    /// </summary>
    public void FoldBatchNorm(double inputScale = 1, double inputShift = 0)
    {
        if (IsFolded) throw new InvalidOperationException("the batch-norm is already folded");
        if (inputShift != 0 && padding.Any(p => p != 0))
            throw new InvalidOperationException("an input shift folds exactly only into a convolution without padding");
        using var scope = NewDisposeScope();
        var w = conv.weight.to(ScalarType.Float64);
        var scale = bn.weight!.to(ScalarType.Float64) * (bn.running_var!.to(ScalarType.Float64) + BatchNormEps).rsqrt();
        var weight = w * scale.view(-1, 1, 1, 1);
        var bias = bn.bias!.to(ScalarType.Float64) - bn.running_mean!.to(ScalarType.Float64) * scale;
        if (inputShift != 0) bias = bias + weight.sum(new long[] { 1, 2, 3 }) * inputShift;
        weight = weight * inputScale;
        var folded = weight.to(conv.weight.dtype).contiguous();
        if (ChannelsLast.Is(conv.weight) && !conv.weight.is_contiguous()) folded = ChannelsLast.To(folded);
        foldedWeight = folded.MoveToOuterDisposeScope();
        foldedBias = bias.to(conv.weight.dtype).MoveToOuterDisposeScope();
        register_buffer("folded_weight", foldedWeight, persistent: false);
        register_buffer("folded_bias", foldedBias, persistent: false);
    }
}
