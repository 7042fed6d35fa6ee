using ML.Generative.Torch;
using ML.Generative.Torch.Modules;
using static ML.Generative.Tests.Torch.Reference;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Tests.Torch;

/// <summary>BatchNorm, LayerNorm, GroupNorm and InstanceNorm against their defining formulas.</summary>
public class NormalizationTests
{
    private const double Eps = 1e-5;

    /// <summary>Per-channel mean, biased and unbiased variance of (N, C, S) data.</summary>
    private static (double[] mean, double[] biased, double[] unbiased) ChannelStats(double[] x, int n, int c, int s)
    {
        var mean = new double[c];
        var biased = new double[c];
        var unbiased = new double[c];
        var count = n * s;
        for (var ch = 0; ch < c; ch++)
        {
            double m = 0, v = 0;
            for (var b = 0; b < n; b++)
                for (var i = 0; i < s; i++) m += x[(b * c + ch) * s + i];
            m /= count;
            for (var b = 0; b < n; b++)
                for (var i = 0; i < s; i++) v += Math.Pow(x[(b * c + ch) * s + i] - m, 2);
            mean[ch] = m;
            biased[ch] = v / count;
            unbiased[ch] = v / (count - 1);
        }
        return (mean, biased, unbiased);
    }

    private static double[] Affine(double[] x, int n, int c, int s, double[] mean, double[] var, double[] w, double[] b)
    {
        var y = new double[x.Length];
        for (var bi = 0; bi < n; bi++)
            for (var ch = 0; ch < c; ch++)
                for (var i = 0; i < s; i++)
                {
                    var k = (bi * c + ch) * s + i;
                    y[k] = (x[k] - mean[ch]) / Math.Sqrt(var[ch] + Eps) * w[ch] + b[ch];
                }
        return y;
    }

    [Theory]
    [InlineData(2, 4, 3, 1, 0.1)]   // BatchNorm1d on (N, C)
    [InlineData(3, 4, 2, 5, 0.3)]   // BatchNorm1d on (N, C, L)
    [InlineData(4, 2, 3, 6, 0.1)]   // BatchNorm2d on (N, C, 2, 3)
    [InlineData(4, 3, 2, 6, 0.6)]
    public void BatchNorm_TrainUsesBatchStats_UpdatesRunningStats_EvalUsesThem(int rank, int n, int c, int s, double m)
    {
        using var scope = NewDisposeScope();
        var bn = rank == 4 ? nn.BatchNorm2d(c, momentum: m, dtype: ScalarType.Float64) : nn.BatchNorm1d(c, momentum: m, dtype: ScalarType.Float64);
        var w = Values(c, 1).Select(v => 1 + v).ToArray();
        var b = Values(c, 2);
        bn.weight!.copy_(F64(w, c));
        bn.bias!.copy_(F64(b, c));
        long[] shape = rank switch { 2 => new long[] { n, c }, 3 => new long[] { n, c, s }, _ => new long[] { n, c, 2, 3 } };

        var runMean = new double[c];
        var runVar = Enumerable.Repeat(1.0, c).ToArray();
        for (var step = 0; step < 2; step++)
        {
            var x = Values(n * c * s, 10 + step, 3).Select(v => v + step).ToArray();
            var (mean, biased, unbiased) = ChannelStats(x, n, c, s);
            var y = bn.forward(F64(x, shape));
            AssertClose(Affine(x, n, c, s, mean, biased, w, b), y, rtol: 1e-9, atol: 1e-9, what: $"train output, step {step}");
            for (var ch = 0; ch < c; ch++)
            {
                runMean[ch] = (1 - m) * runMean[ch] + m * mean[ch];
                runVar[ch] = (1 - m) * runVar[ch] + m * unbiased[ch];
            }
            AssertClose(runMean, bn.running_mean!, what: "running_mean");
            AssertClose(runVar, bn.running_var!, what: "running_var");
        }
        Assert.Equal(2L, bn.num_batches_tracked!.item<long>());

        bn.eval();
        var xe = Values(n * c * s, 99);
        AssertClose(Affine(xe, n, c, s, runMean, runVar, w, b), bn.forward(F64(xe, shape)), rtol: 1e-9, atol: 1e-9, what: "eval output");
        // Eval leaves the statistics alone.
        AssertClose(runMean, bn.running_mean!);
        Assert.Equal(2L, bn.num_batches_tracked!.item<long>());
    }

