using System.Runtime.CompilerServices;
using System.Numerics;

namespace ML.Generative.Fid.LinearAlgebra;

/// <summary>
/// Householder reduction of a symmetric matrix to tridiagonal form, T = Qᵀ A Q (Golub and Van Loan,
/// "Matrix Computations", algorithm 8.3.1), reading only the lower triangle of A.
/// </summary>
/// <remarks>
/// Each step's rank-2 update of the trailing block is fused with the next step's matrix-vector
/// product, so the trailing block is read once per step, not twice. The rows are split into a fixed
/// number of chunks, each with its own partial-sum buffer summed in a fixed order, so the result is the
/// same bit for bit whether the chunks run in parallel or not.
/// </remarks>
internal static class HouseholderTridiagonal
{
    private const int Chunks = 8;
    private const int ParallelFrom = 192; // below this trailing size a step is too small to share

    /// <summary>
    /// Reduces <paramref name="a"/> (n x n, row-major; lower triangle read and overwritten) to tridiagonal
    /// form. <paramref name="d"/> gets the diagonal, <paramref name="e"/>[0..n-2] the sub-diagonal
    /// (e[n-1] = 0). The Householder vectors stay in the columns of <paramref name="a"/> below the
    /// diagonal and their scale factors in the returned array, for <see cref="FormQTransposed"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip the slow first JIT tier
    public static double[] Reduce(double[] a, int n, double[] d, double[] e)
    {
        var taus = new double[n];
        e[n - 1] = 0;
        if (n == 1) { d[0] = a[0]; return taus; }
        if (n == 2) { d[0] = a[0]; d[1] = a[3]; e[0] = a[2]; return taus; }

        var v = new double[n];
        var vNext = new double[n];
        var p = new double[n];
        var w = new double[n];
        var partial = new double[Chunks][];
        for (int c = 0; c < Chunks; c++) partial[c] = new double[n];

        // Step 0 needs p = tau A22 v on its own; later steps get it from the fused pass.
        double tau = MakeReflector(a, n, 0, v, e);
        taus[0] = tau;
        FusedPass(a, n, 1, v, w, update: false, v, p, partial);
        Scale(p, 1, n, tau);

        for (int k = 0; k <= n - 3; k++)
        {
            d[k] = a[k * n + k];
            // w = p - (tau/2)(pᵀv) v, so that A22 - v wᵀ - w vᵀ = H A22 H.
            double pv = 0;
            for (int i = k + 1; i < n; i++) pv += p[i] * v[i];
            double half = 0.5 * tau * pv;
            for (int i = k + 1; i < n; i++) w[i] = p[i] - half * v[i];

            // Column k+1 first: the next reflector is built from it.
            for (int i = k + 1; i < n; i++)
                a[i * n + k + 1] -= v[i] * w[k + 1] + w[i] * v[k + 1];

            bool hasNext = k + 1 <= n - 3;
            double tauNext = hasNext ? MakeReflector(a, n, k + 1, vNext, e) : 0;
            if (hasNext) taus[k + 1] = tauNext;
            FusedPass(a, n, k + 2, v, w, update: true, hasNext ? vNext : null, p, partial);
            Scale(p, k + 2, n, tauNext);
            (v, vNext) = (vNext, v);
            tau = tauNext;
        }
        d[n - 2] = a[(n - 2) * n + n - 2];
        d[n - 1] = a[(n - 1) * n + n - 1];
        e[n - 2] = a[(n - 1) * n + n - 2];
        return taus;
    }

    /// <summary>
    /// Builds the reflector H = I - tau u uᵀ that maps column k below the diagonal onto its first entry;
    /// stores u there and alpha (the new sub-diagonal entry) in e[k]; returns tau (0: no reflection needed).
    /// </summary>
    /// <remarks>
    /// u is scaled so u[0] = 1, which puts tau in [1, 2] and every |u[i]| at most 1: columns of 1e-155
    /// (they occur when deflating a null space) neither underflow nor overflow.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip the slow first JIT tier
    private static double MakeReflector(double[] a, int n, int k, double[] u, double[] e)
    {
        double scale = 0;
        for (int i = k + 1; i < n; i++) scale = Math.Max(scale, Math.Abs(a[i * n + k]));
        double x0 = a[(k + 1) * n + k];
        double tail = 0;
        if (scale > 0)
            for (int i = k + 2; i < n; i++) { double t = a[i * n + k] / scale; tail += t * t; }
        if (tail == 0)
        {
            // Already tridiagonal in this column: H = I.
            for (int i = k + 1; i < n; i++) u[i] = 0;
            e[k] = x0;
            return 0;
        }
        double r0 = x0 / scale;
        double sigma = scale * Math.Sqrt(r0 * r0 + tail);
        double alpha = x0 > 0 ? -sigma : sigma; // opposite sign to x0: no cancellation in x0 - alpha
        double v0 = x0 - alpha;
        u[k + 1] = 1;
        a[(k + 1) * n + k] = 1;
        for (int i = k + 2; i < n; i++)
        {
            double ui = a[i * n + k] / v0;
            u[i] = ui;
            a[i * n + k] = ui;
        }
        e[k] = alpha;
        return 1 + Math.Abs(x0) / sigma;
    }

