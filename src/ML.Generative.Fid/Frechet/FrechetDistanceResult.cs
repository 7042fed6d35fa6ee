namespace ML.Generative.Fid;

/// <summary>The Fréchet distance and its terms: Value = MeanTerm + TraceSigma1 + TraceSigma2 - 2·TraceSqrtProduct.</summary>
/// <param name="Value">The Fréchet distance (FID when the statistics are Inception features). Can be a tiny negative number for identical statistics, as in pytorch-fid.</param>
/// <param name="MeanTerm">|μ1 - μ2|².</param>
/// <param name="TraceSigma1">tr Σ1 (never offset).</param>
/// <param name="TraceSigma2">tr Σ2 (never offset).</param>
/// <param name="TraceSqrtProduct">tr sqrt(Σ1 Σ2), with the eps offset inside when <paramref name="OffsetApplied"/>.</param>
/// <param name="OffsetApplied">Whether eps·I was added to both covariances inside the square root.</param>
public readonly record struct FrechetDistanceResult(
    double Value, double MeanTerm, double TraceSigma1, double TraceSigma2, double TraceSqrtProduct, bool OffsetApplied);
