using System.Numerics;
using System.Runtime.CompilerServices;

namespace ML.Generative.Fid.LinearAlgebra;

/// <summary>Cholesky factorisation A = L Lᵀ of a symmetric positive definite matrix (Crout order).</summary>
internal static class Cholesky
{
    private const int Chunks = 8;

    /// <summary>
    /// Overwrites the lower triangle of <paramref name="a"/> (n x n, row-major) with L and zeroes the strict
    /// upper triangle. Returns false, leaving <paramref name="a"/> partly overwritten, as soon as a pivot is
    /// not above <paramref name="minRelativePivot"/> times its original diagonal entry: the share of that
    /// feature's variance not explained by the features before it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip the slow first JIT tier
    public static bool TryFactor(double[] a, int n, double minRelativePivot)
    {
        for (int j = 0; j < n; j++)
        {
            double original = a[j * n + j];
            double pivot = original - Dot(a, j * n, j * n, j);
            if (!(pivot > minRelativePivot * original) || !(pivot > 0)) return false;
            double ljj = Math.Sqrt(pivot);
            a[j * n + j] = ljj;
            int rows = n - j - 1;
            int col = j;
            void Column(int r0, int r1)
            {
                for (int i = r0; i < r1; i++)
                    a[i * n + col] = (a[i * n + col] - Dot(a, i * n, col * n, col)) / ljj;
            }
            if ((long)rows * j >= 1 << 16)
                Parallel.For(0, Chunks, c => Column(j + 1 + rows * c / Chunks, j + 1 + rows * (c + 1) / Chunks));
            else
                Column(j + 1, n);
        }
        for (int i = 0; i < n; i++) Array.Clear(a, i * n + i + 1, n - i - 1);
        return true;
    }

    // Σ a[x + k] a[y + k] for k in [0, length)
    private static unsafe double Dot(double[] a, int x, int y, int length)
    {
        int width = Vector<double>.Count;
        fixed (double* p = a)
        {
            double* px = p + x, py = p + y;
            var acc = Vector<double>.Zero;
            int k = 0;
            for (; k + width <= length; k += width) acc += Vector.Load(px + k) * Vector.Load(py + k);
            double s = Vector.Sum(acc);
            for (; k < length; k++) s += px[k] * py[k];
            return s;
        }
    }
}
