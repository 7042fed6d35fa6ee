using ML.Generative.Fid.LinearAlgebra;

namespace ML.Generative.Fid.Tests.Frechet;

public class LinearAlgebraTests
{
    private static double[] RandomSymmetric(int n, int seed)
    {
        var rng = new Random(seed);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                a[i * n + j] = a[j * n + i] = rng.NextDouble() * 2 - 1;
        return a;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(300)] // above the parallel thresholds
    public void Decompose_ReconstructsMatrix_WithOrthonormalVectors(int n)
    {
        var a = RandomSymmetric(n, 42 + n);
        var (values, rows) = SymmetricEigen.Decompose(a, n);
        double worstResidual = 0, worstOrtho = 0;
        for (int k = 0; k < n; k++)
        {
            // |A v - lambda v|
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int j = 0; j < n; j++) av += a[i * n + j] * rows[k * n + j];
                worstResidual = Math.Max(worstResidual, Math.Abs(av - values[k] * rows[k * n + i]));
            }
            for (int l = 0; l <= k; l++)
            {
                double dot = 0;
                for (int j = 0; j < n; j++) dot += rows[k * n + j] * rows[l * n + j];
                worstOrtho = Math.Max(worstOrtho, Math.Abs(dot - (k == l ? 1 : 0)));
            }
        }
        Assert.True(worstResidual < 1e-12 * n, $"residual {worstResidual}");
        Assert.True(worstOrtho < 1e-13 * n, $"orthogonality {worstOrtho}");
        // The values-only path gives the same spectrum.
        var sortedA = values.Order().ToArray();
        var sortedB = SymmetricEigen.Eigenvalues(a, n).Order().ToArray();
        for (int k = 0; k < n; k++) Assert.Equal(sortedA[k], sortedB[k], 1e-12 * n);
    }

    [Fact]
    public void Eigenvalues_OfKnownMatrices()
    {
        // diag(3, -1, 2) and [[2,1],[1,2]] (eigenvalues 1 and 3)
        Assert.Equal(new[] { -1.0, 2, 3 }, SymmetricEigen.Eigenvalues(new double[] { 3, 0, 0, 0, -1, 0, 0, 0, 2 }, 3).Order());
        var two = SymmetricEigen.Eigenvalues(new double[] { 2, 1, 1, 2 }, 2).Order().ToArray();
        Assert.Equal(1.0, two[0], 15);
        Assert.Equal(3.0, two[1], 15);
        // The 1-2-1 matrix of size n: eigenvalues 2 - 2 cos(k pi / (n+1)).
        int n = 50;
        var t = new double[n * n];
        for (int i = 0; i < n; i++) { t[i * n + i] = 2; if (i > 0) t[i * n + i - 1] = t[(i - 1) * n + i] = -1; }
        var got = SymmetricEigen.Eigenvalues(t, n).Order().ToArray();
        for (int k = 1; k <= n; k++) Assert.Equal(2 - 2 * Math.Cos(k * Math.PI / (n + 1)), got[k - 1], 13);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(130)]
    public void Multiply_MatchesNaiveProduct(int n)
    {
        var a = RandomSymmetric(n, 1);
        var b = RandomSymmetric(n, 2);
        for (int i = 0; i < n; i++) b[i * n + (i * 7) % n] += i; // not symmetric any more
        var c = DenseMatrix.Multiply(a, b, n);
        var bt = DenseMatrix.Transpose(b, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
                Assert.Equal(s, c[i * n + j], 1e-12 * n);
                Assert.Equal(b[i * n + j], bt[j * n + i]);
            }
    }
}
