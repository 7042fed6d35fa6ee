using Xunit.Abstractions;

namespace ML.Generative.Fid.Tests.Frechet;

public class FrechetDistanceTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(FrechetReference.PairNames), MemberType = typeof(FrechetReference))]
    public void StoredStatistics_MatchPytorchFid(string pair)
    {
        var expected = FrechetReference.Pair(pair);
        var a = FrechetReference.Stored(pair[..1]);
        var b = FrechetReference.Stored(pair[2..]);

        var got = FrechetDistance.ComputeDetailed(a, b);

        double fid = expected.GetProperty("fid_pytorch_fid").GetDouble();
        output.WriteLine($"{pair}: got {got.Value:R} expected {fid:R} abs {Math.Abs(got.Value - fid):E3} rel {Math.Abs(got.Value - fid) / Math.Max(Math.Abs(fid), 1e-300):E3} offset {got.OffsetApplied}");
        FrechetReference.AssertFid(fid, got.Value, pair);
        Assert.Equal(expected.GetProperty("pytorch_fid_took_eps_path").GetBoolean(), got.OffsetApplied);
        Assert.Equal(expected.GetProperty("trace_sigma1").GetDouble(), got.TraceSigma1, 1e-12);
        Assert.Equal(expected.GetProperty("trace_sigma2").GetDouble(), got.TraceSigma2, 1e-12);
        Assert.Equal(expected.GetProperty("mean_term").GetDouble(), got.MeanTerm, 1e-12);
    }

    [Theory]
    [MemberData(nameof(FrechetReference.PairNames), MemberType = typeof(FrechetReference))]
    public void ForcedOffsetModes_MatchTheIndependentEigenEvaluations(string pair)
    {
        var expected = FrechetReference.Pair(pair);
        var a = FrechetReference.Stored(pair[..1]);
        var b = FrechetReference.Stored(pair[2..]);

        double never = FrechetDistance.Compute(a, b, FrechetOffset.Never);
        double always = FrechetDistance.Compute(a, b, FrechetOffset.Always);

        double expNever = expected.GetProperty("fid_eigh_no_offset").GetDouble();
        double expAlways = expected.GetProperty("fid_eigh_eps_offset").GetDouble();
        output.WriteLine($"{pair}: never diff {never - expNever:E3}, always diff {always - expAlways:E3}");
        FrechetReference.AssertFid(expNever, never, pair + " without offset");
        FrechetReference.AssertFid(expAlways, always, pair + " with offset");
        // The eps path of pytorch-fid itself, forced.
        FrechetReference.AssertFid(expected.GetProperty("fid_pytorch_fid_eps_path_forced").GetDouble(), always, pair + " forced eps path");
    }

    [Theory]
    [MemberData(nameof(FrechetReference.PairNames), MemberType = typeof(FrechetReference))]
    public void FeaturesThroughAccumulator_MatchPytorchFid(string pair)
    {
        FidStatistics Stats(string set)
        {
            var acc = new FeatureStatistics(FrechetReference.Dims);
            acc.Add(FrechetReference.Features(set));
            return acc.ToStatistics();
        }
        double fid = FrechetDistance.Compute(Stats(pair[..1]), Stats(pair[2..]));
        FrechetReference.AssertFid(FrechetReference.Pair(pair).GetProperty("fid_pytorch_fid").GetDouble(), fid, pair);
    }

    [Fact]
    public void OffsetRule_NeedsADeadFeatureOnEachSide()
    {
        // Diagonals only matter: 0 marks a dead feature.
        static double[] Diag(params double[] d)
        {
            var m = new double[d.Length * d.Length];
            for (int i = 0; i < d.Length; i++) m[i * d.Length + i] = d[i];
            return m;
        }
        Assert.True(FrechetDistance.PytorchFidWouldOffset(Diag(0, 1, 1), Diag(1, 0, 1), 3));
        Assert.False(FrechetDistance.PytorchFidWouldOffset(Diag(0, 1, 1), Diag(0, 1, 1), 3)); // same feature dead in both
        Assert.False(FrechetDistance.PytorchFidWouldOffset(Diag(0, 1, 1), Diag(1, 1, 1), 3)); // one set only
        Assert.False(FrechetDistance.PytorchFidWouldOffset(Diag(1, 1, 1), Diag(1, 1, 1), 3));
        Assert.True(FrechetDistance.PytorchFidWouldOffset(Diag(0, 0, 1), Diag(0, 1, 0), 3));
    }

    [Fact]
    public void DiagonalGaussians_HaveTheClosedForm()
    {
        // For commuting covariances, tr sqrt(S1 S2) = Σ sqrt(a_i b_i).
        var mu1 = new double[] { 1, 2, 3 };
        var mu2 = new double[] { 0, 2, 5 };
        var s1 = new double[] { 4, 0, 0, 0, 9, 0, 0, 0, 1 };
        var s2 = new double[] { 1, 0, 0, 0, 4, 0, 0, 0, 16 };
        double expected = (1 + 0 + 4) + (14) + (21) - 2 * (2 + 6 + 4);
        var got = FrechetDistance.Compute(new FidStatistics(mu1, s1), new FidStatistics(mu2, s2));
        Assert.Equal(expected, got, 12);
    }

    [Fact]
    public void Rejects_MismatchedDimensions_AndNonFiniteValues()
    {
        var a = new FidStatistics(new double[2], new double[] { 1, 0, 0, 1 });
        var b = new FidStatistics(new double[3], new double[9]);
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(a, b));
        var nan = new FidStatistics(new[] { double.NaN, 0 }, new double[] { 1, 0, 0, 1 });
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(a, nan));
        Assert.Throws<ArgumentException>(() => new FidStatistics(new double[2], new double[3]));
    }
}
