using ML.Generative.Torch;
using ML.Generative.Torch.Modules;
using static ML.Generative.Tests.Torch.Reference;
using static ML.Generative.Torch.torch;
using F = ML.Generative.Torch.torch.nn.functional;

namespace ML.Generative.Tests.Torch;

/// <summary>Module bookkeeping: PyTorch's state-dict keys and order, strict loading, train/eval, dtype
/// conversion, and spectral normalisation.</summary>
public class ModuleTests
{
    private sealed class TinyVae : nn.Module<Tensor, Tensor>
    {
        private readonly Sequential encoder;
        private readonly Linear fc_mu;
        private readonly Linear fc_logvar;
        private readonly Tensor scratch;

        public TinyVae() : base("TinyVae")
        {
            encoder = nn.Sequential(nn.Linear(4, 3), nn.ReLU());
            fc_mu = nn.Linear(3, 2);
            fc_logvar = nn.Linear(3, 2);
            scratch = zeros(2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var h = encoder.forward(input);
            using var mu = fc_mu.forward(h);
            using var logvar = fc_logvar.forward(h);
            return mu + logvar + scratch;
        }
    }

    [Fact]
    public void StateDict_SequentialConvBatchNorm_HasPyTorchKeysInPyTorchOrder()
    {
        using var model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2));
        Assert.Equal(new[] { "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked" },
            model.state_dict().Keys.ToArray());
        Assert.Equal(new[] { "0.weight", "0.bias", "1.weight", "1.bias" }, model.named_parameters().Select(p => p.name).ToArray());
        Assert.Equal(4, model.parameters().Count());
    }

    [Fact]
    public void StateDict_FieldNamesAndNamedChildrenBecomeKeys()
    {
        using var vae = new TinyVae();
        // PyTorch lists a module's own parameters and buffers before its children's.
        Assert.Equal(new[] { "scratch", "encoder.0.weight", "encoder.0.bias", "fc_mu.weight", "fc_mu.bias", "fc_logvar.weight", "fc_logvar.bias" },
            vae.state_dict().Keys.ToArray());
        using var named = nn.Sequential(("enc", nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))), ("head", nn.Linear(1, 1)));
        Assert.Equal(new[] { "enc.0.weight", "enc.0.bias", "enc.2.weight", "enc.2.bias", "head.weight", "head.bias" },
            named.state_dict().Keys.ToArray());
        Assert.Equal(new[] { "", "enc", "enc.0", "enc.1", "enc.2", "head" }, named.named_modules().Select(m => m.name).ToArray());
    }

    [Fact]
    public void LoadStateDict_CopiesValues_AndStrictFailuresChangeNothing()
    {
        using var scope = NewDisposeScope();
        using var target = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2));
        using var source = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2));
        using (no_grad()) source.state_dict()["1.running_mean"].fill_(0.25);
        var before = target.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        bool Unchanged() => target.state_dict().All(kv => kv.Value.equal(before[kv.Key]));

        var missing = source.state_dict().Where(kv => kv.Key != "0.bias").ToDictionary(kv => kv.Key, kv => kv.Value);
        var ex = Assert.Throws<ArgumentException>(() => target.load_state_dict(missing));
        Assert.Contains("0.bias", ex.Message);
        Assert.True(Unchanged());

        var extra = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        extra["2.weight"] = zeros(1);
        ex = Assert.Throws<ArgumentException>(() => target.load_state_dict(extra));
        Assert.Contains("2.weight", ex.Message);
        Assert.True(Unchanged());

        var wrongShape = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        wrongShape["0.weight"] = zeros(2, 4);
        ex = Assert.Throws<ArgumentException>(() => target.load_state_dict(wrongShape));
        Assert.Contains("0.weight", ex.Message);
        Assert.True(Unchanged());

        // Non-strict: loads what matches and reports the rest.
        var (miss, unexpected) = target.load_state_dict(missing.Append(new("extra", zeros(1))).ToDictionary(kv => kv.Key, kv => kv.Value), strict: false);
        Assert.Equal(new[] { "0.bias" }, miss);
        Assert.Equal(new[] { "extra" }, unexpected);
        Assert.True(target.state_dict()["0.weight"].equal(source.state_dict()["0.weight"]));
        Assert.True(target.state_dict()["0.bias"].equal(before["0.bias"]));

        // A full load copies values (not aliases): later changes to the source do not leak through.
        target.load_state_dict(source.state_dict());
        Assert.Equal(new float[] { 0.25f, 0.25f }, target.state_dict()["1.running_mean"].data<float>());
        using (no_grad()) source.state_dict()["0.weight"].fill_(9);
        Assert.DoesNotContain(9f, target.state_dict()["0.weight"].data<float>());
    }

    [Fact]
    public void Sequential_WithLayersReturningTheirInput_DisposesNeitherTheInputNorTheResult()
    {
        using var scope = NewDisposeScope();
        var first = nn.Linear(3, 4, dtype: ScalarType.Float64);
        var second = nn.Linear(4, 2, dtype: ScalarType.Float64);
        // In-place activations (DCGAN's LeakyReLU(inplace=True)) and identities hand back the very tensor they got.
        using var model = nn.Sequential(first, new Lambda("LeakyReLU_", x => F.leaky_relu(x, 0.2, inplace: true)), second);
        var input = F64(Values(6, 1), 2, 3);
        var expected = second.forward(F.leaky_relu(first.forward(input), 0.2));
        AssertClose(expected.data<double>(), model.forward(input));

        using var identity = nn.Sequential(new Lambda("Same", x => x), nn.Tanh());
        var y = identity.forward(input);
        Assert.False(input.IsInvalid);
        AssertClose(input.tanh().data<double>(), y);
        using var single = nn.Sequential(new Lambda("Same", x => x));
        Assert.Same(input, single.forward(input));
    }

    [Fact]
    public void TrainAndEval_PropagateToEveryDescendant()
    {
        using var scope = NewDisposeScope();
        using var model = nn.Sequential(nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5)), nn.BatchNorm1d(4));
        Assert.All(model.modules(), m => Assert.True(m.training));
        model.eval();
        Assert.All(model.modules(), m => Assert.False(m.training));
        var x = Values(8, 3).Select(v => v + 1).ToArray();
        // In eval the dropout is the identity, so two passes agree exactly.
        Assert.True(model.forward(F32(x, 2, 4)).equal(model.forward(F32(x, 2, 4))));
        model.train();
        Assert.All(model.modules(), m => Assert.True(m.training));
    }

    [Fact]
    public void ToDtype_ConvertsParametersAndBuffersInPlace()
    {
        using var scope = NewDisposeScope();
        using var model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2));
        var weight = model.parameters().First();
        var before = weight.data<double>();
        model.to(ScalarType.Float64);
        Assert.Same(weight, model.parameters().First());
        Assert.Equal(ScalarType.Float64, weight.dtype);
        Assert.True(weight.requires_grad);
        Assert.Equal(before, weight.data<double>());
        Assert.Equal(ScalarType.Float64, model.state_dict()["1.running_var"].dtype);
        Assert.Equal(ScalarType.Int64, model.state_dict()["1.num_batches_tracked"].dtype);
        Assert.Equal(ScalarType.Float64, model.forward(ones(new long[] { 3, 2 }, ScalarType.Float64)).dtype);
    }

    // ---- spectral norm ------------------------------------------------------------------------

    [Fact]
    public void SpectralNorm_RenamesWeight_LikePyTorch()
    {
        using var linear = nn.utils.spectral_norm(nn.Linear(3, 2));
        Assert.Equal(new[] { "bias", "weight_orig", "weight_u", "weight_v" }, linear.state_dict().Keys.ToArray());
        Assert.Equal(new[] { "bias", "weight_orig" }, linear.named_parameters().Select(p => p.name).ToArray());
        using var deconv = nn.utils.spectral_norm(nn.ConvTranspose2d(3, 2, 3));
        // dim 1 for transposed convolutions: u has C_out entries, v the rest.
        Assert.Equal(new long[] { 2 }, deconv.state_dict()["weight_u"].shape);
        Assert.Equal(new long[] { 27 }, deconv.state_dict()["weight_v"].shape);
        Assert.Throws<InvalidOperationException>(() => nn.utils.spectral_norm(linear));
    }

    [Fact]
    public void SpectralNorm_AfterManyPowerIterations_LargestSingularValueIsOne()
    {
        using var scope = NewDisposeScope();
        int outF = 4, inF = 6;
        using var layer = nn.utils.spectral_norm(new Linear(inF, outF, hasBias: false, dtype: ScalarType.Float64));
        var w = Values(outF * inF, 5, 2);
        layer.weight.copy_(F64(w, outF, inF));
        var identity = eye(inF, dtype: ScalarType.Float64);
        for (var i = 0; i < 200; i++) layer.forward(identity).Dispose();

        // forward(I) = I·W_effᵀ = W_effᵀ.
        var wEff = layer.forward(identity).t().contiguous();
        var (eigenvalues, _) = linalg.eigh(wEff.t().matmul(wEff));
        AssertClose(1.0, Math.Sqrt(eigenvalues.max().item<double>()), 1e-6, 0, "σ_max(W_eff) via eigh");
        // And independently: W_eff = W / σ(W), with σ from a power iteration coded here.
        var sigma = LargestSingularValue(w, outF, inF);
        AssertClose(w.Select(v => v / sigma).ToArray(), wEff, 1e-6, 1e-9, "W_eff");

        // In eval no power iteration happens: u stays as it is.
        layer.eval();
        var u = layer.state_dict()["weight_u"].clone();
        layer.forward(identity);
        Assert.True(u.equal(layer.state_dict()["weight_u"]));
    }

    [Fact]
    public void SpectralNorm_Conv2d_DividesTheWeightBySigmaOfItsMatrix_AndGradientReachesWeightOrig()
    {
        using var scope = NewDisposeScope();
        using var conv = nn.utils.spectral_norm(nn.Conv2d(2, 3, 3, padding: 1, dtype: ScalarType.Float64));
        var w = Values(3 * 2 * 3 * 3, 6);
        var b = Values(3, 7);
        conv.weight.copy_(F64(w, 3, 2, 3, 3));
        conv.bias!.copy_(F64(b, 3));
        var xv = Values(2 * 4 * 4, 8);
        var x = F64(xv, 1, 2, 4, 4);
        for (var i = 0; i < 200; i++) conv.forward(x).Dispose();
        var y = conv.forward(x);
        var sigma = LargestSingularValue(w, 3, 18);
        var expected = Reference.Conv2d(xv, 1, 2, 4, 4, w.Select(v => v / sigma).ToArray(), 3, 3, 3, b, (1, 1), (1, 1), (1, 1), 1, out _, out _);
        AssertClose(expected, y, 1e-6, 1e-9);

        y.square().sum().backward();
        Assert.NotNull(conv.weight.grad);
        Assert.NotNull(conv.bias!.grad);
        Assert.Null(conv.state_dict()["weight_u"].grad);
    }
}
