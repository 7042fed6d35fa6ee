using ML.Generative.Torch;
using static ML.Generative.Tests.Torch.Reference;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Tests.Torch;

/// <summary>
/// Optimizers against their update rules written out in doubles (PyTorch's documented pseudo-code), three
/// steps on fixed parameters and gradients; schedulers against PyTorch's recursive (chainable) forms;
/// optimizer state saved and loaded into a fresh optimizer.
/// </summary>
public class OptimizerTests
{
    private static readonly long[][] Shapes = { new long[] { 2, 3 }, new long[] { 4 } };
    private const int Steps = 3;

    private static double[] Gradient(int param, int step) => Values((int)Shapes[param].Aggregate(1L, (a, b) => a * b), 100 + 10 * step + param, 2);

    /// <summary>An update rule: (param values, grad, step 1-based, per-param state) -> new param values (in place).</summary>
    private delegate void Rule(double[] p, double[] g, int t, Dictionary<string, double[]> state);

    /// <summary>Runs the optimizer and the rule side by side for three steps and compares after each.</summary>
    private static void Check(Func<Tensor[], optim.Optimizer> make, Rule rule)
    {
        using var scope = NewDisposeScope();
        var values = Shapes.Select((s, k) => Values((int)s.Aggregate(1L, (a, b) => a * b), 1 + k)).ToArray();
        var parameters = values.Select((v, k) => tensor(v, Shapes[k], requires_grad: true)).ToArray();
        using var opt = make(parameters);
        var states = values.Select(_ => new Dictionary<string, double[]>()).ToArray();
        for (var t = 1; t <= Steps; t++)
        {
            for (var k = 0; k < parameters.Length; k++)
            {
                var g = Gradient(k, t);
                parameters[k].grad = tensor(g, Shapes[k]);
                rule(values[k], g, t, states[k]);
            }
            opt.step();
            for (var k = 0; k < parameters.Length; k++)
                AssertClose(values[k], parameters[k], 1e-12, 1e-14, $"param {k} after step {t}");
        }
    }

    private static double[] State(Dictionary<string, double[]> s, string key, int n) =>
        s.TryGetValue(key, out var v) ? v : s[key] = new double[n];

    private static Rule Sgd(double lr, double momentum = 0, double dampening = 0, double wd = 0, bool nesterov = false, bool maximize = false) =>
        (p, g, t, s) =>
        {
            var buf = State(s, "buf", p.Length);
            for (var i = 0; i < p.Length; i++)
            {
                var d = maximize ? -g[i] : g[i];
                d += wd * p[i];
                if (momentum != 0)
                {
                    buf[i] = t == 1 ? d : momentum * buf[i] + (1 - dampening) * d;
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }
                p[i] -= lr * d;
            }
        };

