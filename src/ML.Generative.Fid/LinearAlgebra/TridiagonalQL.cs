using System.Runtime.CompilerServices;
namespace ML.Generative.Fid.LinearAlgebra;

/// <summary>
/// Eigenvalues of a symmetric tridiagonal matrix by the QL algorithm with implicit Wilkinson shifts
/// (Golub and Van Loan, section 8.3; the EISPACK tql2 scheme). The plane rotations can be recorded so
/// eigenvectors are formed afterwards, in cache-friendly blocks, by <see cref="RotationLog.ApplyToRows"/>.
/// </summary>
internal static class TridiagonalQL
{
    private const int MaxIterationsPerEigenvalue = 60;
    private const double Eps = 2.220446049250313e-16; // 2^-52

    /// <summary>
    /// Overwrites <paramref name="d"/> with the eigenvalues (unsorted) of the tridiagonal matrix with
    /// diagonal d and sub-diagonal e[0..n-2]; e is destroyed. Each rotation is appended to
    /// <paramref name="log"/> when one is given.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip the slow first JIT tier
    public static void Solve(double[] d, double[] e, int n, RotationLog? log)
    {
        if (n == 0) return;
        e[n - 1] = 0;
        // A sub-diagonal entry below eps·|T| is negligible (it moves eigenvalues by no more than the
        // reduction's own rounding). The relative test alone never fires inside a cluster of
        // near-zero eigenvalues, where rounding keeps e at eps·|T| while the diagonal is smaller.
        double norm = 0;
        for (int i = 0; i < n; i++) norm = Math.Max(norm, Math.Abs(d[i]) + Math.Abs(e[i]) + (i > 0 ? Math.Abs(e[i - 1]) : 0));
        double absoluteTolerance = Eps * norm;
        for (int l = 0; l < n; l++)
        {
            int iterations = 0;
            while (true)
            {
                int m = l;
                for (; m < n - 1; m++)
                {
                    double dd = Math.Abs(d[m]) + Math.Abs(d[m + 1]);
                    if (Math.Abs(e[m]) <= Eps * dd || Math.Abs(e[m]) <= absoluteTolerance) break;
                }
                if (m == l) break;
                if (++iterations > MaxIterationsPerEigenvalue)
                    throw new ArithmeticException("The symmetric eigenvalue iteration did not converge (non-finite input?).");

                // Shift: the eigenvalue of the leading 2x2 block nearer d[l].
                double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
                double r = double.Hypot(g, 1.0);
                g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
                double s = 1, c = 1, p = 0;
                int i = m - 1;
                bool underflow = false;
                for (; i >= l; i--)
                {
                    double f = s * e[i];
                    double b = c * e[i];
                    r = double.Hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0)
                    {
                        // The bulge vanished: deflate here and start this eigenvalue again.
                        d[i + 1] -= p;
                        e[m] = 0;
                        underflow = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2.0 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    log?.Add(i, c, s);
                }
                if (underflow) continue;
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            }
        }
    }
}
