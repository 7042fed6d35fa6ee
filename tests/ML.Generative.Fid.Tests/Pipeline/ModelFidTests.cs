using System.Globalization;
using System.Text.Json;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Fid.Features;
using ML.Generative.Fid.Tests.Cli;
using ML.Generative.Models.Losses;
using ML.Generative.Models.Sampling;
using ML.Generative.Models.Vae;
using ML.Generative.Serialization;
using static TorchSharp.torch;

namespace ML.Generative.Fid.Tests.Pipeline;

/// <summary>
/// FID of a fitted generative pipeline that carries its real-data statistics: in this process through
/// <c>ctx.Evaluate.Fid(model, count, features)</c>, and in a new one through <c>mlgen fid --real model.zip --fake model.zip</c>.
/// A tiny VAE (1 epoch on 40 Fashion-MNIST images) and a randomly initialised domain network keep it quick.
/// </summary>
public class ModelFidTests : IClassFixture<ModelFidTests.Fitted>
{
    public sealed class Fitted : IDisposable
    {
        public string Dir { get; } = Directory.CreateTempSubdirectory("fid-model-").FullName;
        public string Network { get; }
        public string Zip { get; }
        public string ZipWithoutStatistics { get; }
        public float[] RealPixels { get; }

        public Fitted()
        {
            manual_seed(5);
            Network = Path.Combine(Dir, "net.safetensors");
            using (var net = new DomainFeatureNetwork()) SafeTensors.Save(Network, net.state_dict());
            var ctx = new GenerativeContext(seed: 1);
            var train = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test), 40);
            RealPixels = ctx.Data.CreateEnumerable<Row>(ctx.Transforms.NormalizePixels("P", "Image").Fit(train).Transform(train)).SelectMany(r => r.P).ToArray();
            using var features = FidFeatures.Domain(Network);
            var vae = ctx.Generative.Vae(new VaeOptions { LatentSize = 2, Epochs = 1, BatchSize = 16, ReconstructionLoss = ReconstructionLoss.MeanSquaredError });
            var normalize = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.MinusOneToOne);
            Zip = Path.Combine(Dir, "vae.zip");
            ctx.Model.Save(ctx.Transforms.ComputeFidStatistics(features).Append(normalize).Append(vae).Fit(train), train.Schema, Zip);
            ZipWithoutStatistics = Path.Combine(Dir, "vae-no-stats.zip");
            ctx.Model.Save(normalize.Append(vae).Fit(train), train.Schema, ZipWithoutStatistics);
        }

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    public sealed class Row
    {
        [VectorType(1, 28, 28)] public float[] P { get; set; } = null!;
    }

    private readonly Fitted fitted;
    private readonly GenerativeContext ctx = new(seed: 0);

    public ModelFidTests(Fitted fitted) => this.fitted = fitted;

    [Fact]
    public void TheModelsSamples_AgainstItsStoredStatistics_EqualTheFidComputedDirectly()
    {
        using var features = FidFeatures.Domain(fitted.Network);
        var model = ctx.Model.Load(fitted.Zip, out _);
        var result = ctx.Evaluate.Fid(model, 20, features, seed: 3);
        Assert.Equal((40L, 20L, 128), (result.RealCount, result.GeneratedCount, result.Dimensions));
        Assert.Equal(features.Network, result.FeatureNetwork);

        // Directly: the network on the real pixels and on the sampler's one batch of 20 (BatchSize 50 > 20).
        FidStatistics Stats(Tensor images)
        {
            using var f = features.Extract(images);
            var acc = new FeatureStatistics(128);
            acc.Add(f.ToFloats());
            return acc.ToStatistics();
        }
        using var real = tensor(fitted.RealPixels, new long[] { 40, 1, 28, 28 });
        using var samples = ImageSampler.FromModel(model).Batches(3)(20);
        var expected = FrechetDistance.Compute(Stats(real), Stats(samples));
        Assert.Equal(expected, result.Value, Math.Abs(expected) * 1e-6);

        Assert.Equal(result.Value, ctx.Evaluate.Fid(model, 20, features, seed: 3).Value);
        Assert.NotEqual(result.Value, ctx.Evaluate.Fid(model, 20, features, seed: 4).Value);
    }

    [Fact]
    public void MlgenFid_WithTheModelZipOnBothSides_GivesTheSameValueInANewProcess()
    {
        using var features = FidFeatures.Domain(fitted.Network);
        var inProcess = ctx.Evaluate.Fid(ctx.Model.Load(fitted.Zip, out _), 20, features, seed: 3).Value;
        var json = Path.Combine(fitted.Dir, "result.json");
        var r = Processes.MlgenFid("--real", fitted.Zip, "--fake", fitted.Zip, "--num-samples", "20", "--seed", "3",
            "--feature-network", fitted.Network, "--json", json);
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(inProcess, FidCliTests.FidLine(r.Out));
        var fidAt = Array.FindIndex(r.Out, l => l.StartsWith("FID: ", StringComparison.Ordinal));
        Assert.Contains(r.Out.Take(fidAt), l => l.StartsWith("warning: ", StringComparison.Ordinal) && l.Contains("fewer than the 128"));
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(inProcess, root.GetProperty("value").GetDouble());
        Assert.Equal((40L, 20L, 128), (root.GetProperty("realCount").GetInt64(), root.GetProperty("generatedCount").GetInt64(), root.GetProperty("dimensions").GetInt32()));
        Assert.Equal(features.ContentHash, root.GetProperty("featureNetwork").GetProperty("sha256").GetString());
    }

    [Fact]
    public void MlgenFid_SamplesAModelAgainstImages_AndRejectsMisusedOptions()
    {
        var folder = Directory.CreateDirectory(Path.Combine(fitted.Dir, "real")).FullName;
        var view = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test), 12);
        ctx.Data.SaveImages(view, "Image", folder);

        var ok = Processes.MlgenFid("--real", folder, "--fake", fitted.Zip, "--num-samples", "12", "--feature-network", fitted.Network, "--kid", "--pr");
        Assert.True(ok.Code == 0, ok.Err);
        Assert.True(double.IsFinite(FidCliTests.FidLine(ok.Out)));
        Assert.Contains(ok.Out, l => l.StartsWith("KID: ", StringComparison.Ordinal));

        var samplesForAFolder = Processes.MlgenFid("--real", folder, "--fake", folder, "--num-samples", "12", "--feature-network", fitted.Network);
        Assert.NotEqual(0, samplesForAFolder.Code);
        Assert.Contains("--fake model.zip", Assert.Single(samplesForAFolder.ErrorLines));

        var noStatistics = Processes.MlgenFid("--real", fitted.ZipWithoutStatistics, "--fake", folder, "--feature-network", fitted.Network);
        Assert.NotEqual(0, noStatistics.Code);
        var line = Assert.Single(noStatistics.ErrorLines);
        Assert.Contains(fitted.ZipWithoutStatistics, line);
        Assert.Contains("no FID reference statistics", line);

        var kidWithStatistics = Processes.MlgenFid("--real", fitted.Zip, "--fake", folder, "--feature-network", fitted.Network, "--kid");
        Assert.NotEqual(0, kidWithStatistics.Code);
        Assert.Contains("--kid", Assert.Single(kidWithStatistics.ErrorLines));
    }
}
