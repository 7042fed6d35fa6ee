using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static ML.Generative.Tests.Torch.Reference;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ML.Generative.Tests.Torch;

/// <summary>The tensors written by golden/make_golden.py (real PyTorch 1.13): raw little-endian files and a
/// manifest of shapes and dtypes, copied next to the test assembly.</summary>
internal static class Golden
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "golden");

    private static readonly Lazy<Dictionary<string, (long[] shape, ScalarType dtype)>> Manifest = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json")));
        return doc.RootElement.GetProperty("tensors").EnumerateObject().ToDictionary(
            e => e.Name,
            e => (e.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                e.Value.GetProperty("dtype").GetString() switch
                {
                    "float32" => ScalarType.Float32,
                    "float64" => ScalarType.Float64,
                    "int64" => ScalarType.Int64,
                    var other => throw new InvalidDataException($"unexpected dtype {other}"),
                }));
    });

    public static Tensor Load(string name)
    {
        if (!Manifest.Value.TryGetValue(name, out var entry)) throw new KeyNotFoundException($"no golden tensor '{name}'");
        return TensorData.FromBytes(File.ReadAllBytes(Path.Combine(Folder, name + ".bin")), entry.dtype, entry.shape);
    }

    /// <summary>Every tensor whose name starts with <paramref name="prefix"/>, keyed by the rest of the name.</summary>
    public static Dictionary<string, Tensor> LoadAll(string prefix) =>
        Manifest.Value.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(k => k[prefix.Length..], Load);

    /// <summary>Compares with PyTorch's value: relative 1e-5, plus a small absolute floor for values near zero.</summary>
    public static void AssertMatches(string name, Tensor actual, double atol = 1e-6)
    {
        using var expected = Load(name);
        Assert.Equal(expected.shape, actual.shape);
        AssertClose(expected.ToDoubles(), (IReadOnlyList<double>)actual.ToDoubles(), 1e-5, atol, name);
    }
}

/// <summary>The library against golden values from PyTorch for a small conv VAE (forward, loss, backward,
/// BatchNorm statistics), three optimizer steps, and one spectral-norm power iteration.</summary>
public class GoldenTests
{
    /// <summary>The same network as make_golden.py's <c>Vae</c>, with the same state-dict keys.</summary>
    private sealed class Vae : nn.Module
    {
        public readonly Sequential encoder;
        public readonly Linear fc_mu;
        public readonly Linear fc_logvar;
        public readonly Linear decoder_input;
        public readonly Sequential decoder;

        public Vae() : base("Vae")
        {
            // (B, 1, 8, 8) -> (B, 4, 4, 4) -> (B, 8, 2, 2) -> 32
            encoder = nn.Sequential(nn.Conv2d(1, 4, 3, stride: 2, padding: 1), nn.BatchNorm2d(4), nn.LeakyReLU(0.2),
                nn.Conv2d(4, 8, 3, stride: 2, padding: 1), nn.ReLU(), nn.Flatten());
            fc_mu = nn.Linear(32, 3);
            fc_logvar = nn.Linear(32, 3);
            decoder_input = nn.Linear(3, 32);
            // 32 -> (B, 8, 2, 2) -> (B, 4, 4, 4) -> (B, 1, 8, 8)
            decoder = nn.Sequential(nn.Unflatten(1, new long[] { 8, 2, 2 }), nn.ConvTranspose2d(8, 4, 4, stride: 2, padding: 1),
                nn.GroupNorm(2, 4), nn.ReLU(), nn.ConvTranspose2d(4, 1, 4, stride: 2, padding: 1), nn.Sigmoid());
            RegisterComponents();
        }
    }

