namespace ML.Generative.Fid.Tests.Frechet;

public class FeatureStatisticsTests
{
    [Theory]
    [MemberData(nameof(FrechetReference.SetNames), MemberType = typeof(FrechetReference))]
    public void MeanAndCovariance_MatchNumpy(string set)
    {
        var acc = new FeatureStatistics(FrechetReference.Dims);
        acc.Add(FrechetReference.Features(set));
        var got = acc.ToStatistics();
        var mu = TestData.ReadF64("frechet", set + "_mu.f64");
        var sigma = TestData.ReadF64("frechet", set + "_sigma.f64");

        Assert.Equal(mu.Length, got.Dimension);
        double scale = sigma.Max(Math.Abs);
        for (int i = 0; i < mu.Length; i++) Assert.Equal(mu[i], got.Mu[i], 1e-13 * (1 + Math.Abs(mu[i])));
        for (int i = 0; i < sigma.Length; i++)
        {
            Assert.Equal(sigma[i], got.Sigma[i], 1e-13 * scale);
            if (sigma[i] == 0) Assert.Equal(0.0, got.Sigma[i]); // a dead feature stays exactly dead
        }
    }

    [Fact]
    public void Result_IsIndependentOfBatchSplit_BitForBit()
    {
        var x = FrechetReference.Features("A");
        int d = FrechetReference.Dims;
        var whole = new FeatureStatistics(d);
        whole.Add(x);
        var split = new FeatureStatistics(d);
        int row = 0;
        foreach (int rows in new[] { 1, 7, 33, 64, 395 })
        {
            split.Add(x.AsSpan(row * d, rows * d));
            row += rows;
        }
        Assert.Equal(500, row);
        Assert.Equal(whole.Count, split.Count);
        Assert.Equal(whole.ToStatistics().Mu.ToArray(), split.ToStatistics().Mu.ToArray());
        Assert.Equal(whole.ToStatistics().Sigma.ToArray(), split.ToStatistics().Sigma.ToArray());
    }

    [Fact]
    public void FloatRows_AreWidenedExactly()
    {
        var rng = new Random(3);
        int d = 300; // above the parallel threshold
        var f = new float[40 * d];
        for (int i = 0; i < f.Length; i++) f[i] = (float)(rng.NextDouble() * 5);
        var a = new FeatureStatistics(d);
        a.Add(f);
        var b = new FeatureStatistics(d);
        b.Add(f.Select(v => (double)v).ToArray());
        Assert.Equal(b.ToStatistics().Sigma.ToArray(), a.ToStatistics().Sigma.ToArray());
        Assert.Equal(40, a.ToStatistics().Count);
    }

    [Fact]
    public void LargeOffset_DoesNotCancel()
    {
        // Values near 1e8 with unit spread: a naive Σx² - n·mean² would lose every digit.
        var acc = new FeatureStatistics(1);
        acc.Add(new[] { 1e8 + 1, 1e8 + 2, 1e8 + 3, 1e8 + 4 });
        var s = acc.ToStatistics();
        Assert.Equal(1e8 + 2.5, s.Mu[0]);
        Assert.Equal(5.0 / 3.0, s.Sigma[0], 15);
    }

    [Fact]
    public void Rejects_BadInput_WithoutChangingState()
    {
        var acc = new FeatureStatistics(2);
        Assert.Throws<ArgumentException>(() => acc.Add(new double[3]));
        Assert.Throws<ArgumentException>(() => acc.Add(new[] { 1.0, 2.0, double.NaN, 4.0 }));
        Assert.Equal(0, acc.Count);
        acc.Add(new double[] { 1, 2 });
        Assert.Throws<InvalidOperationException>(() => acc.ToStatistics());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FeatureStatistics(0));
    }
}
