using ML.Generative.Torch;
using static ML.Generative.Tests.Torch.Reference;
using static ML.Generative.Torch.torch;
using F = ML.Generative.Torch.torch.nn.functional;

namespace ML.Generative.Tests.Torch;

/// <summary>Every loss against its per-element formula and its reductions, computed in doubles.</summary>
public class LossTests
{
    private static readonly double[] Input = Values(12, 1, 2);
    private static readonly double[] Target = Values(12, 2, 2);
    private static readonly double[] Probabilities = Values(12, 3).Select(v => 0.05 + 0.9 * (v + 1) / 2).ToArray();
    private static readonly double[] Labels = Values(12, 4).Select(v => (v + 1) / 2).ToArray();

    /// <summary>Checks the 'none', 'sum' and 'mean' reductions of a loss against per-element values.</summary>
    private static void CheckReductions(Func<Tensor, Tensor, nn.Reduction, Tensor> loss, double[] input, double[] target,
        Func<double, double, double> element)
    {
        using var scope = NewDisposeScope();
        var expected = input.Select((x, i) => element(x, target[i])).ToArray();
        var x = F64(input, 3, 4);
        var y = F64(target, 3, 4);
        var none = loss(x, y, nn.Reduction.None);
        Assert.Equal(new long[] { 3, 4 }, none.shape);
        AssertClose(expected, none);
        AssertClose(expected.Sum(), loss(x, y, nn.Reduction.Sum).item<double>());
        AssertClose(expected.Average(), loss(x, y, nn.Reduction.Mean).item<double>());
    }

    [Fact]
    public void Mse() => CheckReductions((x, y, r) => F.mse_loss(x, y, r), Input, Target, (x, y) => (x - y) * (x - y));

    [Fact]
    public void L1() => CheckReductions((x, y, r) => F.l1_loss(x, y, r), Input, Target, (x, y) => Math.Abs(x - y));

    [Fact]
    public void SmoothL1() => CheckReductions((x, y, r) => F.smooth_l1_loss(x, y, r, beta: 0.5), Input, Target, (x, y) =>
    {
        var d = Math.Abs(x - y);
        return d < 0.5 ? 0.5 * d * d / 0.5 : d - 0.25;
    });

    [Fact]
    public void Huber() => CheckReductions((x, y, r) => F.huber_loss(x, y, r, delta: 0.8), Input, Target, (x, y) =>
    {
        var d = Math.Abs(x - y);
        return d <= 0.8 ? 0.5 * d * d : 0.8 * (d - 0.4);
    });

    [Fact]
    public void BinaryCrossEntropy() =>
        CheckReductions((x, y, r) => F.binary_cross_entropy(x, y, reduction: r), Probabilities, Labels,
            (p, t) => -(t * Math.Log(p) + (1 - t) * Math.Log(1 - p)));

