using ML.Generative.Fid.Metrics;

namespace ML.Generative.Fid.Tests.Metrics;

public class InceptionScoreTests
{
    // exp(mean KL(p(y|x) || p(y))) per split, splits cut at floor(i·N/splits), population std: the paper's formula.
    private static (double mean, double std) Direct(double[,] logits, int splits)
    {
        int n = logits.GetLength(0), c = logits.GetLength(1);
        var p = new double[n, c];
        for (var i = 0; i < n; i++)
        {
            double z = 0;
            for (var j = 0; j < c; j++) z += Math.Exp(logits[i, j]);
            for (var j = 0; j < c; j++) p[i, j] = Math.Exp(logits[i, j]) / z;
        }
        var scores = new double[splits];
        for (var s = 0; s < splits; s++)
        {
            int a = s * n / splits, b = (s + 1) * n / splits;
            var py = new double[c];
            for (var i = a; i < b; i++) for (var j = 0; j < c; j++) py[j] += p[i, j] / (b - a);
            double kl = 0;
            for (var i = a; i < b; i++) for (var j = 0; j < c; j++) kl += p[i, j] * Math.Log(p[i, j] / py[j]);
            scores[s] = Math.Exp(kl / (b - a));
        }
        var mean = scores.Average();
        return (mean, Math.Sqrt(scores.Select(v => (v - mean) * (v - mean)).Average()));
    }

    [Fact]
    public void UniformPredictions_ScoreOne()
    {
        var r = InceptionScore.FromLogits(new FeatureMatrix(new double[50, 1008]));
        Assert.Equal(1.0, r.Mean, 1e-12);
        Assert.Equal(0.0, r.StandardDeviation, 1e-12);
        Assert.Equal((10, 50, 1008), (r.Splits, r.Count, r.Classes));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void OneHotPredictionsOverKClasses_ScoreK(int k)
    {
        const int splits = 10, perClass = 3;
        var n = splits * k * perClass;
        var logits = new double[n, 20];
        var probabilities = new double[n, 20];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < 20; j++) logits[i, j] = -1e4; // exp underflows to exactly 0
            logits[i, i % k] = 0;
            probabilities[i, i % k] = 1;
        }

        var fromLogits = InceptionScore.FromLogits(new FeatureMatrix(logits), splits);
        var fromProbabilities = InceptionScore.FromProbabilities(new FeatureMatrix(probabilities), splits);

        Assert.Equal(k, fromLogits.Mean, 1e-12);
        Assert.Equal(0.0, fromLogits.StandardDeviation, 1e-12);
        Assert.Equal(k, fromProbabilities.Mean, 1e-12);
    }

    [Theory]
    [InlineData(60, 10, 12)]
    [InlineData(53, 5, 7)]   // splits of unequal size
    [InlineData(9, 1, 4)]
    public void RandomLogits_MatchTheDirectFormula(int n, int splits, int classes)
    {
        var logits = RandomFeatures.Gaussian(n * 31 + classes, n, classes, scale: 2);
        var (mean, std) = Direct(logits, splits);

        var r = InceptionScore.FromLogits(new FeatureMatrix(logits), splits);

        Assert.Equal(mean, r.Mean, 1e-12 * mean);
        Assert.Equal(std, r.StandardDeviation, 1e-10 * mean);
    }

    [Fact]
    public void ProbabilitiesAndLogits_Agree()
    {
        var logits = RandomFeatures.Gaussian(5, 40, 6);
        var p = new double[40, 6];
        for (var i = 0; i < 40; i++)
        {
            var z = Enumerable.Range(0, 6).Sum(j => Math.Exp(logits[i, j]));
            for (var j = 0; j < 6; j++) p[i, j] = Math.Exp(logits[i, j]) / z;
        }
        var a = InceptionScore.FromLogits(new FeatureMatrix(logits), 4);
        var b = InceptionScore.FromProbabilities(new FeatureMatrix(p), 4);
        Assert.Equal(a.Mean, b.Mean, 1e-12 * a.Mean);
        Assert.Equal(a.StandardDeviation, b.StandardDeviation, 1e-10);
    }

    [Fact]
    public void First1000Columns_ScoreAsA1000ClassInput()
    {
        var logits = RandomFeatures.Gaussian(6, 20, 1008, scale: 3);
        var first = new double[20, 1000];
        for (var i = 0; i < 20; i++) for (var j = 0; j < 1000; j++) first[i, j] = logits[i, j];
        var (mean, _) = Direct(first, 2);

        var r = InceptionScore.FromLogits(new FeatureMatrix(logits).Columns(0, 1000), 2);

        Assert.Equal(1000, r.Classes);
        Assert.Equal(mean, r.Mean, 1e-12 * mean);
    }

    [Fact]
    public void SplitsSmallerThanTheClassCount_Warn()
    {
        var r = InceptionScore.FromLogits(RandomFeatures.Matrix(7, 100, 1008), 10);
        Assert.Contains(r.Warnings, w => w.Contains("fewer than the 1008 classes"));
        Assert.Empty(InceptionScore.FromLogits(RandomFeatures.Matrix(8, 100, 5), 10).Warnings);
    }

    [Fact]
    public void BadArguments_AreRejected()
    {
        var logits = RandomFeatures.Matrix(9, 5, 4);
        Assert.Throws<ArgumentException>(() => InceptionScore.FromLogits(logits, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => InceptionScore.FromLogits(logits, 0));
        Assert.Throws<ArgumentException>(() => InceptionScore.FromLogits(RandomFeatures.Matrix(9, 5, 1), 1));
        Assert.Throws<ArgumentException>(() => InceptionScore.FromProbabilities(new FeatureMatrix(new double[,] { { 0.5, 0.6 } }), 1));
        Assert.Throws<ArgumentException>(() => InceptionScore.FromProbabilities(new FeatureMatrix(new double[,] { { 1.5, -0.5 } }), 1));
    }
}
