using ML.Generative.Torch;
using static ML.Generative.Tests.Torch.Reference;
using static ML.Generative.Torch.torch;
using F = ML.Generative.Torch.torch.nn.functional;

namespace ML.Generative.Tests.Torch;

/// <summary>Gradients of small composite functions against central finite differences (float64), second
/// derivatives through create_graph, and the scopes that switch recording off.</summary>
public class AutogradTests
{
    private static double[][] Inputs(params (int count, int seed)[] specs) =>
        specs.Select(s => Values(s.count, s.seed)).ToArray();

    [Fact]
    public void Conv2d_StridePaddingGroupsDilation_GradientsMatchFiniteDifferences()
    {
        var weights = Values(4 * 2 * 3 * 3, 2);
        CheckGradients(t => F.conv2d(t[0], t[1], t[2], (2, 1), (1, 2), (1, 2), groups: 2).tanh().square().sum(),
            Inputs((1 * 4 * 5 * 5, 1), (weights.Length, 2), (4, 3)),
            new[] { new long[] { 1, 4, 5, 5 }, new long[] { 4, 2, 3, 3 }, new long[] { 4 } });
    }

    [Fact]
    public void ConvTranspose2d_GradientsMatchFiniteDifferences()
    {
        CheckGradients(t => (F.conv_transpose2d(t[0], t[1], t[2], (2, 2), (1, 1), (1, 1)).sin() * 1.5).sum(),
            Inputs((2 * 2 * 3 * 3, 4), (2 * 3 * 3 * 3, 5), (3, 6)),
            new[] { new long[] { 2, 2, 3, 3 }, new long[] { 2, 3, 3, 3 }, new long[] { 3 } });
    }

    [Fact]
    public void LinearIntoBceWithLogits_GradientsMatchFiniteDifferences()
    {
        var target = Values(4 * 3, 9).Select(v => (v + 1) / 2).ToArray();
        CheckGradients(t => F.binary_cross_entropy_with_logits(F.linear(t[0], t[1], t[2]), tensor(target, new long[] { 4, 3 })),
            Inputs((4 * 5, 7), (3 * 5, 8), (3, 10)),
            new[] { new long[] { 4, 5 }, new long[] { 3, 5 }, new long[] { 3 } });
    }

    [Fact]
    public void BatchNormInTraining_GradientsFlowThroughTheBatchStatistics()
    {
        // A weighted sum, because the plain sum of a normalized batch does not depend on the input.
        var c = Values(4 * 3 * 2 * 2, 11);
        CheckGradients(t => (F.batch_norm(t[0], null, null, t[1], t[2], training: true) * tensor(c, new long[] { 4, 3, 2, 2 })).sum(),
            Inputs((4 * 3 * 2 * 2, 12), (3, 13), (3, 14)),
            new[] { new long[] { 4, 3, 2, 2 }, new long[] { 3 }, new long[] { 3 } });
    }

    [Fact]
    public void LayerAndGroupNorm_GradientsMatchFiniteDifferences()
    {
        var c = Values(2 * 4 * 3, 15);
        CheckGradients(t => (F.group_norm(t[0], 2, t[1], t[2]) * tensor(c, new long[] { 2, 4, 3 })).sum()
                            + (F.layer_norm(t[0], new long[] { 4, 3 }) * tensor(c, new long[] { 2, 4, 3 })).square().sum(),
            Inputs((2 * 4 * 3, 16), (4, 17), (4, 18)),
            new[] { new long[] { 2, 4, 3 }, new long[] { 4 }, new long[] { 4 } });
    }

    [Fact]
    public void Losses_GradientsMatchFiniteDifferences()
    {
        var labels = tensor(new long[] { 2, 0, 1 });
        var probs = Values(6, 20).Select(v => 0.1 + 0.8 * (v + 1) / 2).ToArray();
        var targetProbs = Values(6, 21).Select(v => (v + 1) / 2).ToArray();
        CheckGradients(t =>
                F.mse_loss(t[0], t[1])
                + F.l1_loss(t[0], t[1], nn.Reduction.Sum)
                + F.cross_entropy(t[0].view(3, 2).repeat(1, 2), labels, tensor(new[] { 0.5, 1.0, 2.0, 1.5 }))
                + F.kl_div(t[0].view(2, 3).log_softmax(1), t[1].view(2, 3).softmax(1))
                + F.binary_cross_entropy(t[0].sigmoid() * 0.5 + tensor(probs) * 0.4, tensor(targetProbs))
                + F.smooth_l1_loss(t[0], t[1] * 0.3, beta: 0.25),
            Inputs((6, 22), (6, 23)),
            new[] { new long[] { 6 }, new long[] { 6 } });
    }

    [Fact]
    public void PoolingAndInterpolation_GradientsMatchFiniteDifferences()
    {
        var c = Values(2 * 8 * 8, 30);
        CheckGradients(t =>
                (F.interpolate(t[0], size: new long[] { 8, 8 }, mode: nn.UpsampleMode.Bilinear, align_corners: false)
                 * tensor(c, new long[] { 1, 2, 8, 8 })).sum()
                + F.max_pool2d(t[0], 2, 1).square().sum()
                + F.avg_pool2d(t[0], 3, 2, 1).exp().sum()
                + F.adaptive_avg_pool2d(t[0], (2, 3)).pow(3).sum(),
            Inputs((2 * 5 * 5, 31)),
            new[] { new long[] { 1, 2, 5, 5 } });
    }

