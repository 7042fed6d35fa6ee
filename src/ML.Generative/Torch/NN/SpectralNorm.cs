namespace ML.Generative.Torch.Modules;

using static ML.Generative.Torch.torch;
using F = ML.Generative.Torch.torch.nn.functional;

/// <summary>
/// Spectral normalisation of a layer's weight (Miyato et al. 2018, "Spectral Normalization for GANs"):
/// W_SN = W / σ(W), with σ estimated by power iteration on persistent vectors u and v, one step per
/// training forward pass. Keys as PyTorch's <c>torch.nn.utils.spectral_norm</c>: <c>weight_orig</c>
/// (parameter), <c>weight_u</c>, <c>weight_v</c> (buffers).
/// </summary>
internal sealed class SpectralNorm
{
    private readonly int dim;
    private readonly int powerIterations;
    private readonly double eps;

    internal SpectralNorm(int dim, int powerIterations, double eps)
    {
        if (powerIterations < 1) throw new ArgumentOutOfRangeException(nameof(powerIterations), "at least one power iteration");
        this.dim = dim;
        this.powerIterations = powerIterations;
        this.eps = eps;
    }

    /// <summary>The weight as a (h, w) matrix: <c>dim</c> first, the rest flattened.</summary>
    private Tensor AsMatrix(Tensor weight)
    {
        using var moved = dim == 0 ? weight.alias() : weight.movedim(dim, 0);
        return moved.reshape(moved.shape[0], -1);
    }

    /// <summary>Creates u and v (normalised random vectors) for a weight.</summary>
    internal (Tensor u, Tensor v) InitialVectors(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var m = AsMatrix(weight);
        var u = F.normalize(randn(new[] { m.shape[0] }, weight.dtype, weight.device), dim: 0, eps: eps);
        var v = F.normalize(randn(new[] { m.shape[1] }, weight.dtype, weight.device), dim: 0, eps: eps);
        return (scope.MoveToOuter(u), scope.MoveToOuter(v));
    }

    /// <summary>W / σ, updating u and v in place first when training.</summary>
    internal Tensor Compute(Tensor weightOrig, Tensor u, Tensor v, bool training)
    {
        using var scope = NewDisposeScope();
        var m = AsMatrix(weightOrig);
        var (uNow, vNow) = (u.clone(), v.clone());
        if (training)
        {
            using (no_grad())
                for (var i = 0; i < powerIterations; i++)
                {
                    vNow = F.normalize(m.t().matmul(uNow), dim: 0, eps: eps);
                    uNow = F.normalize(m.matmul(vNow), dim: 0, eps: eps);
                }
            // Data-parallel workers all compute the same vectors from the same u and v; one stores them, once
            // every worker has read the old ones.
            Native.Errors.Check(Native.ParallelNative.mlg_dp_barrier());
            if (Native.ParallelNative.mlg_dp_rank() == 0)
                using (no_grad())
                {
                    u.copy_(uNow);
                    v.copy_(vNow);
                }
        }
        // u and v are used as constants (as PyTorch does) so the gradient flows through W only.
        var sigma = uNow.dot(m.matmul(vNow));
        return scope.MoveToOuter(weightOrig / sigma);
    }
}
