using System.Numerics;
using System.Runtime.CompilerServices;

namespace ML.Generative.Fid;

/// <summary>
/// Accumulates the mean and covariance of feature vectors, batch by batch, in float64.
/// </summary>
/// <remarks>
/// Every row is shifted by the first row ever added (K) before it is summed, and the sums Σy and Σyyᵀ of
/// the shifted rows are kept; then mean = K + Σy/n and cov = (Σyyᵀ - Σy Σyᵀ/n)/(n-1). The shift keeps the
/// cancellation in that difference to the scale of the spread rather than of the mean (the "shifted data"
/// algorithm). Each element of the sums receives the rows' contributions one by one in arrival order, so
/// the result is identical, bit for bit, however the rows are split into batches.
/// </remarks>
public sealed class FeatureStatistics
{
    private const int RowsPerBlock = 32;
    private const int ParallelFrom = 256;

    private readonly int _d;
    private readonly double[] _shift;
    private readonly double[] _sum;
    private readonly double[] _cross; // lower triangle used, row-major d x d
    private readonly double[] _block;

    /// <summary>Creates an empty accumulator for feature vectors of the given dimension.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The dimension is not positive or too large.</exception>
    public FeatureStatistics(int dimension)
    {
        if (dimension <= 0 || dimension > 46340) // d·d must fit one array
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The feature dimension must be between 1 and 46340.");
        _d = dimension;
        _shift = new double[dimension];
        _sum = new double[dimension];
        _cross = new double[dimension * dimension];
        _block = new double[RowsPerBlock * dimension];
    }

    /// <summary>The feature dimension d.</summary>
    public int Dimension => _d;

    /// <summary>The number of feature vectors added so far.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a batch of feature vectors: row-major, <see cref="Dimension"/> values per row.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of the dimension, or a value is not finite.</exception>
    public void Add(ReadOnlySpan<double> rows)
    {
        CheckShape(rows.Length);
        foreach (double x in rows) CheckFinite(x);
        int total = rows.Length / _d;
        for (int start = 0; start < total; start += RowsPerBlock)
        {
            int count = Math.Min(RowsPerBlock, total - start);
            rows.Slice(start * _d, count * _d).CopyTo(_block);
            AddBlock(count);
        }
    }

    /// <summary>Adds a batch of float32 feature vectors (widened to float64, as pytorch-fid does).</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of the dimension, or a value is not finite.</exception>
    public void Add(ReadOnlySpan<float> rows)
    {
        CheckShape(rows.Length);
        foreach (float x in rows) CheckFinite(x);
        int total = rows.Length / _d;
        for (int start = 0; start < total; start += RowsPerBlock)
        {
            int count = Math.Min(RowsPerBlock, total - start);
            var src = rows.Slice(start * _d, count * _d);
            for (int i = 0; i < src.Length; i++) _block[i] = src[i];
            AddBlock(count);
        }
    }

    // Checked before anything is added, so a rejected batch leaves the accumulator unchanged.
    private static void CheckFinite(double x)
    {
        if (!double.IsFinite(x)) throw new ArgumentException("Feature values must be finite (found NaN or infinity).", "rows");
    }

    private void CheckShape(int length)
    {
        if (length % _d != 0)
            throw new ArgumentException($"A batch must hold whole rows of {_d} features; got {length} values.", "rows");
    }

    private void AddBlock(int count)
    {
        var block = _block.AsSpan(0, count * _d);
        if (Count == 0) block[.._d].CopyTo(_shift);
        for (int r = 0; r < count; r++)
        {
            var row = block.Slice(r * _d, _d);
            for (int j = 0; j < _d; j++)
            {
                double y = row[j] - _shift[j];
                row[j] = y;
                _sum[j] += y;
            }
        }
        int quads = (_d + 3) / 4;
        if (_d >= ParallelFrom) Parallel.For(0, quads, q => AccumulateRows(4 * q, count));
        else for (int q = 0; q < quads; q++) AccumulateRows(4 * q, count);
        Count += count;
    }

    // cross[i, 0..i] += Σ_r y[r,i] y[r,0..i] for the four rows i0..i0+3, row r after row r-1 for every
    // element. The four rows share each load of y[r, j..]; the triangle's ragged ends go one row at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip the slow first JIT tier
    private unsafe void AccumulateRows(int i0, int count)
    {
        int width = Vector<double>.Count;
        int d = _d;
        int i1 = Math.Min(i0 + 4, d);
        fixed (double* pc = _cross, pb = _block)
        {
            int j = 0;
            if (i1 - i0 == 4)
            {
                double* c0 = pc + (long)i0 * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
                for (; j + width <= i0 + 1; j += width)
                {
                    Vector<double> s0 = Vector.Load(c0 + j), s1 = Vector.Load(c1 + j);
                    Vector<double> s2 = Vector.Load(c2 + j), s3 = Vector.Load(c3 + j);
                    for (int r = 0; r < count; r++)
                    {
                        double* y = pb + r * d;
                        var yj = Vector.Load(y + j);
                        s0 += new Vector<double>(y[i0]) * yj;
                        s1 += new Vector<double>(y[i0 + 1]) * yj;
                        s2 += new Vector<double>(y[i0 + 2]) * yj;
                        s3 += new Vector<double>(y[i0 + 3]) * yj;
                    }
                    Vector.Store(s0, c0 + j); Vector.Store(s1, c1 + j);
                    Vector.Store(s2, c2 + j); Vector.Store(s3, c3 + j);
                }
            }
            for (int i = i0; i < i1; i++)
            {
                double* c = pc + (long)i * d;
                for (int k = j; k <= i; k++)
                {
                    double acc = c[k];
                    for (int r = 0; r < count; r++) acc += pb[r * d + i] * pb[r * d + k];
                    c[k] = acc;
                }
            }
        }
    }

    /// <summary>The mean and covariance (ddof = 1) of everything added so far.</summary>
    /// <exception cref="InvalidOperationException">Fewer than two vectors were added.</exception>
    public FidStatistics ToStatistics()
    {
        if (Count < 2)
            throw new InvalidOperationException($"The covariance needs at least 2 feature vectors; {Count} were added.");
        double n = Count;
        var mu = new double[_d];
        for (int j = 0; j < _d; j++) mu[j] = _shift[j] + _sum[j] / n;
        var sigma = new double[_d * _d];
        for (int i = 0; i < _d; i++)
            for (int j = 0; j <= i; j++)
            {
                double v = (_cross[i * _d + j] - _sum[i] * _sum[j] / n) / (n - 1);
                sigma[i * _d + j] = v;
                sigma[j * _d + i] = v;
            }
        return new FidStatistics(mu, sigma, Count);
    }
}