    // Sequential runs eval batch norm and ReLU over its own intermediate results when no gradient is recorded
    // (sampling); the result must still be the formula, and the caller's tensor (or a view of it) untouched.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BatchNormInSequential_WithoutGradients_IsTheFormula_AndLeavesTheInputAlone(bool inference)
    {
        using var scope = NewDisposeScope();
        const int n = 3, c = 2, s = 4;
        var bn = nn.BatchNorm2d(c, dtype: ScalarType.Float64);
        var w = new[] { 1.5, -0.5 };
        var b = new[] { 0.25, 1.0 };
        var mean = new[] { 0.3, -0.2 };
        var variance = new[] { 2.0, 0.5 };
        bn.weight!.copy_(F64(w, c));
        bn.bias!.copy_(F64(b, c));
        bn.running_mean!.copy_(F64(mean, c));
        bn.running_var!.copy_(F64(variance, c));
        var seq = nn.Sequential(nn.Conv2d(c, c, 1, bias: false, dtype: ScalarType.Float64), bn, nn.ReLU());
        using (no_grad()) ((Conv2d)seq[0]).weight.copy_(eye(c, dtype: ScalarType.Float64).view(c, c, 1, 1) * 2.0);
        seq.eval();
        var input = Values(n * c * s, 7);
        var x = F64(input, n, c, 2, 2);
        var doubled = input.Select(v => 2 * v).ToArray();
        var expected = Affine(doubled, n, c, s, mean, variance, w, b).Select(v => Math.Max(v, 0)).ToArray();
        using (inference ? inference_mode() : no_grad())
            AssertClose(expected, seq.forward(x), 1e-12, 1e-12, what: "output");
        AssertClose(input, x, 0, 0, what: "input");

        // A first layer that hands back a view of the input: batch norm must not write through it.
        var viewing = nn.Sequential(new Lambda("view", t => t.view(n, c, 2, 2)), bn);
        viewing.eval();
        var flat = F64(input, n * c * s);
        using (no_grad()) AssertClose(Affine(input, n, c, s, mean, variance, w, b), viewing.forward(flat), 1e-12, 1e-12, what: "view output");
        AssertClose(input, flat, 0, 0, what: "viewed input");

        // A user's layer that keeps its result (to read features later): what it kept stays as it returned it.
        Tensor? kept = null;
        var keeping = nn.Sequential(new Lambda("keep", t =>
        {
            var y = t * 2.0;
            kept = y.alias();   // Sequential disposes its own handle of y; this one shares y's data
            return y;
        }), bn, nn.ReLU());
        keeping.eval();
        using (no_grad()) keeping.forward(x);
        AssertClose(doubled, kept!, 1e-12, 1e-12, what: "kept features");
    }

    [Fact]
    public void BatchNorm_WithoutMomentum_KeepsCumulativeAverage()
    {
        using var scope = NewDisposeScope();
        var bn = nn.BatchNorm1d(2, momentum: null, dtype: ScalarType.Float64);
        var means = new List<double[]>();
        var vars = new List<double[]>();
        for (var step = 0; step < 3; step++)
        {
            var x = Values(5 * 2, 20 + step, 1 + step);
            var (m, _, u) = ChannelStats(x, 5, 2, 1);
            means.Add(m);
            vars.Add(u);
            bn.forward(F64(x, 5, 2));
        }
        AssertClose(new[] { means.Average(m => m[0]), means.Average(m => m[1]) }, bn.running_mean!);
        AssertClose(new[] { vars.Average(v => v[0]), vars.Average(v => v[1]) }, bn.running_var!);
    }

