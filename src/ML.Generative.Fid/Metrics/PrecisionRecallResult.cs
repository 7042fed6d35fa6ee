namespace ML.Generative.Fid.Metrics;

/// <summary>Precision and recall of generated samples against real ones, from k-nearest-neighbour manifolds.</summary>
/// <param name="Precision">The share of generated samples inside the real manifold (fidelity).</param>
/// <param name="Recall">The share of real samples inside the generated manifold (coverage of the real data).</param>
/// <param name="Neighbours">k: each manifold is the union of balls reaching each sample's k-th nearest neighbour.</param>
/// <param name="RealCount">The number of real samples.</param>
/// <param name="GeneratedCount">The number of generated samples.</param>
/// <param name="Dimension">The feature dimension.</param>
/// <param name="Warnings">Why the values may be unreliable; empty when none.</param>
public sealed record PrecisionRecallResult(
    double Precision,
    double Recall,
    int Neighbours,
    int RealCount,
    int GeneratedCount,
    int Dimension,
    IReadOnlyList<string> Warnings);