    [Fact]
    public void BinaryCrossEntropy_WeightsElements_AndClampsLogAtMinus100()
    {
        using var scope = NewDisposeScope();
        var w = Values(4, 5).Select(v => v + 1.5).ToArray();
        var loss = F.binary_cross_entropy(F64(Probabilities, 3, 4), F64(Labels, 3, 4), F64(w, 4), nn.Reduction.Sum).item<double>();
        var expected = Probabilities.Select((p, i) => -w[i % 4] * (Labels[i] * Math.Log(p) + (1 - Labels[i]) * Math.Log(1 - p))).Sum();
        AssertClose(expected, loss);
        // p = 0 with target 1 would be infinite; PyTorch clamps log(p) to -100.
        Assert.Equal(100.0, F.binary_cross_entropy(zeros(new long[] { 1 }, ScalarType.Float64), ones(new long[] { 1 }, ScalarType.Float64)).item<double>());
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits() =>
        CheckReductions((x, y, r) => F.binary_cross_entropy_with_logits(x, y, reduction: r), Input, Labels,
            (x, t) => -(t * Math.Log(Sigmoid(x)) + (1 - t) * Math.Log(1 - Sigmoid(x))));

    [Fact]
    public void BinaryCrossEntropyWithLogits_PosWeightScalesThePositiveTerm()
    {
        using var scope = NewDisposeScope();
        var pw = new[] { 0.5, 2.0, 3.0, 1.0 };
        var loss = F.binary_cross_entropy_with_logits(F64(Input, 3, 4), F64(Labels, 3, 4), pos_weight: F64(pw, 4)).item<double>();
        var expected = Input.Select((x, i) =>
            -(pw[i % 4] * Labels[i] * Math.Log(Sigmoid(x)) + (1 - Labels[i]) * Math.Log(1 - Sigmoid(x)))).Average();
        AssertClose(expected, loss);
        // Large logits stay finite (log-sum-exp form, not log(sigmoid)).
        var big = F.binary_cross_entropy_with_logits(tensor(new double[] { 800, -800 }), tensor(new double[] { 0, 1 }), reduction: nn.Reduction.None);
        AssertClose(new[] { 800.0, 800.0 }, big);
    }

    private static double[] LogSoftmaxRows(double[] x, int rows, int cols)
    {
        var y = new double[x.Length];
        for (var r = 0; r < rows; r++)
        {
            var lse = Math.Log(Enumerable.Range(0, cols).Sum(j => Math.Exp(x[r * cols + j])));
            for (var j = 0; j < cols; j++) y[r * cols + j] = x[r * cols + j] - lse;
        }
        return y;
    }

    [Fact]
    public void CrossEntropy_WithClassIndices_WeightsAndIgnoreIndex()
    {
        using var scope = NewDisposeScope();
        var logits = Values(5 * 4, 6, 3);
        var labels = new long[] { 2, 0, 3, 3, 1 };
        var logp = LogSoftmaxRows(logits, 5, 4);
        var x = F64(logits, 5, 4);
        var y = tensor(labels);

        var perSample = labels.Select((c, i) => -logp[i * 4 + c]).ToArray();
        AssertClose(perSample, F.cross_entropy(x, y, reduction: nn.Reduction.None));
        AssertClose(perSample.Average(), F.cross_entropy(x, y).item<double>());
        AssertClose(perSample.Sum(), F.cross_entropy(x, y, reduction: nn.Reduction.Sum).item<double>());
        AssertClose(perSample.Average(), F.nll_loss(F64(logp, 5, 4), y).item<double>());

        // Weighted mean divides by the summed weights of the labels present.
        var w = new[] { 0.5, 1.0, 2.0, 3.0 };
        var weighted = labels.Select((c, i) => w[c] * perSample[i]).Sum() / labels.Sum(c => w[c]);
        AssertClose(weighted, F.cross_entropy(x, y, F64(w, 4)).item<double>());

        // Ignored samples drop out of both the sum and the count.
        var ignoring = F.cross_entropy(x, y, ignore_index: 3).item<double>();
        AssertClose((perSample[0] + perSample[1] + perSample[4]) / 3, ignoring);
    }

    [Fact]
    public void CrossEntropy_LabelSmoothingMixesInTheUniformTarget()
    {
        using var scope = NewDisposeScope();
        var logits = Values(3 * 5, 7, 2);
        var labels = new long[] { 4, 1, 0 };
        var logp = LogSoftmaxRows(logits, 3, 5);
        const double eps = 0.2;
        var expected = labels.Select((c, i) =>
            -Enumerable.Range(0, 5).Sum(j => ((j == c ? 1 - eps : 0) + eps / 5) * logp[i * 5 + j])).Average();
        AssertClose(expected, F.cross_entropy(F64(logits, 3, 5), tensor(labels), label_smoothing: eps).item<double>());
    }

    [Fact]
    public void KlDiv_PointwiseTargetTimesLogRatio()
    {
        using var scope = NewDisposeScope();
        var logq = LogSoftmaxRows(Values(12, 8), 3, 4);
        var p = LogSoftmaxRows(Values(12, 9), 3, 4).Select(v => Math.Exp(v)).ToArray();
        var pointwise = p.Select((t, i) => t * (Math.Log(t) - logq[i])).ToArray();
        AssertClose(pointwise, F.kl_div(F64(logq, 3, 4), F64(p, 3, 4), nn.Reduction.None));
        AssertClose(pointwise.Sum(), F.kl_div(F64(logq, 3, 4), F64(p, 3, 4), nn.Reduction.Sum).item<double>());
        // 'mean' averages over every element (not PyTorch's 'batchmean').
        AssertClose(pointwise.Average(), F.kl_div(F64(logq, 3, 4), F64(p, 3, 4)).item<double>());
        var logp = p.Select(v => Math.Log(v)).ToArray();
        AssertClose(pointwise.Sum(), F.kl_div(F64(logq, 3, 4), F64(logp, 3, 4), nn.Reduction.Sum, log_target: true).item<double>());
        // KL of a distribution with itself is zero.
        Assert.Equal(0.0, F.kl_div(F64(logp, 3, 4), F64(p, 3, 4), nn.Reduction.Sum).item<double>(), 12);
    }
}