    private static Rule AdamRule(double lr, double b1 = 0.9, double b2 = 0.999, double eps = 1e-8, double wd = 0, bool amsgrad = false,
        bool decoupled = false) =>
        (p, g, t, s) =>
        {
            var m = State(s, "m", p.Length);
            var v = State(s, "v", p.Length);
            var vmax = State(s, "vmax", p.Length);
            for (var i = 0; i < p.Length; i++)
            {
                var gi = g[i];
                if (decoupled) p[i] *= 1 - lr * wd;
                else gi += wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                vmax[i] = Math.Max(vmax[i], v[i]);
                var mHat = m[i] / (1 - Math.Pow(b1, t));
                var vHat = (amsgrad ? vmax[i] : v[i]) / (1 - Math.Pow(b2, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        };

    private static Rule RmsRule(double lr, double alpha = 0.99, double eps = 1e-8, double wd = 0, double momentum = 0, bool centered = false) =>
        (p, g, t, s) =>
        {
            var sq = State(s, "sq", p.Length);
            var ga = State(s, "ga", p.Length);
            var buf = State(s, "buf", p.Length);
            for (var i = 0; i < p.Length; i++)
            {
                var gi = g[i] + wd * p[i];
                sq[i] = alpha * sq[i] + (1 - alpha) * gi * gi;
                var variance = sq[i];
                if (centered)
                {
                    ga[i] = alpha * ga[i] + (1 - alpha) * gi;
                    variance -= ga[i] * ga[i];
                }
                var avg = Math.Sqrt(variance) + eps;
                if (momentum > 0)
                {
                    buf[i] = momentum * buf[i] + gi / avg;
                    p[i] -= lr * buf[i];
                }
                else p[i] -= lr * gi / avg;
            }
        };

    [Fact] public void Sgd_Plain() => Check(ps => optim.SGD(ps, 0.1), Sgd(0.1));
    [Fact] public void Sgd_Momentum() => Check(ps => optim.SGD(ps, 0.05, momentum: 0.9), Sgd(0.05, 0.9));
    [Fact] public void Sgd_MomentumDampeningWeightDecay() => Check(ps => optim.SGD(ps, 0.05, momentum: 0.8, dampening: 0.3, weight_decay: 0.01), Sgd(0.05, 0.8, 0.3, 0.01));
    [Fact] public void Sgd_Nesterov() => Check(ps => optim.SGD(ps, 0.05, momentum: 0.9, weight_decay: 0.1, nesterov: true), Sgd(0.05, 0.9, wd: 0.1, nesterov: true));
    [Fact] public void Sgd_Maximize() => Check(ps => optim.SGD(ps, 0.1, momentum: 0.5, maximize: true), Sgd(0.1, 0.5, maximize: true));
    [Fact] public void Adam_Defaults() => Check(ps => optim.Adam(ps, 0.01), AdamRule(0.01));
    [Fact] public void Adam_BetasEpsWeightDecay() => Check(ps => optim.Adam(ps, 0.02, 0.5, 0.9, 1e-3, weight_decay: 0.1), AdamRule(0.02, 0.5, 0.9, 1e-3, 0.1));
    [Fact] public void Adam_Amsgrad() => Check(ps => optim.Adam(ps, 0.01, 0.8, 0.7, amsgrad: true), AdamRule(0.01, 0.8, 0.7, amsgrad: true));
    [Fact] public void AdamW_DecoupledWeightDecay() => Check(ps => optim.AdamW(ps, 0.01, weight_decay: 0.3), AdamRule(0.01, wd: 0.3, decoupled: true));
    [Fact] public void AdamW_Amsgrad() => Check(ps => optim.AdamW(ps, 0.01, 0.6, 0.6, weight_decay: 0.1, amsgrad: true), AdamRule(0.01, 0.6, 0.6, wd: 0.1, amsgrad: true, decoupled: true));
    [Fact] public void RMSprop_Plain() => Check(ps => optim.RMSprop(ps, 0.01), RmsRule(0.01));
    [Fact] public void RMSprop_WeightDecayAndMomentum() => Check(ps => optim.RMSprop(ps, 0.01, 0.9, 1e-6, 0.05, 0.7), RmsRule(0.01, 0.9, 1e-6, 0.05, 0.7));
    [Fact] public void RMSprop_CenteredWithMomentum() => Check(ps => optim.RMSprop(ps, 0.01, 0.8, momentum: 0.5, centered: true), RmsRule(0.01, 0.8, momentum: 0.5, centered: true));

    [Fact]
    public void Adam_ParameterWithoutGradient_IsSkipped_AndStartsItsOwnStepCountLater()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new double[] { 1, 2 }, requires_grad: true);
        var b = tensor(new double[] { 3, 4 }, requires_grad: true);
        using var opt = optim.Adam(new[] { a, b }, 0.1);
        var ra = new double[] { 1, 2 };
        var rb = new double[] { 3, 4 };
        var rule = AdamRule(0.1);
        var sa = new Dictionary<string, double[]>();
        var sb = new Dictionary<string, double[]>();

        a.grad = tensor(new double[] { 0.5, -1 });
        rule(ra, new[] { 0.5, -1 }, 1, sa);
        opt.step();
        Assert.Equal(new double[] { 3, 4 }, b.data<double>());

        a.grad = tensor(new double[] { 0.2, 0.3 });
        b.grad = tensor(new double[] { -0.7, 0.1 });
        rule(ra, new[] { 0.2, 0.3 }, 2, sa);
        rule(rb, new[] { -0.7, 0.1 }, 1, sb);   // b's first step: bias correction of step 1
        opt.step();
        AssertClose(ra, a, 1e-12);
        AssertClose(rb, b, 1e-12);
    }

    [Fact]
    public void ZeroGrad_DropsGradients_OrZeroesThem()
    {
        using var scope = NewDisposeScope();
        var p = tensor(new double[] { 1, 2 }, requires_grad: true);
        using var opt = optim.SGD(new[] { p }, 0.1);
        p.grad = tensor(new double[] { 1, 1 });
        opt.zero_grad(set_to_none: false);
        Assert.Equal(new double[] { 0, 0 }, p.grad!.data<double>());
        opt.zero_grad();
        Assert.Null(p.grad);
        opt.step();
        Assert.Equal(new double[] { 1, 2 }, p.data<double>());
    }

    [Theory]
    [InlineData(2.0, 0.5)]
    [InlineData(2.0, 100.0)]
    [InlineData(double.PositiveInfinity, 0.5)]
    public void ClipGradNorm_ScalesAllGradientsByTheirJointNorm(double normType, double maxNorm)
    {
        using var scope = NewDisposeScope();
        var g1 = Values(3, 31, 2);
        var g2 = Values(2, 32, 2);
        var a = tensor(new double[3], requires_grad: true);
        var b = tensor(new double[2], requires_grad: true);
        a.grad = tensor(g1);
        b.grad = tensor(g2);
        var all = g1.Concat(g2).ToArray();
        var total = double.IsPositiveInfinity(normType) ? all.Max(Math.Abs) : Math.Sqrt(all.Sum(v => v * v));
        AssertClose(total, nn.utils.clip_grad_norm_(new[] { a, b }, maxNorm, normType), 1e-12);
        var coef = Math.Min(1, maxNorm / (total + 1e-6));
        AssertClose(g1.Select(v => v * coef).ToArray(), a.grad!, 1e-12);
        AssertClose(g2.Select(v => v * coef).ToArray(), b.grad!, 1e-12);
    }

    // ---- schedulers -----------------------------------------------------------------------------

    private static void CheckSchedule(Func<optim.Optimizer, optim.lr_scheduler.LRScheduler> make, Func<int, double, double> next, int epochs)
    {
        using var scope = NewDisposeScope();
        var p = tensor(new double[] { 0 }, requires_grad: true);
        using var opt = optim.SGD(new[] { p }, 0.5);
        var scheduler = make(opt);
        var lr = 0.5;
        AssertClose(lr, scheduler.get_last_lr()[0]);
        for (var e = 1; e <= epochs; e++)
        {
            // The optimizer uses the scheduled rate: with gradient 1, p moves by exactly lr.
            var before = p.item<double>();
            p.grad = tensor(new double[] { 1 });
            opt.step();
            AssertClose(before - lr, p.item<double>(), 1e-12, 1e-15, $"update at epoch {e - 1}");
            scheduler.step();
            lr = next(e, lr);
            AssertClose(lr, scheduler.get_last_lr()[0], 1e-12, 1e-15, $"lr at epoch {e}");
            AssertClose(lr, opt.ParamGroups[0].LearningRate, 1e-12, 1e-15);
        }
    }

    [Fact]
    public void StepLR_DecaysEveryStepSizeEpochs() =>
        CheckSchedule(o => new optim.lr_scheduler.StepLR(o, 3, 0.5), (e, lr) => e % 3 == 0 ? lr * 0.5 : lr, 10);

    [Fact]
    public void ExponentialLR_DecaysEveryEpoch() =>
        CheckSchedule(o => new optim.lr_scheduler.ExponentialLR(o, 0.9), (e, lr) => lr * 0.9, 8);

    [Fact]
    public void CosineAnnealingLR_FollowsPyTorchsRecursiveForm_PastTMaxToo()
    {
        const double baseLr = 0.5, etaMin = 0.01;
        const int tMax = 5;
        CheckSchedule(o => new optim.lr_scheduler.CosineAnnealingLR(o, tMax, etaMin), (e, lr) =>
            (e - 1 - tMax) % (2 * tMax) == 0
                ? lr + (baseLr - etaMin) * (1 - Math.Cos(Math.PI / tMax)) / 2
                : (1 + Math.Cos(Math.PI * e / tMax)) / (1 + Math.Cos(Math.PI * (e - 1) / tMax)) * (lr - etaMin) + etaMin,
            2 * tMax + 3);
    }

    // ---- state dict -----------------------------------------------------------------------------

    public static IEnumerable<object[]> Resumable() => new[]
    {
        new object[] { "sgd", (Func<Tensor[], optim.Optimizer>)(ps => optim.SGD(ps, 0.05, momentum: 0.9, nesterov: true)) },
        new object[] { "adam", (Func<Tensor[], optim.Optimizer>)(ps => optim.Adam(ps, 0.01, amsgrad: true)) },
        new object[] { "adamw", (Func<Tensor[], optim.Optimizer>)(ps => optim.AdamW(ps, 0.01)) },
        new object[] { "rmsprop", (Func<Tensor[], optim.Optimizer>)(ps => optim.RMSprop(ps, 0.01, momentum: 0.5, centered: true)) },
    };

    [Theory]
    [MemberData(nameof(Resumable))]
    public void StateDict_LoadedIntoAFreshOptimizer_ContinuesIdentically(string name, Func<Tensor[], optim.Optimizer> make)
    {
        using var scope = NewDisposeScope();
        var original = Shapes.Select((s, k) => tensor(Values((int)s.Aggregate(1L, (a, b) => a * b), 1 + k), s, requires_grad: true)).ToArray();
        using var opt = make(original);
        for (var t = 1; t <= 2; t++)
        {
            for (var k = 0; k < original.Length; k++) original[k].grad = tensor(Gradient(k, t), Shapes[k]);
            opt.step();
        }
        var saved = opt.state_dict();
        Assert.Contains("state.0.0.step", saved.Keys);
        Assert.Equal(2L, saved["state.0.0.step"].item<long>());

        var resumed = original.Select(p => p.detach().clone().requires_grad_()).ToArray();
        using var fresh = make(resumed);
        fresh.load_state_dict(saved);
        foreach (var t in saved.Values) t.Dispose();

        for (var k = 0; k < original.Length; k++)
        {
            original[k].grad = tensor(Gradient(k, 3), Shapes[k]);
            resumed[k].grad = tensor(Gradient(k, 3), Shapes[k]);
        }
        opt.step();
        fresh.step();
        for (var k = 0; k < original.Length; k++)
            Assert.True(original[k].equal(resumed[k]), $"{name}: param {k} differs after the resumed step");

        // A fresh optimizer without the loaded state takes a different step (so the check above has teeth).
        var cold = original.Select(p => p.detach().clone().requires_grad_()).ToArray();
        using var coldOpt = make(cold);
        for (var k = 0; k < cold.Length; k++) cold[k].grad = tensor(Gradient(k, 4), Shapes[k]);
        for (var k = 0; k < original.Length; k++) original[k].grad = tensor(Gradient(k, 4), Shapes[k]);
        coldOpt.step();
        opt.step();
        Assert.False(original[0].equal(cold[0]), $"{name}: state made no difference");
    }

    [Fact]
    public void LoadStateDict_RejectsWrongShapesAndUnknownKeys()
    {
        using var scope = NewDisposeScope();
        var p = tensor(new double[] { 1, 2 }, requires_grad: true);
        using var opt = optim.Adam(new[] { p });
        var badShape = new Dictionary<string, Tensor> { ["state.0.0.exp_avg"] = zeros(3) };
        Assert.Throws<ArgumentException>(() => opt.load_state_dict(badShape));
        var unknown = new Dictionary<string, Tensor> { ["state.0.7.exp_avg"] = zeros(2) };
        Assert.Throws<ArgumentException>(() => opt.load_state_dict(unknown));
    }
}