    /// <summary>
    /// For rows i in [start, n) and columns [start, i]: optionally applies A -= v wᵀ + w vᵀ, then
    /// accumulates p = A vNext over the (symmetric) block. p[start..n) is overwritten.
    /// </summary>
    private static void FusedPass(double[] a, int n, int start, double[] v, double[] w, bool update,
        double[]? vNext, double[] p, double[][] partial)
    {
        int m = n - start;
        if (m <= 0) return;
        var bounds = new int[Chunks + 1];
        for (int c = 0; c <= Chunks; c++)
            bounds[c] = start + (int)Math.Round(m * Math.Sqrt((double)c / Chunks)); // equal areas of the triangle
        void Run(int c)
        {
            var acc = partial[c];
            Array.Clear(acc, start, m);
            for (int i = bounds[c]; i < bounds[c + 1]; i++) Row(a, n, start, i, v, w, update, vNext, acc);
        }
        if (m >= ParallelFrom) Parallel.For(0, Chunks, Run);
        else for (int c = 0; c < Chunks; c++) Run(c);

        if (vNext is null) return;
        for (int j = start; j < n; j++)
        {
            double s = 0;
            for (int c = 0; c < Chunks; c++) s += partial[c][j];
            p[j] = s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip the slow first JIT tier
    private static unsafe void Row(double[] a, int n, int start, int i, double[] v, double[] w, bool update,
        double[]? vNext, double[] acc)
    {
        double vi = v[i], wi = w[i];
        double vni = vNext is null ? 0 : vNext[i];
        int width = Vector<double>.Count;
        fixed (double* row0 = a, pv = v, pw = w, pn = vNext, pacc = acc)
        {
            double* row = row0 + (long)i * n;
            int j = start;
            if (vNext is null)
            {
                if (!update) return;
                var bv = new Vector<double>(vi);
                var bw = new Vector<double>(wi);
                for (; j + width <= i; j += width)
                    Vector.Store(Vector.Load(row + j) - (bv * Vector.Load(pw + j) + bw * Vector.Load(pv + j)), row + j);
                for (; j <= i; j++) row[j] -= vi * pw[j] + wi * pv[j];
                return;
            }
            var dot = Vector<double>.Zero;
            var bvi = new Vector<double>(vi);
            var bwi = new Vector<double>(wi);
            var bni = new Vector<double>(vni);
            for (; j + width <= i; j += width)
            {
                var x = Vector.Load(row + j);
                if (update) { x -= bvi * Vector.Load(pw + j) + bwi * Vector.Load(pv + j); Vector.Store(x, row + j); }
                dot += x * Vector.Load(pn + j);
                Vector.Store(Vector.Load(pacc + j) + x * bni, pacc + j);
            }
            double s = Vector.Sum(dot);
            for (; j < i; j++)
            {
                double x = row[j];
                if (update) { x -= vi * pw[j] + wi * pv[j]; row[j] = x; }
                s += x * pn[j];
                pacc[j] += x * vni;
            }
            double diag = row[i];
            if (update) { diag -= vi * pw[i] + wi * pv[i]; row[i] = diag; }
            pacc[i] += s + diag * vni;
        }
    }

    private static void Scale(double[] x, int from, int to, double f)
    {
        for (int i = from; i < to; i++) x[i] *= f;
    }

    /// <summary>
    /// Forms Qᵀ (row-major) from the reflectors <see cref="Reduce"/> left in <paramref name="a"/>, as
    /// Qᵀ = H(n-3) ... H(0), applied right to left so each step touches only the trailing rows and columns.
    /// </summary>
    public static double[] FormQTransposed(double[] a, int n, double[] taus)
    {
        var q = new double[n * n];
        for (int i = 0; i < n; i++) q[i * n + i] = 1;
        var v = new double[n];
        for (int k = n - 3; k >= 0; k--)
        {
            double tau = taus[k];
            if (tau == 0) continue;
            for (int i = k + 1; i < n; i++) v[i] = a[i * n + k];
            int first = k + 1, m = n - first;
            if (m >= ParallelFrom)
                Parallel.For(0, Chunks, c => ReflectRows(q, n, first + m * c / Chunks, first + m * (c + 1) / Chunks, first, v, tau));
            else
                ReflectRows(q, n, first, n, first, v, tau);
        }
        return q;
    }

    // Rows r of Qᵀ: r[first..n) -= tau (r · v) v.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip the slow first JIT tier
    private static unsafe void ReflectRows(double[] q, int n, int r0, int r1, int first, double[] v, double tau)
    {
        int width = Vector<double>.Count;
        fixed (double* pq = q, pv = v)
        {
            for (int r = r0; r < r1; r++)
            {
                double* row = pq + (long)r * n;
                var acc = Vector<double>.Zero;
                int j = first;
                for (; j + width <= n; j += width) acc += Vector.Load(row + j) * Vector.Load(pv + j);
                double s = Vector.Sum(acc);
                for (; j < n; j++) s += row[j] * pv[j];
                double f = tau * s;
                var bf = new Vector<double>(f);
                j = first;
                for (; j + width <= n; j += width) Vector.Store(Vector.Load(row + j) - bf * Vector.Load(pv + j), row + j);
                for (; j < n; j++) row[j] -= f * pv[j];
            }
        }
    }
}
