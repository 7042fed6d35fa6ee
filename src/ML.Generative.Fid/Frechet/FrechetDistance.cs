using ML.Generative.Fid.LinearAlgebra;

namespace ML.Generative.Fid;

/// <summary>
/// The Fréchet distance between two Gaussians (Dowson and Landau 1982; FID: Heusel et al. 2017),
/// d² = |μ1 - μ2|² + tr Σ1 + tr Σ2 - 2 tr sqrt(Σ1 Σ2), matching pytorch-fid's
/// <c>calculate_frechet_distance</c>.
/// </summary>
/// <remarks>
/// pytorch-fid takes a general (Schur) matrix square root of Σ1Σ2. Here the trace comes from a symmetric
/// eigen-decomposition instead, which never produces complex values: the eigenvalues of Σ1Σ2 are those of
/// the symmetric Σ1^½ Σ2 Σ1^½, so tr sqrt(Σ1Σ2) = Σ sqrt(max(0, λ)).
/// </remarks>
public static class FrechetDistance
{
    /// <summary>pytorch-fid's default offset, added to the covariances' diagonals when the square root fails.</summary>
    public const double DefaultEpsilon = 1e-6;

    /// <summary>The Fréchet distance between two sets of statistics.</summary>
    /// <exception cref="ArgumentException">The dimensions differ or a value is not finite.</exception>
    public static double Compute(FidStatistics a, FidStatistics b, FrechetOffset offset = FrechetOffset.PytorchFid,
        double epsilon = DefaultEpsilon) => ComputeDetailed(a, b, offset, epsilon).Value;

    /// <summary>The Fréchet distance with its terms and whether the eps offset was used.</summary>
    /// <exception cref="ArgumentException">The dimensions differ, a value is not finite, or epsilon is negative.</exception>
    public static FrechetDistanceResult ComputeDetailed(FidStatistics a, FidStatistics b,
        FrechetOffset offset = FrechetOffset.PytorchFid, double epsilon = DefaultEpsilon)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Dimension != b.Dimension)
            throw new ArgumentException($"The statistics have different dimensions ({a.Dimension} and {b.Dimension}).", nameof(b));
        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
            throw new ArgumentException("Epsilon must be a finite non-negative number.", nameof(epsilon));
        CheckFinite(a, nameof(a));
        CheckFinite(b, nameof(b));

        int n = a.Dimension;
        double meanTerm = 0;
        for (int i = 0; i < n; i++)
        {
            double diff = a.MuArray[i] - b.MuArray[i];
            meanTerm += diff * diff;
        }
        double trace1 = Trace(a.SigmaArray, n), trace2 = Trace(b.SigmaArray, n);
        bool useOffset = offset switch
        {
            FrechetOffset.Always => true,
            FrechetOffset.Never => false,
            _ => PytorchFidWouldOffset(a.SigmaArray, b.SigmaArray, n),
        };
        double traceSqrt = TraceSqrtProduct(a.SigmaArray, b.SigmaArray, n, useOffset ? epsilon : 0);
        // Same order of operations as pytorch-fid.
        double value = meanTerm + trace1 + trace2 - 2 * traceSqrt;
        return new FrechetDistanceResult(value, meanTerm, trace1, trace2, traceSqrt, useOffset);
    }

    /// <summary>
    /// Whether pytorch-fid (scipy 1.10) takes its eps path for these covariances: some feature has exactly
    /// zero variance in Σ1 but not in Σ2, and some feature exactly zero variance in Σ2 but not in Σ1. Then
    /// Σ1Σ2 has a zero row and a zero column at different indices, a defective zero eigenvalue, and no
    /// square root; scipy returns NaN and pytorch-fid retries with the offset.
    /// </summary>
    internal static bool PytorchFidWouldOffset(double[] sigma1, double[] sigma2, int n)
    {
        bool onlyFirstDead = false, onlySecondDead = false;
        for (int i = 0; i < n; i++)
        {
            double v1 = sigma1[i * n + i], v2 = sigma2[i * n + i];
            if (v1 == 0 && v2 != 0) onlyFirstDead = true;
            if (v2 == 0 && v1 != 0) onlySecondDead = true;
        }
        return onlyFirstDead && onlySecondDead;
    }

    /// <summary>How <see cref="TraceSqrtProduct"/> factors Σ1.</summary>
    internal enum Route { Automatic, Cholesky, Eigen }

    // Below this share of unexplained variance a Cholesky pivot counts as (numerically) singular.
    private const double MinRelativePivot = 1e-9;

    /// <summary>
    /// tr sqrt(S1 S2) with S1 = Σ1 + εI and S2 = Σ2 + εI, as Σ sqrt(max(0, λ)) over the eigenvalues λ of
    /// a symmetric matrix similar to S1^½ S2 S1^½: Lᵀ S2 L when S1 = L Lᵀ is clearly positive definite
    /// (the usual case: more samples than features), else D V S2 Vᵀ D from S1 = Vᵀ D² V.
    /// </summary>
    /// <remarks>
    /// Both are orthogonal or congruence transforms of the same spectrum and agree to rounding; the
    /// Cholesky route does about a quarter of the work, the eigen route also handles singular S1.
    /// </remarks>
    internal static double TraceSqrtProduct(double[] sigma1, double[] sigma2, int n, double epsilon,
        Route route = Route.Automatic)
    {
        var s1 = (double[])sigma1.Clone();
        var s2 = (double[])sigma2.Clone();
        if (epsilon != 0)
            for (int i = 0; i < n; i++) { s1[i * n + i] += epsilon; s2[i * n + i] += epsilon; }

        double[]? inner = null;
        if (route != Route.Eigen)
        {
            var l = (double[])s1.Clone();
            if (Cholesky.TryFactor(l, n, MinRelativePivot))
            {
                var right = DenseMatrix.Multiply(s2, l, n, bLower: true);                          // S2 L
                inner = DenseMatrix.Multiply(DenseMatrix.Transpose(l, n), right, n, aUpper: true); // Lᵀ S2 L
            }
            else if (route == Route.Cholesky)
                throw new InvalidOperationException("Sigma1 is not positive definite enough for the Cholesky route.");
        }
        if (inner is null)
        {
            var (values, rows) = SymmetricEigen.Decompose(s1, n);
            // Rows of D V: eigenvectors scaled by the square roots of their (clamped) eigenvalues.
            for (int k = 0; k < n; k++)
            {
                double f = Math.Sqrt(Math.Max(0, values[k]));
                var row = rows.AsSpan(k * n, n);
                for (int j = 0; j < n; j++) row[j] *= f;
            }
            var left = DenseMatrix.Multiply(rows, s2, n);                           // D V S2
            inner = DenseMatrix.Multiply(left, DenseMatrix.Transpose(rows, n), n);  // D V S2 Vᵀ D
        }
        var eig = SymmetricEigen.Eigenvalues(inner, n);
        double sum = 0;
        foreach (double lambda in eig) sum += Math.Sqrt(Math.Max(0, lambda));
        return sum;
    }

    private static double Trace(double[] sigma, int n)
    {
        double t = 0;
        for (int i = 0; i < n; i++) t += sigma[i * n + i];
        return t;
    }

    private static void CheckFinite(FidStatistics s, string name)
    {
        foreach (double x in s.MuArray)
            if (!double.IsFinite(x)) throw new ArgumentException("The mean has a non-finite value.", name);
        foreach (double x in s.SigmaArray)
            if (!double.IsFinite(x)) throw new ArgumentException("The covariance has a non-finite value.", name);
    }
}
