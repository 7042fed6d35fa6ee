namespace ML.Generative.Fid.LinearAlgebra;

/// <summary>Symmetric eigen-decomposition: Householder tridiagonalisation, then implicit QL.</summary>
internal static class SymmetricEigen
{
    /// <summary>Eigenvalues (unsorted) of the symmetric n x n row-major matrix; only its lower triangle is read.</summary>
    public static double[] Eigenvalues(ReadOnlySpan<double> a, int n)
    {
        var work = a.ToArray();
        var d = new double[n];
        var e = new double[n];
        HouseholderTridiagonal.Reduce(work, n, d, e);
        TridiagonalQL.Solve(d, e, n, log: null);
        return d;
    }

    /// <summary>
    /// Eigenvalues (unsorted) and eigenvectors of the symmetric n x n row-major matrix (lower triangle read).
    /// Row k of <c>vectors</c> is the unit eigenvector of <c>values[k]</c>, so A = Vᵀ diag(values) V.
    /// </summary>
    public static (double[] values, double[] vectors) Decompose(ReadOnlySpan<double> a, int n)
    {
        var work = a.ToArray();
        var d = new double[n];
        var e = new double[n];
        var taus = HouseholderTridiagonal.Reduce(work, n, d, e);
        var rows = HouseholderTridiagonal.FormQTransposed(work, n, taus);
        var log = new RotationLog();
        TridiagonalQL.Solve(d, e, n, log);
        log.ApplyToRows(rows, n);
        return (d, rows);
    }
}
