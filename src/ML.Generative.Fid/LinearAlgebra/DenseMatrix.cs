using System.Runtime.CompilerServices;
using System.Numerics;

namespace ML.Generative.Fid.LinearAlgebra;

/// <summary>Square row-major double matrices: the few dense operations the Fréchet distance needs.</summary>
internal static class DenseMatrix
{
    // Tiles sized so one B tile (Kb x Jb doubles, 512 KiB) stays in L2 while a band of rows streams past it.
    private const int RowBand = 64;
    private const int Kb = 256;
    private const int Jb = 256;

    /// <summary>Returns the transpose of an n x n matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip the slow first JIT tier
    public static double[] Transpose(double[] a, int n)
    {
        var t = new double[a.Length];
        const int B = 32; // cache blocks, so neither side is walked with stride n for long
        for (int i0 = 0; i0 < n; i0 += B)
            for (int j0 = 0; j0 < n; j0 += B)
                for (int i = i0; i < Math.Min(i0 + B, n); i++)
                    for (int j = j0; j < Math.Min(j0 + B, n); j++)
                        t[j * n + i] = a[i * n + j];
        return t;
    }

    /// <summary>
    /// C = A B for n x n row-major matrices; bands of rows of C run in parallel. Tiles known to be zero
    /// are skipped when A is upper or B lower triangular, which halves the work.
    /// </summary>
    public static double[] Multiply(double[] a, double[] b, int n, bool aUpper = false, bool bLower = false)
    {
        var c = new double[n * n];
        int bands = (n + RowBand - 1) / RowBand;
        if (n < 128)
            for (int band = 0; band < bands; band++) MultiplyBand(a, b, c, n, band, aUpper, bLower);
        else
            Parallel.For(0, bands, band => MultiplyBand(a, b, c, n, band, aUpper, bLower));
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip the slow first JIT tier
    private static unsafe void MultiplyBand(double[] a, double[] b, double[] c, int n, int band, bool aUpper, bool bLower)
    {
        int i0 = band * RowBand, i1 = Math.Min(i0 + RowBand, n);
        int w = Vector<double>.Count;
        fixed (double* pa = a, pb = b, pc = c)
        {
            for (int k0 = 0; k0 < n; k0 += Kb)
            {
                int k1 = Math.Min(k0 + Kb, n);
                if (aUpper && k1 <= i0) continue; // A[i, k] = 0 for k < i
                for (int j0 = 0; j0 < n; j0 += Jb)
                {
                    if (bLower && j0 >= k1) break; // B[k, j] = 0 for j > k
                    int j1 = Math.Min(j0 + Jb, n);
                    int i = i0;
                    // 4 rows x 2 vectors of C in registers: each B load feeds four multiply-adds.
                    for (; i + 4 <= i1; i += 4)
                    {
                        int j = j0;
                        for (; j + 2 * w <= j1; j += 2 * w)
                        {
                            double* c0 = pc + i * n + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
                            Vector<double> s00 = Vector.Load(c0), s01 = Vector.Load(c0 + w);
                            Vector<double> s10 = Vector.Load(c1), s11 = Vector.Load(c1 + w);
                            Vector<double> s20 = Vector.Load(c2), s21 = Vector.Load(c2 + w);
                            Vector<double> s30 = Vector.Load(c3), s31 = Vector.Load(c3 + w);
                            double* a0 = pa + i * n, a1 = a0 + n, a2 = a1 + n, a3 = a2 + n;
                            for (int k = k0; k < k1; k++)
                            {
                                double* bk = pb + k * n + j;
                                Vector<double> b0 = Vector.Load(bk), b1 = Vector.Load(bk + w);
                                var x0 = new Vector<double>(a0[k]);
                                var x1 = new Vector<double>(a1[k]);
                                var x2 = new Vector<double>(a2[k]);
                                var x3 = new Vector<double>(a3[k]);
                                s00 += x0 * b0; s01 += x0 * b1;
                                s10 += x1 * b0; s11 += x1 * b1;
                                s20 += x2 * b0; s21 += x2 * b1;
                                s30 += x3 * b0; s31 += x3 * b1;
                            }
                            Vector.Store(s00, c0); Vector.Store(s01, c0 + w);
                            Vector.Store(s10, c1); Vector.Store(s11, c1 + w);
                            Vector.Store(s20, c2); Vector.Store(s21, c2 + w);
                            Vector.Store(s30, c3); Vector.Store(s31, c3 + w);
                        }
                        for (int r = i; r < i + 4; r++) MultiplyScalar(pa, pb, pc, n, r, j, j1, k0, k1);
                    }
                    for (; i < i1; i++) MultiplyScalar(pa, pb, pc, n, i, j0, j1, k0, k1);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip the slow first JIT tier
    private static unsafe void MultiplyScalar(double* pa, double* pb, double* pc, int n, int i, int j0, int j1, int k0, int k1)
    {
        for (int j = j0; j < j1; j++)
        {
            double s = pc[i * n + j];
            for (int k = k0; k < k1; k++) s += pa[i * n + k] * pb[k * n + j];
            pc[i * n + j] = s;
        }
    }
}