    [Fact]
    public void Grad_WithCreateGraph_GivesSecondDerivativeOfCube()
    {
        using var scope = NewDisposeScope();
        var xs = new[] { -1.5, 0.5, 2.0 };
        var x = tensor(xs, requires_grad: true);
        var g = autograd.grad(new[] { x.pow(3).sum() }, new[] { x }, create_graph: true)[0]!;
        AssertClose(xs.Select(v => 3 * v * v).ToArray(), g);
        Assert.True(g.requires_grad);
        var g2 = autograd.grad(new[] { g.sum() }, new[] { x })[0]!;
        AssertClose(xs.Select(v => 6 * v).ToArray(), g2);
        Assert.Null(x.grad);
    }

    /// <summary>GP(W) = Σ_n ||∇_x D(x_n)||² for D(x) = w2 · tanh(W x + b), whose input gradient is
    /// Wᵀ (w2 ⊙ (1 − tanh²(W x + b))).</summary>
    private static double GradientPenalty(double[] w, double[] b, double[] w2, double[] x, int batch, int inF, int hidden)
    {
        double total = 0;
        for (var n = 0; n < batch; n++)
        {
            var s = new double[hidden];
            for (var h = 0; h < hidden; h++)
            {
                double z = b[h];
                for (var i = 0; i < inF; i++) z += w[h * inF + i] * x[n * inF + i];
                s[h] = w2[h] * (1 - Math.Tanh(z) * Math.Tanh(z));
            }
            for (var i = 0; i < inF; i++)
            {
                double gi = 0;
                for (var h = 0; h < hidden; h++) gi += w[h * inF + i] * s[h];
                total += gi * gi;
            }
        }
        return total;
    }

    [Fact]
    public void GradientPenalty_BackwardThroughInputGradient_MatchesFiniteDifferencesOfClosedForm()
    {
        using var scope = NewDisposeScope();
        int batch = 3, inF = 4, hidden = 5;
        var w = Values(hidden * inF, 40);
        var b = Values(hidden, 41);
        var w2 = Values(hidden, 42);
        var xv = Values(batch * inF, 43);

        var W = tensor(w, new long[] { hidden, inF }, requires_grad: true);
        var B = tensor(b, requires_grad: true);
        var W2 = tensor(w2, new long[] { 1, hidden });
        var x = tensor(xv, new long[] { batch, inF }, requires_grad: true);
        var d = F.linear(F.linear(x, W, B).tanh(), W2);
        var gx = autograd.grad(new[] { d }, new[] { x }, new[] { ones_like(d) }, create_graph: true)[0]!;
        var gp = gx.square().sum();
        AssertClose(GradientPenalty(w, b, w2, xv, batch, inF, hidden), gp.item<double>(), 1e-12, 1e-12, "penalty");
        gp.backward();

        const double h = 1e-6;
        var expected = new double[w.Length];
        for (var i = 0; i < w.Length; i++)
        {
            var plus = (double[])w.Clone();
            var minus = (double[])w.Clone();
            plus[i] += h;
            minus[i] -= h;
            expected[i] = (GradientPenalty(plus, b, w2, xv, batch, inF, hidden) - GradientPenalty(minus, b, w2, xv, batch, inF, hidden)) / (2 * h);
        }
        AssertClose(expected, W.grad!, 1e-6, 1e-8, "dGP/dW");
        Assert.NotNull(B.grad);
    }

    [Fact]
    public void NoGrad_StopsRecording_AndRestoresOnDispose_EnableGradReenables()
    {
        using var scope = NewDisposeScope();
        var x = ones(new long[] { 2 }, requires_grad: true);
        Assert.True(is_grad_enabled());
        using (no_grad())
        {
            Assert.False(is_grad_enabled());
            var y = x * 2;
            Assert.False(y.requires_grad);
            using (enable_grad())
            {
                Assert.True(is_grad_enabled());
                Assert.True((x * 2).requires_grad);
            }
            Assert.False(is_grad_enabled());
        }
        Assert.True(is_grad_enabled());
        Assert.True((x * 2).requires_grad);
    }

    [Fact]
    public void InferenceMode_StopsRecording_AndItsTensorsCannotJoinAutogradLater()
    {
        using var scope = NewDisposeScope();
        var x = ones(new long[] { 3 }, requires_grad: true);
        Tensor made;
        using (inference_mode())
        {
            Assert.True(is_inference_mode_enabled());
            made = x * 3;
            Assert.False(made.requires_grad);
        }
        Assert.False(is_inference_mode_enabled());
        Assert.Equal(new float[] { 3, 3, 3 }, made.data<float>());
        var ex = Assert.Throws<TorchException>(() => (made * x).sum().backward());
        Assert.Contains("nference", ex.Message);
    }

    [Fact]
    public void Detach_SharesDataButCutsTheGraph()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3 }, requires_grad: true);
        var y = x * 2;
        var d = y.detach();
        Assert.False(d.requires_grad);
        Assert.True(d.is_leaf);
        // z = x · stop_gradient(2x): dz/dx = 2x, not 4x.
        (x * d).sum().backward();
        Assert.Equal(new double[] { 2, 4, 6 }, x.grad!.data<double>());
        d.add_(1.0);
        Assert.Equal(new double[] { 3, 5, 7 }, y.data<double>());
    }

    [Fact]
    public void Backward_AccumulatesIntoGrad_RetainGraphAllowsASecondPass()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, -2 }, requires_grad: true);
        var loss = x.square().sum();
        loss.backward(retain_graph: true);
        loss.backward();
        Assert.Equal(new double[] { 4, -8 }, x.grad!.data<double>());
        Assert.Throws<TorchException>(() => loss.backward());

        var unused = tensor(new double[] { 5 }, requires_grad: true);
        var grads = autograd.grad(new[] { x.square().sum() }, new[] { x, unused }, allow_unused: true);
        Assert.Equal(new double[] { 2, -4 }, grads[0]!.data<double>());
        Assert.Null(grads[1]);
    }
}
