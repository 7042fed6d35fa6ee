using ML.Generative.Fid.Metrics;
using TorchSharp;

namespace ML.Generative.Fid.Tests.Metrics;

public class PrecisionRecallTests
{
    private static double Distance(double[,] a, int i, double[,] b, int j)
    {
        double s = 0;
        for (var c = 0; c < a.GetLength(1); c++) s += (a[i, c] - b[j, c]) * (a[i, c] - b[j, c]);
        return Math.Sqrt(s);
    }

    // Each sample's distance to its k-th nearest other sample of the same set, by sorting.
    private static double[] Radii(double[,] set, int k)
    {
        var n = set.GetLength(0);
        return Enumerable.Range(0, n)
            .Select(i => Enumerable.Range(0, n).Where(j => j != i).Select(j => Distance(set, i, set, j)).OrderBy(v => v).ElementAt(k - 1))
            .ToArray();
    }

    // The share of `points` within some manifold sample's radius.
    private static double Inside(double[,] points, double[,] manifold, int k)
    {
        var radii = Radii(manifold, k);
        var inside = Enumerable.Range(0, points.GetLength(0))
            .Count(i => Enumerable.Range(0, manifold.GetLength(0)).Any(j => Distance(points, i, manifold, j) <= radii[j]));
        return (double)inside / points.GetLength(0);
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(3, 7)]
    [InlineData(3, 1024)]
    [InlineData(5, 16)]
    public void RandomSets_MatchBruteForce(int k, int batchSize)
    {
        var real = RandomFeatures.Gaussian(1, 57, 5);
        var generated = RandomFeatures.Gaussian(2, 43, 5, mean: 0.8, scale: 0.7);
        var precision = Inside(generated, real, k);
        var recall = Inside(real, generated, k);
        Assert.InRange(precision, 0.01, 0.99); // the sets overlap partly, so both shares are informative
        Assert.InRange(recall, 0.01, 0.99);

        var r = PrecisionRecall.Compute(new FeatureMatrix(real), new FeatureMatrix(generated), k, batchSize);

        Assert.Equal(precision, r.Precision);
        Assert.Equal(recall, r.Recall);
        Assert.Equal((k, 57, 43, 5), (r.Neighbours, r.RealCount, r.GeneratedCount, r.Dimension));
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void IdenticalSets_HavePrecisionAndRecallOne()
    {
        var x = RandomFeatures.Matrix(3, 80, 6, mean: 100, scale: 0.01); // far from the origin, close together
        var r = PrecisionRecall.Compute(x, x, batchSize: 9);
        Assert.Equal(1.0, r.Precision);
        Assert.Equal(1.0, r.Recall);
    }

    [Fact]
    public void FarApartSets_HavePrecisionAndRecallZero()
    {
        var r = PrecisionRecall.Compute(RandomFeatures.Matrix(4, 30, 4), RandomFeatures.Matrix(5, 30, 4, mean: 50));
        Assert.Equal(0.0, r.Precision);
        Assert.Equal(0.0, r.Recall);
    }

    [Fact]
    public void FloatAndTensorInputs_GiveTheSameResult()
    {
        var real = RandomFeatures.Gaussian(6, 25, 3);
        var generated = RandomFeatures.Gaussian(7, 20, 3, mean: 0.5);
        var expected = PrecisionRecall.Compute(new FeatureMatrix(real), new FeatureMatrix(generated));

        using var realTensor = torch.tensor(real);
        var fromTensor = PrecisionRecall.Compute(FeatureMatrix.FromTensor(realTensor), new FeatureMatrix(generated));
        var flat = new double[generated.Length];
        Buffer.BlockCopy(generated, 0, flat, 0, flat.Length * sizeof(double));
        var fromRows = PrecisionRecall.Compute(new FeatureMatrix(real), FeatureMatrix.FromRows(flat, 20, 3));

        Assert.Equal((expected.Precision, expected.Recall), (fromTensor.Precision, fromTensor.Recall));
        Assert.Equal((expected.Precision, expected.Recall), (fromRows.Precision, fromRows.Recall));
    }

    [Fact]
    public void FewerSamplesThanDimensions_Warns()
    {
        var r = PrecisionRecall.Compute(RandomFeatures.Matrix(8, 10, 12), RandomFeatures.Matrix(9, 20, 12));
        Assert.Single(r.Warnings);
        Assert.Contains("real set has 10 samples", r.Warnings[0]);
    }

    [Fact]
    public void BadArguments_AreRejected()
    {
        var x = RandomFeatures.Matrix(10, 4, 3);
        Assert.Throws<ArgumentException>(() => PrecisionRecall.Compute(x, RandomFeatures.Matrix(11, 10, 3), neighbours: 4));
        Assert.Throws<ArgumentException>(() => PrecisionRecall.Compute(x, RandomFeatures.Matrix(12, 10, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PrecisionRecall.Compute(x, x, neighbours: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PrecisionRecall.Compute(x, x, batchSize: 0));
    }

    [Fact]
    public void LeavesNoTensorsBehind()
    {
        var x = RandomFeatures.Matrix(13, 30, 4);
        var y = RandomFeatures.Matrix(14, 30, 4, mean: 0.5);
        PrecisionRecall.Compute(x, y, batchSize: 8); // loads the native library first
        var live = torch.Tensor.TotalCount;
        PrecisionRecall.Compute(x, y, batchSize: 8);
        Assert.Equal(live, torch.Tensor.TotalCount);
    }
}
