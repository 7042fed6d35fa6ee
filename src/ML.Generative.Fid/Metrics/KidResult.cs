namespace ML.Generative.Fid.Metrics;

/// <summary>The Kernel Inception Distance: the unbiased MMD² estimate averaged over random subsets.</summary>
/// <param name="Mean">The mean of the per-subset MMD² estimates (KID; often reported ×1000). Can be slightly
/// negative for sets from the same distribution, because the estimator is unbiased.</param>
/// <param name="StandardDeviation">The population standard deviation (ddof = 0, as numpy's default) of the
/// per-subset estimates.</param>
/// <param name="Subsets">The number of subsets drawn.</param>
/// <param name="SubsetSize">The number of samples drawn from each set per subset, after clamping to the counts.</param>
/// <param name="RealCount">The number of real samples given.</param>
/// <param name="GeneratedCount">The number of generated samples given.</param>
/// <param name="Dimension">The feature dimension.</param>
/// <param name="Warnings">Why the value may be unreliable or differ from the requested settings; empty when none.</param>
public sealed record KidResult(
    double Mean,
    double StandardDeviation,
    int Subsets,
    int SubsetSize,
    int RealCount,
    int GeneratedCount,
    int Dimension,
    IReadOnlyList<string> Warnings);
