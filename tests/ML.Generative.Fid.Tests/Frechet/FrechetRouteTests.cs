namespace ML.Generative.Fid.Tests.Frechet;

/// <summary>The Cholesky and eigen routes of the trace term compute the same spectrum.</summary>
public class FrechetRouteTests
{
    [Theory]
    [InlineData("A", "B", 0.0, 1e-12)]
    [InlineData("B", "A", 0.0, 1e-12)]
    // Singular covariances become definite with the offset, but with a condition number near 1e7,
    // which the two routes' rounding reflects.
    [InlineData("C", "D", 1e-6, 1e-10)]
    public void CholeskyAndEigenRoutes_Agree(string first, string second, double eps, double relTol)
    {
        var a = FrechetReference.Stored(first);
        var b = FrechetReference.Stored(second);
        int n = a.Dimension;
        double viaCholesky = FrechetDistance.TraceSqrtProduct(a.SigmaArray, b.SigmaArray, n, eps, FrechetDistance.Route.Cholesky);
        double viaEigen = FrechetDistance.TraceSqrtProduct(a.SigmaArray, b.SigmaArray, n, eps, FrechetDistance.Route.Eigen);
        Assert.Equal(viaEigen, viaCholesky, relTol * viaEigen);
    }

    [Theory]
    [InlineData("C")]
    [InlineData("E")] // rank 59 of 64: no dead feature, but still singular
    public void SingularSigma_IsRefusedByTheCholeskyRoute(string set)
    {
        var a = FrechetReference.Stored(set);
        Assert.Throws<InvalidOperationException>(() =>
            FrechetDistance.TraceSqrtProduct(a.SigmaArray, a.SigmaArray, a.Dimension, 0, FrechetDistance.Route.Cholesky));
    }
}
