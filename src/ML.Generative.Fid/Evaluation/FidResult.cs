using ML.Generative.Fid.Metrics;

namespace ML.Generative.Fid;

/// <summary>
/// The result of <c>ctx.Evaluate.Fid</c>: the Fréchet distance between the feature statistics of real and generated
/// images, with the counts, the dimension and the feature network it was computed with (a value is only comparable
/// with values from the same network, same hash), plus KID, IS and precision/recall when asked for.
/// </summary>
/// <param name="Value">The Fréchet distance (FID with Inception features).</param>
/// <param name="RealCount">Real images (or the count stored with precomputed statistics; 0 when unknown).</param>
/// <param name="GeneratedCount">Generated images (or the count stored with precomputed statistics; 0 when unknown).</param>
/// <param name="Dimensions">The feature dimension.</param>
/// <param name="FeatureNetwork">The network the features came from: name, dimension, weights SHA-256.</param>
/// <param name="Warnings">Why the values may be unreliable (e.g. fewer samples than dimensions); empty when none.</param>
public sealed record FidResult(
    double Value,
    long RealCount,
    long GeneratedCount,
    int Dimensions,
    FeatureNetworkInfo FeatureNetwork,
    IReadOnlyList<string> Warnings)
{
    /// <summary>KID, when <see cref="FidOptions.Kid"/> was set.</summary>
    public KidResult? Kid { get; init; }

    /// <summary>The Inception Score of the generated images, when <see cref="FidOptions.InceptionScore"/> was set.</summary>
    public InceptionScoreResult? InceptionScore { get; init; }

    /// <summary>Precision and recall, when <see cref="FidOptions.PrecisionRecall"/> was set.</summary>
    public PrecisionRecallResult? PrecisionRecall { get; init; }
}
