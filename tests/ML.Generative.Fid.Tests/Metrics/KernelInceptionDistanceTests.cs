using ML.Generative.Fid.Metrics;
using TorchSharp;

namespace ML.Generative.Fid.Tests.Metrics;

public class KernelInceptionDistanceTests
{
    // The unbiased MMD² of the paper, written as the brief states it, with plain loops.
    private static double DirectMmd(double[,] x, double[,] y)
    {
        int n = x.GetLength(0), m = y.GetLength(0), d = x.GetLength(1);
        double K(double[,] a, int i, double[,] b, int j)
        {
            double dot = 0;
            for (var c = 0; c < d; c++) dot += a[i, c] * b[j, c];
            return Math.Pow(dot / d + 1, 3);
        }
        double xx = 0, yy = 0, xy = 0;
        for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) if (i != j) xx += K(x, i, x, j);
        for (var i = 0; i < m; i++) for (var j = 0; j < m; j++) if (i != j) yy += K(y, i, y, j);
        for (var i = 0; i < n; i++) for (var j = 0; j < m; j++) xy += K(x, i, y, j);
        return xx / (n * (n - 1.0)) + yy / (m * (m - 1.0)) - 2 * xy / ((double)n * m);
    }

    [Fact]
    public void WholeSetSubsets_MatchTheDirectEstimator()
    {
        // A subset as large as the set is a permutation of it, and the estimator ignores order.
        var x = RandomFeatures.Gaussian(1, 40, 6);
        var y = RandomFeatures.Gaussian(2, 40, 6, mean: 0.3, scale: 1.2);
        var expected = DirectMmd(x, y);

        var r = KernelInceptionDistance.Compute(new FeatureMatrix(x), new FeatureMatrix(y), subsets: 3, subsetSize: 40, seed: 5);

        Assert.Equal(expected, r.Mean, 1e-10 * Math.Max(1, Math.Abs(expected)));
        Assert.True(r.StandardDeviation < 1e-10, $"std {r.StandardDeviation}");
        Assert.Equal((3, 40, 40, 40, 6), (r.Subsets, r.SubsetSize, r.RealCount, r.GeneratedCount, r.Dimension));
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void SmallerSubsets_AverageToTheWholeSetEstimator()
    {
        // Averaged over all m-subsets, each term of the subset estimator equals the same term on the whole
        // sets (pairs of distinct rows are equally likely), so many random subsets must land near it.
        var x = RandomFeatures.Gaussian(3, 30, 4);
        var y = RandomFeatures.Gaussian(4, 25, 4, mean: 0.5);
        var expected = DirectMmd(x, y);

        var r = KernelInceptionDistance.Compute(new FeatureMatrix(x), new FeatureMatrix(y), subsets: 400, subsetSize: 10, seed: 7);

        Assert.True(r.StandardDeviation > 0);
        Assert.True(Math.Abs(r.Mean - expected) < 4 * r.StandardDeviation / Math.Sqrt(400),
            $"mean {r.Mean}, whole-set {expected}, std {r.StandardDeviation}");
    }

    [Fact]
    public void TheSeed_FixesTheDraws()
    {
        var x = RandomFeatures.Matrix(3, 30, 4);
        var y = RandomFeatures.Matrix(4, 25, 4, mean: 0.5);
        var a = KernelInceptionDistance.Compute(x, y, subsets: 20, subsetSize: 10, seed: 7);
        var b = KernelInceptionDistance.Compute(x, y, subsets: 20, subsetSize: 10, seed: 7);
        var c = KernelInceptionDistance.Compute(x, y, subsets: 20, subsetSize: 10, seed: 8);
        Assert.Equal((a.Mean, a.StandardDeviation), (b.Mean, b.StandardDeviation));
        Assert.NotEqual(a.Mean, c.Mean);
    }

    [Fact]
    public void SameDistribution_IsNearZero_ShiftedIsClearlyPositive()
    {
        var x = RandomFeatures.Matrix(10, 300, 8);
        var same = RandomFeatures.Matrix(11, 300, 8);
        var shifted = RandomFeatures.Matrix(12, 300, 8, mean: 1.0);

        var near = KernelInceptionDistance.Compute(x, same, subsets: 10, subsetSize: 200);
        var far = KernelInceptionDistance.Compute(x, shifted, subsets: 10, subsetSize: 200);

        Assert.True(Math.Abs(near.Mean) < 0.05, $"same distribution gave {near.Mean}");
        Assert.True(far.Mean > 1.0, $"shifted sets gave {far.Mean}");
        Assert.True(far.Mean > 20 * Math.Abs(near.Mean));
    }

    [Fact]
    public void SubsetSizeAboveTheCounts_IsClampedWithAWarning()
    {
        var x = RandomFeatures.Gaussian(20, 12, 3);
        var y = RandomFeatures.Gaussian(21, 9, 3);
        var r = KernelInceptionDistance.Compute(new FeatureMatrix(x), new FeatureMatrix(y), subsets: 4);

        Assert.Equal(9, r.SubsetSize);
        Assert.Contains(r.Warnings, w => w.Contains("subset size 1000") && w.Contains("using 9"));
    }

    [Fact]
    public void FewerSamplesThanDimensions_Warns()
    {
        var x = RandomFeatures.Matrix(30, 8, 16);
        var y = RandomFeatures.Matrix(31, 8, 16);
        var r = KernelInceptionDistance.Compute(x, y, subsets: 2, subsetSize: 8);
        Assert.Equal(2, r.Warnings.Count(w => w.Contains("fewer than the 16 feature dimensions")));
    }

    [Fact]
    public void BadArguments_AreRejected()
    {
        var x = RandomFeatures.Matrix(40, 10, 3);
        Assert.Throws<ArgumentException>(() => KernelInceptionDistance.Compute(x, RandomFeatures.Matrix(41, 10, 4)));
        Assert.Throws<ArgumentException>(() => KernelInceptionDistance.Compute(x, RandomFeatures.Matrix(42, 1, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelInceptionDistance.Compute(x, x, subsets: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelInceptionDistance.Compute(x, x, subsetSize: 1));
    }

    [Fact]
    public void LeavesNoTensorsBehind()
    {
        var x = RandomFeatures.Matrix(50, 20, 5);
        var y = RandomFeatures.Matrix(51, 20, 5);
        KernelInceptionDistance.Compute(x, y, subsets: 2, subsetSize: 10); // loads the native library first
        var live = torch.Tensor.TotalCount;
        KernelInceptionDistance.Compute(x, y, subsets: 5, subsetSize: 10);
        Assert.Equal(live, torch.Tensor.TotalCount);
    }
}
