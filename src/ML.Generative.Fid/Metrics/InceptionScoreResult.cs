namespace ML.Generative.Fid.Metrics;

/// <summary>The Inception Score over contiguous splits of the generated images.</summary>
/// <param name="Mean">The mean over splits of exp(E_x KL(p(y|x) ‖ p(y))); between 1 and <paramref name="Classes"/>.</param>
/// <param name="StandardDeviation">The population standard deviation over splits (ddof = 0, as numpy's default
/// and the original code).</param>
/// <param name="Splits">The number of splits.</param>
/// <param name="Count">The number of images scored.</param>
/// <param name="Classes">The number of classes the softmax ran over (the columns given).</param>
/// <param name="Warnings">Why the value may be unreliable; empty when none.</param>
public sealed record InceptionScoreResult(
    double Mean,
    double StandardDeviation,
    int Splits,
    int Count,
    int Classes,
    IReadOnlyList<string> Warnings);