    [Fact]
    public void ConvVae_ForwardLossBackwardAndBatchNormStats_MatchPyTorch()
    {
        using var scope = NewDisposeScope();
        using var model = new Vae();
        ML.Generative.Serialization.StateDicts.LoadInto(model, Golden.LoadAll("vae.init."));
        var x = Golden.Load("vae.x");
        var eps = Golden.Load("vae.eps");

        var h = model.encoder.forward(x);
        var mu = model.fc_mu.forward(h);
        var logvar = model.fc_logvar.forward(h);
        var z = mu + (logvar * 0.5).exp() * eps;
        var recon = model.decoder.forward(model.decoder_input.forward(z));
        var bce = F.binary_cross_entropy(recon, x, reduction: nn.Reduction.Sum);
        var kld = -0.5 * (1 + logvar - mu.square() - logvar.exp()).sum();
        var loss = (bce + kld) / 2;
        loss.backward();

        Golden.AssertMatches("vae.out.mu", mu);
        Golden.AssertMatches("vae.out.logvar", logvar);
        Golden.AssertMatches("vae.out.recon", recon);
        Golden.AssertMatches("vae.out.loss", loss);
        // The same parameters, by name, as PyTorch's module.
        Assert.Equal(Golden.LoadAll("vae.grad.").Keys.Order(), model.named_parameters().Select(p => p.name).Order());
        foreach (var (name, p) in model.named_parameters())
            Golden.AssertMatches("vae.grad." + name, p.grad!, atol: 1e-5);
        Golden.AssertMatches("vae.after.encoder.1.running_mean", model.state_dict()["encoder.1.running_mean"]);
        Golden.AssertMatches("vae.after.encoder.1.running_var", model.state_dict()["encoder.1.running_var"]);
        Assert.Equal(Golden.Load("vae.after.encoder.1.num_batches_tracked").ToInt64(),
            model.state_dict()["encoder.1.num_batches_tracked"].ToInt64());
    }

    public static IEnumerable<object[]> Optimizers() => new[]
    {
        new object[] { "adam", (Func<Parameter[], optim.Optimizer>)(ps => optim.Adam(ps, 0.01, 0.8, 0.95, weight_decay: 0.01)) },
        new object[] { "adam_amsgrad", (Func<Parameter[], optim.Optimizer>)(ps => optim.Adam(ps, 0.01, 0.5, 0.6, amsgrad: true)) },
        new object[] { "adamw", (Func<Parameter[], optim.Optimizer>)(ps => optim.AdamW(ps, 0.01, weight_decay: 0.1)) },
        new object[] { "sgd_nesterov", (Func<Parameter[], optim.Optimizer>)(ps => optim.SGD(ps, 0.05, momentum: 0.9, weight_decay: 0.01, nesterov: true)) },
        new object[] { "rmsprop_centered", (Func<Parameter[], optim.Optimizer>)(ps => optim.RMSProp(ps, 0.01, 0.9, momentum: 0.5, centered: true)) },
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Optimizer_ThreeSteps_MatchPyTorch(string name, Func<Parameter[], optim.Optimizer> make)
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(Golden.Load("optim.init"));
        using var opt = make(new[] { p });
        for (var step = 0; step < 3; step++)
        {
            p.grad = Golden.Load($"optim.grad{step}");
            opt.step();
            Golden.AssertMatches($"optim.{name}.step{step}", p, atol: 1e-7);
        }
    }

    public static IEnumerable<object[]> SpectralCases() => new[]
    {
        new object[] { "linear", (Func<nn.Module<Tensor, Tensor>>)(() => nn.Linear(5, 4)) },
        new object[] { "conv", (Func<nn.Module<Tensor, Tensor>>)(() => nn.Conv2d(2, 3, 3, padding: 1)) },
        new object[] { "deconv", (Func<nn.Module<Tensor, Tensor>>)(() => nn.ConvTranspose2d(3, 2, 4, stride: 2, padding: 1)) },
    };

    [Theory]
    [MemberData(nameof(SpectralCases))]
    public void SpectralNorm_OnePowerIterationFromFixedUV_MatchesPyTorch(string name, Func<nn.Module<Tensor, Tensor>> make)
    {
        using var scope = NewDisposeScope();
        using var layer = new ML.Generative.Models.Networks.SpectralNorm(make());
        ML.Generative.Serialization.StateDicts.LoadInto(layer, Golden.LoadAll($"sn.{name}.init."));
        var y = layer.forward(Golden.Load($"sn.{name}.x"));
        y.square().sum().backward();
        Golden.AssertMatches($"sn.{name}.y", y);
        Golden.AssertMatches($"sn.{name}.after.weight_u", layer.state_dict()["weight_u"]);
        Golden.AssertMatches($"sn.{name}.after.weight_v", layer.state_dict()["weight_v"]);
        Golden.AssertMatches($"sn.{name}.grad.weight_orig", layer.named_parameters().Single(p => p.name == "weight_orig").parameter.grad!, atol: 1e-5);
    }
}