    [Fact]
    public void BatchNorm_WithoutRunningStats_UsesBatchStatsInEval_AndRejectsWrongRank()
    {
        using var scope = NewDisposeScope();
        var bn = nn.BatchNorm2d(2, affine: false, track_running_stats: false, dtype: ScalarType.Float64);
        Assert.Empty(bn.state_dict());
        bn.eval();
        var x = Values(3 * 2 * 4, 5);
        var (mean, biased, _) = ChannelStats(x, 3, 2, 4);
        AssertClose(Affine(x, 3, 2, 4, mean, biased, new[] { 1.0, 1 }, new[] { 0.0, 0 }), bn.forward(F64(x, 3, 2, 2, 2)), 1e-9, 1e-9);
        Assert.Throws<ArgumentException>(() => bn.forward(F64(x, 3, 2, 4)));
    }

    [Fact]
    public void LayerNorm_NormalizesOverTrailingDimensions()
    {
        using var scope = NewDisposeScope();
        var ln = nn.LayerNorm(new long[] { 2, 3 });
        var w = Values(6, 1).Select(v => 1 + v).ToArray();
        var b = Values(6, 2);
        ln.weight!.copy_(F32(w, 2, 3));
        ln.bias!.copy_(F32(b, 2, 3));
        var x = Values(4 * 6, 3, 2);
        var normalized = NormalizeBlocks(x, 6, Eps, out _, out _);
        var expected = normalized.Select((v, i) => v * w[i % 6] + b[i % 6]).ToArray();
        AssertClose(expected, ln.forward(F32(x, 4, 2, 3)), rtol: 1e-5, atol: 1e-5);
    }

    [Fact]
    public void GroupNorm_NormalizesEachGroupOfChannelsPerSample()
    {
        using var scope = NewDisposeScope();
        int n = 2, c = 6, groups = 3, hw = 4;
        var gn = new GroupNorm(groups, c, dtype: ScalarType.Float64);
        var w = Values(c, 1).Select(v => 1 + v).ToArray();
        var b = Values(c, 2);
        gn.weight!.copy_(F64(w, c));
        gn.bias!.copy_(F64(b, c));
        var x = Values(n * c * hw, 4, 3);
        // Each (sample, group) is a contiguous block of (C/G)·H·W values.
        var normalized = NormalizeBlocks(x, c / groups * hw, Eps, out _, out _);
        var expected = normalized.Select((v, i) => v * w[i / hw % c] + b[i / hw % c]).ToArray();
        AssertClose(expected, gn.forward(F64(x, n, c, 2, 2)), 1e-9, 1e-9);
        Assert.Throws<ArgumentException>(() => nn.GroupNorm(4, 6));
    }

    [Fact]
    public void InstanceNorm2d_NormalizesEachSampleAndChannel_AndTracksStatsWhenAsked()
    {
        using var scope = NewDisposeScope();
        int n = 2, c = 3, hw = 6;
        var x = Values(n * c * hw, 7, 2);
        var inorm = nn.InstanceNorm2d(c);
        Assert.Empty(inorm.state_dict());
        var expected = NormalizeBlocks(x, hw, Eps, out var means, out var vars);
        AssertClose(expected, inorm.forward(F32(x, n, c, 2, 3)), 1e-5, 1e-5);
        inorm.eval();
        AssertClose(expected, inorm.forward(F32(x, n, c, 2, 3)), 1e-5, 1e-5);

        // With running stats: the running mean moves by momentum toward the batch average of instance means.
        var tracked = new InstanceNorm2d(c, trackRunningStats: true, dtype: ScalarType.Float64);
        tracked.forward(F64(x, n, c, 2, 3));
        var expectedMean = Enumerable.Range(0, c).Select(ch => 0.1 * (means[ch] + means[c + ch]) / n).ToArray();
        var expectedVar = Enumerable.Range(0, c)
            .Select(ch => 0.9 + 0.1 * (vars[ch] + vars[c + ch]) / n * hw / (hw - 1)).ToArray();
        AssertClose(expectedMean, tracked.running_mean!, 1e-9, 1e-12);
        AssertClose(expectedVar, tracked.running_var!, 1e-9, 1e-12);
    }
}
