using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Models.Losses;

/// <summary>The kernel of a maximum mean discrepancy.</summary>
public enum MmdKernel
{
    /// <summary>Inverse multiquadric k(x,y) = C/(C + ‖x−y‖²), C = 2·d·σ² (Tolstikhin et al. 2018, WAE).</summary>
    InverseMultiquadric,

    /// <summary>Gaussian RBF k(x,y) = exp(−‖x−y‖²/C), C = 2·d·σ².</summary>
    Rbf,
}

/// <summary>
/// Maximum mean discrepancy between encoded latents q and prior samples p, the WAE-MMD penalty
/// (Tolstikhin et al. 2018, Algorithm 2): the unbiased U-statistic
/// MMD² = 1/(n(n−1)) Σ_{i≠j} [k(p_i,p_j) + k(q_i,q_j)] − 2/n² Σ_{i,j} k(p_i,q_j),
/// summed over several kernel scales C = 2·d·σ²·s.
/// </summary>
public static class Mmd
{
    /// <summary>The scales the WAE reference sums over.</summary>
    public static readonly double[] DefaultScales = { 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0 };

    public static Tensor Compute(Tensor q, Tensor p, MmdKernel kernel, double sigma2 = 1.0, IReadOnlyList<double>? scales = null)
    {
        if (q.Dimensions != 2 || !q.shape.SequenceEqual(p.shape))
            throw new ArgumentException($"MMD needs two (n, d) batches of the same shape, got ({string.Join(", ", q.shape)}) and ({string.Join(", ", p.shape)})");
        var n = q.shape[0];
        if (n < 2) throw new ArgumentException("MMD needs at least 2 samples per set");
        var d = q.shape[1];
        using var scope = NewDisposeScope();
        var dqq = SquaredDistances(q, q);
        var dpp = SquaredDistances(p, p);
        var dpq = SquaredDistances(p, q);
        var offDiagonal = 1 - eye(n, dtype: q.dtype, device: q.device);
        Tensor? total = null;
        foreach (var s in scales ?? DefaultScales)
        {
            var c = 2.0 * d * sigma2 * s;
            var kqq = K(dqq, c, kernel);
            var kpp = K(dpp, c, kernel);
            var kpq = K(dpq, c, kernel);
            var term = ((kqq + kpp) * offDiagonal).sum() / (n * (n - 1)) - kpq.sum() * (2.0 / (n * n));
            total = total is null ? term : total + term;
        }
        return total!.MoveToOuterDisposeScope();
    }

    private static Tensor K(Tensor squaredDistance, double c, MmdKernel kernel) => kernel switch
    {
        MmdKernel.InverseMultiquadric => c / (squaredDistance + c),
        MmdKernel.Rbf => (squaredDistance / -c).exp(),
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "unknown kernel"),
    };

    /// <summary>‖a_i − b_j‖² for every pair: (n, d), (m, d) → (n, m), clamped at 0 against rounding.</summary>
    private static Tensor SquaredDistances(Tensor a, Tensor b)
    {
        var an = a.square().sum(1, keepdim: true);
        var bn = b.square().sum(1, keepdim: true).t();
        return (an + bn - a.matmul(b.t()) * 2).clamp_min(0);
    }
}
