using System.Runtime.CompilerServices;
using System.Numerics;

namespace ML.Generative.Fid.LinearAlgebra;

/// <summary>
/// The plane rotations of a QL run, in order. Replaying them on the rows of Qᵀ yields the eigenvectors.
/// </summary>
/// <remarks>
/// Applying each rotation as it is found walks the whole n x n matrix once per QL sweep, which for
/// n = 2048 is far more memory traffic than arithmetic. Replaying the full log on one narrow band of
/// columns at a time keeps that band in cache; the arithmetic per element is the same, in the same order.
/// </remarks>
internal sealed class RotationLog
{
    private const int BandWidth = 64;

    private int[] _index = new int[1024];
    private double[] _c = new double[1024];
    private double[] _s = new double[1024];

    /// <summary>Number of recorded rotations.</summary>
    public int Count { get; private set; }

    /// <summary>Records a rotation of rows i and i+1.</summary>
    public void Add(int i, double c, double s)
    {
        if (Count == _index.Length)
        {
            int size = checked(_index.Length * 2);
            Array.Resize(ref _index, size);
            Array.Resize(ref _c, size);
            Array.Resize(ref _s, size);
        }
        _index[Count] = i;
        _c[Count] = c;
        _s[Count] = s;
        Count++;
    }

    /// <summary>
    /// Applies every rotation, in order, to the rows of the n x n row-major matrix <paramref name="z"/>:
    /// row(i+1) = s row(i) + c row(i+1), row(i) = c row(i) - s row(i+1).
    /// </summary>
    public void ApplyToRows(double[] z, int n)
    {
        int bands = (n + BandWidth - 1) / BandWidth;
        if (n >= 256) Parallel.For(0, bands, b => ApplyBand(z, n, b * BandWidth, Math.Min(n, (b + 1) * BandWidth)));
        else for (int b = 0; b < bands; b++) ApplyBand(z, n, b * BandWidth, Math.Min(n, (b + 1) * BandWidth));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip the slow first JIT tier
    private unsafe void ApplyBand(double[] z, int n, int j0, int j1)
    {
        int width = Vector<double>.Count;
        fixed (double* pz = z)
        fixed (int* pi = _index)
        fixed (double* pc = _c, ps = _s)
        {
            for (int r = 0; r < Count; r++)
            {
                double* lo = pz + (long)pi[r] * n;
                double* hi = lo + n;
                double c = pc[r], s = ps[r];
                var vc = new Vector<double>(c);
                var vs = new Vector<double>(s);
                int j = j0;
                for (; j + width <= j1; j += width)
                {
                    var x = Vector.Load(lo + j);
                    var y = Vector.Load(hi + j);
                    Vector.Store(vs * x + vc * y, hi + j);
                    Vector.Store(vc * x - vs * y, lo + j);
                }
                for (; j < j1; j++)
                {
                    double x = lo[j], y = hi[j];
                    hi[j] = s * x + c * y;
                    lo[j] = c * x - s * y;
                }
            }
        }
    }
}
