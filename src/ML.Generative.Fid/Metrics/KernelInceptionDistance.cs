using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Fid.Metrics;

/// <summary>
/// Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs"): the squared maximum mean
/// discrepancy between real and generated features under the cubic polynomial kernel
/// k(x, y) = (xᵀy / d + 1)³, estimated without bias on random subsets of m samples from each set:
/// MMD² = Σ_{i≠j} k(xᵢ, xⱼ) / (m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ) / (m(m−1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / m².
/// </summary>
/// <remarks>
/// Defaults (100 subsets of 1000) are those of torch-fidelity and the paper's code; each subset draws
/// without replacement from each set, independently. Computed in float64 with matrix products on the
/// chosen device; memory is three m×m matrices, whatever the set sizes.
/// </remarks>
public static class KernelInceptionDistance
{
    /// <summary>The default number of subsets.</summary>
    public const int DefaultSubsets = 100;

    /// <summary>The default number of samples per set in a subset.</summary>
    public const int DefaultSubsetSize = 1000;

    /// <summary>Computes KID between two feature sets of the same dimension.</summary>
    /// <param name="real">Real features, one row per image.</param>
    /// <param name="generated">Generated features, one row per image.</param>
    /// <param name="subsets">How many subsets to average over.</param>
    /// <param name="subsetSize">Samples per set per subset; clamped, with a warning, to the smaller count.</param>
    /// <param name="seed">Seeds the subset draws: the same inputs and seed give the same result.</param>
    /// <param name="device">Where the kernel matrices are computed; the CPU by default.</param>
    /// <exception cref="ArgumentException">The dimensions differ, a set has fewer than 2 rows, or a count is not positive.</exception>
    public static KidResult Compute(FeatureMatrix real, FeatureMatrix generated, int subsets = DefaultSubsets,
        int subsetSize = DefaultSubsetSize, int seed = 0, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        if (real.Dimension != generated.Dimension)
            throw new ArgumentException($"real features have {real.Dimension} dimensions but generated ones have {generated.Dimension}", nameof(generated));
        if (subsets < 1) throw new ArgumentOutOfRangeException(nameof(subsets), subsets, "at least one subset is needed");
        if (subsetSize < 2) throw new ArgumentOutOfRangeException(nameof(subsetSize), subsetSize, "a subset needs at least 2 samples (the estimator leaves out the diagonal)");
        if (real.Count < 2 || generated.Count < 2)
            throw new ArgumentException($"KID needs at least 2 samples in each set, got {real.Count} real and {generated.Count} generated");

        var warnings = new List<string>();
        var m = Math.Min(subsetSize, Math.Min(real.Count, generated.Count));
        if (m < subsetSize)
            warnings.Add($"KID: subset size {subsetSize} is more than the {Math.Min(real.Count, generated.Count)} samples available; using {m}.");
        MetricWarnings.FewerSamplesThanDimensions(warnings, "KID", "real", real.Count, real.Dimension);
        MetricWarnings.FewerSamplesThanDimensions(warnings, "KID", "generated", generated.Count, generated.Dimension);

        var values = Estimates(real, generated, subsets, m, seed, device ?? CPU);
        var mean = values.Average();
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        return new KidResult(mean, std, subsets, m, real.Count, generated.Count, real.Dimension, warnings);
    }

    private static double[] Estimates(FeatureMatrix real, FeatureMatrix generated, int subsets, int m, int seed, Device device)
    {
        var random = new Random(seed);
        var realOrder = Enumerable.Range(0, real.Count).ToArray();
        var generatedOrder = Enumerable.Range(0, generated.Count).ToArray();
        var d = (double)real.Dimension;
        var values = new double[subsets];

        using var noGrad = no_grad();
        using var x = real.ToTensor(device);
        using var y = generated.ToTensor(device);
        for (var s = 0; s < subsets; s++)
        {
            using var scope = NewDisposeScope();
            var xs = x.index_select(0, Draw(random, realOrder, m, device));
            var ys = y.index_select(0, Draw(random, generatedOrder, m, device));
            var kxx = Kernel(xs, xs, d);
            var kyy = Kernel(ys, ys, d);
            var kxy = Kernel(xs, ys, d);
            var offDiagonal = (double)m * (m - 1);
            values[s] = (OffDiagonalSum(kxx) + OffDiagonalSum(kyy)) / offDiagonal - 2 * kxy.sum().ToDouble() / ((double)m * m);
        }
        return values;
    }

    // (m, d) x (m, d) -> (m, m)
    private static Tensor Kernel(Tensor a, Tensor b, double d) => a.mm(b.t()).div_(d).add_(1.0).pow_(3);

    private static double OffDiagonalSum(Tensor k) => k.sum().ToDouble() - k.diagonal().sum().ToDouble();

    // A partial Fisher–Yates shuffle: the first m entries become a uniform draw without replacement.
    // The array keeps its order between draws; every draw is still uniform.
    private static Tensor Draw(Random random, int[] order, int m, Device device)
    {
        var picked = new long[m];
        for (var i = 0; i < m; i++)
        {
            var j = random.Next(i, order.Length);
            (order[i], order[j]) = (order[j], order[i]);
            picked[i] = order[i];
        }
        return TensorData.ToDevice(TensorData.From(picked, picked.Length), device);
    }
}
