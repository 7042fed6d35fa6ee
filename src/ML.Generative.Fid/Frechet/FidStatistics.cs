namespace ML.Generative.Fid;

/// <summary>
/// The Gaussian summary of a set of feature vectors that FID compares: the mean (pytorch-fid's <c>mu</c>)
/// and the covariance with ddof = 1 (<c>sigma</c>), in float64, plus the number of samples when known.
/// </summary>
public sealed class FidStatistics
{
    private readonly double[] _mu;
    private readonly double[] _sigma;

    /// <summary>Creates statistics from a mean of length d and a d x d row-major covariance (both copied).</summary>
    /// <param name="mu">The mean vector.</param>
    /// <param name="sigma">The covariance, row-major, d·d values.</param>
    /// <param name="count">The number of samples the statistics came from, if known.</param>
    /// <exception cref="ArgumentException">The lengths do not match, d is 0, or the count is negative.</exception>
    public FidStatistics(ReadOnlySpan<double> mu, ReadOnlySpan<double> sigma, long? count = null)
    {
        if (mu.Length == 0) throw new ArgumentException("The mean must have at least one dimension.", nameof(mu));
        if (sigma.Length != (long)mu.Length * mu.Length)
            throw new ArgumentException($"The covariance must have {mu.Length}x{mu.Length} values for a mean of length {mu.Length}; got {sigma.Length}.", nameof(sigma));
        if (count is < 0) throw new ArgumentException("The sample count cannot be negative.", nameof(count));
        _mu = mu.ToArray();
        _sigma = sigma.ToArray();
        Count = count;
    }

    /// <summary>The feature dimension d.</summary>
    public int Dimension => _mu.Length;

    /// <summary>The mean vector (length d).</summary>
    public ReadOnlySpan<double> Mu => _mu;

    /// <summary>The covariance matrix, row-major (d·d values).</summary>
    public ReadOnlySpan<double> Sigma => _sigma;

    /// <summary>The number of samples, or null when unknown (e.g. statistics files written by pytorch-fid).</summary>
    public long? Count { get; }

    internal double[] MuArray => _mu;
    internal double[] SigmaArray => _sigma;
}
