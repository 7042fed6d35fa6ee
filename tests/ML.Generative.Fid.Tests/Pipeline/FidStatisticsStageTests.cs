using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Fid.Features;
using ML.Generative.Pipeline;
using ML.Generative.Serialization;
using static TorchSharp.torch;

namespace ML.Generative.Fid.Tests.Pipeline;

/// <summary>
/// <c>ctx.Transforms.ComputeFidStatistics</c>: real-data statistics fitted once, kept in the model zip (kind
/// <c>mlgen.fid.statistics</c>), loaded in a process that never names the FID package, and used by
/// <c>ctx.Evaluate.Fid(model, …)</c>. Expected values come from the network applied to the raw pixels directly.
/// </summary>
public class FidStatisticsStageTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("fid-stage-").FullName;
    private readonly string network;
    private readonly GenerativeContext ctx = new(seed: 1);

    public FidStatisticsStageTests()
    {
        manual_seed(3);
        network = Path.Combine(dir, "net.safetensors");
        using var net = new DomainFeatureNetwork();
        SafeTensors.Save(network, net.state_dict());
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A folder of gray 28x28 PNGs and their bytes.</summary>
    private (string Folder, byte[][] Pixels) Images(string name, int count, int seed, int brightness)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dir, name)).FullName;
        var rng = new Random(seed);
        var all = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            all[i] = new byte[28 * 28];
            for (var j = 0; j < all[i].Length; j++) all[i][j] = (byte)Math.Min(255, rng.Next(0, 176) + brightness);
            ImageCodec.SavePng(new ImageData(28, 28, 1, all[i]), Path.Combine(folder, $"{i:D2}.png"));
        }
        return (folder, all);
    }

    /// <summary>The statistics of the network applied straight to bytes / 255, without views or batching.</summary>
    private FidStatistics DirectStatistics(byte[][] images)
    {
        using var net = new DomainFeatureNetwork();
        ML.Generative.Serialization.StateDicts.LoadInto(net, SafeTensors.Load(network));
        net.eval();
        using var _ = inference_mode();
        using var x = tensor(images.SelectMany(b => b.Select(v => v / 255f)).ToArray(), new long[] { images.Length, 1, 28, 28 });
        using var f = net.Features(x);
        var acc = new FeatureStatistics(DomainFeatureNetwork.FeatureDimension);
        acc.Add(f.ToFloats());
        return acc.ToStatistics();
    }

    private static void AssertClose(FidStatistics expected, FidStatistics actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        var scale = expected.Sigma.ToArray().Max(Math.Abs);
        for (var i = 0; i < expected.Mu.Length; i++) Assert.Equal(expected.Mu[i], actual.Mu[i], 1e-6 * Math.Max(1, Math.Abs(expected.Mu[i])));
        for (var i = 0; i < expected.Sigma.Length; i++) Assert.Equal(expected.Sigma[i], actual.Sigma[i], 1e-5 * scale);
    }

    private IDataView Rgb(string folder) => ctx.Data.LoadImagesFromFolder(folder, labelsFromFolders: false, colorMode: ImageColorMode.Rgb);

    [Fact]
    public void Fit_KeepsTheStatisticsOfTheColumn_AndRowsPassThrough()
    {
        var (folder, pixels) = Images("real", 12, seed: 1, brightness: 0);
        using var features = FidFeatures.Domain(network);
        var data = Rgb(folder);
        var stage = ctx.Transforms.ComputeFidStatistics(features, "Image").Fit(data);
        AssertClose(DirectStatistics(pixels), stage.Statistics);
        Assert.Equal(features.Network, stage.FeatureNetwork);
        Assert.Same(data, stage.Transform(data));
        Assert.Same(data.Schema, stage.GetOutputSchema(data.Schema));
    }

    [Fact]
    public void AMissingOrWrongColumn_IsRefusedBeforeAnyWork()
    {
        using var features = FidFeatures.Domain(network);
        var data = ctx.Data.LoadFromEnumerable(new[] { new TextRow { Text = "a" } });
        var e = Assert.Throws<SchemaMismatchException>(() => ctx.Transforms.ComputeFidStatistics(features, "Image").Fit(data));
        Assert.Contains("Image", e.Message);
        Assert.Throws<SchemaMismatchException>(() => ctx.Transforms.ComputeFidStatistics(features, "Text").Fit(data));
    }

    [Fact]
    public void SavedInTheModelZip_LoadsInANewProcessThatNeverNamesTheFidPackage()
    {
        var (folder, pixels) = Images("real", 12, seed: 1, brightness: 0);
        using var features = FidFeatures.Domain(network);
        var data = Rgb(folder);
        var model = ctx.Transforms.ComputeFidStatistics(features, "Image")
            .Append(ctx.Transforms.ResizeImages("Image", 28, 28))
            .Append(ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.MinusOneToOne)).Fit(data);
        var zip = Path.Combine(dir, "model.zip");
        ctx.Model.Save(model, data.Schema, zip);

        // In this process: the same statistics, bit for bit, and the same network.
        var loaded = FidStatisticsTransformer.FromModel(ctx.Model.Load(zip, out _));
        var fitted = FidStatisticsTransformer.FromModel(model);
        Assert.Equal(fitted.Statistics.Mu.ToArray(), loaded.Statistics.Mu.ToArray());
        Assert.Equal(fitted.Statistics.Sigma.ToArray(), loaded.Statistics.Sigma.ToArray());
        Assert.Equal(12, loaded.Statistics.Count);
        Assert.Equal(features.Network, loaded.FeatureNetwork);

        // A new process whose code names only ML.Generative: the registry loads the FID package for the stage's kind.
        var output = Path.Combine(dir, "pixels.bin");
        var run = Processes.ModelRunner("run", zip, folder, "Pixels", output);
        Assert.True(run.Code == 0, run.Err);
        var theirs = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(output)).ToArray();
        var expected = pixels.SelectMany(p => Enumerable.Repeat(p, 3).SelectMany(c => c.Select(v => v / 255f * 2 - 1))).ToArray();
        Assert.Equal(expected.Length, theirs.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], theirs[i], 1e-6f);
    }

    [Fact]
    public void ScoringAgainstTheModel_UsesItsStatistics_AndRefusesAnotherNetwork()
    {
        var (realFolder, real) = Images("real", 12, seed: 1, brightness: 0);
        var (fakeFolder, fake) = Images("fake", 10, seed: 2, brightness: 80);
        using var features = FidFeatures.Domain(network);
        var model = ctx.Transforms.ComputeFidStatistics(features).Fit(Rgb(realFolder));
        var result = ctx.Evaluate.Fid(model, Rgb(fakeFolder), features);
        var expected = FrechetDistance.Compute(DirectStatistics(real), DirectStatistics(fake));
        Assert.True(expected > 1e-4, $"the two sets should differ clearly, got {expected}");
        Assert.Equal(expected, result.Value, expected * 1e-5);
        Assert.Equal((12, 10, 128), (result.RealCount, result.GeneratedCount, result.Dimensions));
        Assert.Contains(result.Warnings, w => w.Contains("fewer than the 128"));

        manual_seed(4);
        var other = Path.Combine(dir, "other.safetensors");
        using (var net = new DomainFeatureNetwork()) SafeTensors.Save(other, net.state_dict());
        using var otherFeatures = FidFeatures.Domain(other);
        var e = Assert.Throws<ArgumentException>(() => ctx.Evaluate.Fid(model, Rgb(fakeFolder), otherFeatures));
        Assert.Contains("not comparable", e.Message);
        Assert.Contains(features.ContentHash, e.Message);
    }

    [Fact]
    public void AModelWithoutStatistics_GetsAClearError()
    {
        var (folder, _) = Images("real", 4, seed: 1, brightness: 0);
        using var features = FidFeatures.Domain(network);
        var model = ctx.Transforms.ResizeImages("Image", 28, 28).Fit(Rgb(folder));
        var e = Assert.Throws<ArgumentException>(() => ctx.Evaluate.Fid(model, Rgb(folder), features));
        Assert.Contains("carries no FID reference statistics", e.Message);
    }

    public static TheoryData<string, byte[]> BadEntries()
    {
        using var good = new MemoryStream();
        FidStatisticsFile.Save(good, new FidStatistics(new double[3], new double[9], 5), compress: false);
        var truncated = good.ToArray()[..(int)(good.Length / 2)];
        using var wrongDim = new MemoryStream();
        FidStatisticsFile.Save(wrongDim, new FidStatistics(new double[2], new double[4], 5), compress: false);
        return new TheoryData<string, byte[]>
        {
            { "not a zip", "garbage"u8.ToArray() },
            { "truncated", truncated },
            { "2 dimensions", wrongDim.ToArray() },
        };
    }

    [Theory, MemberData(nameof(BadEntries))]
    public void ACorruptStatisticsEntry_IsAnInvalidDataErrorNamingTheStage(string what, byte[] entry)
    {
        var options = JsonNode.Parse("""{"imageColumn": "Image", "network": {"name": "n", "dimension": 3, "sha256": "ab"}}""");
        var context = new ModelLoadContext(2, FidStatisticsTransformer.Kind, options, new Dictionary<string, byte[]> { ["statistics.npz"] = entry },
            ctx.Data.LoadFromEnumerable(new[] { new TextRow() }).Schema, 1);
        var e = Assert.Throws<InvalidDataException>(() => FidStatisticsTransformer.Load(context));
        Assert.Contains("stage 2 (mlgen.fid.statistics)", e.Message);
        Assert.False(string.IsNullOrEmpty(what));
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}
