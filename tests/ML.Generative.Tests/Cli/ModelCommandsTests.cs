using System.Globalization;
using ML.Generative.Data;
using ML.Generative.Models;

namespace ML.Generative.Tests.Cli;

/// <summary>A model trained once by <c>mlgen train</c>, shared by the tests of the commands that use a model zip.</summary>
public sealed class TrainedModel : IDisposable
{
    public TrainedModel()
    {
        var r = CliRunner.Run(new[] { "train", "vae", "--data", "fashion-mnist", "--max-train", "256", "--epochs", "1", "--batch-size", "64",
            "--latent", "6", "--out", Dir.File("vae.zip"), "--quiet" });
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    internal TempDir Dir { get; } = new();

    internal string Zip => Dir.File("vae.zip");

    public void Dispose() => Dir.Dispose();
}

/// <summary>sample, reconstruct, embed, score, interpolate and inspect, each as a separate process on a saved zip;
/// their numbers are checked against the same zip loaded in this process.</summary>
public class ModelCommandsTests(TrainedModel model) : IClassFixture<TrainedModel>
{
    private const int Tile = 28, Gap = 2;

    [Fact]
    public void Reconstruct_WritesOriginalsAboveReconstructions()
    {
        var grid = model.Dir.File("recon.png");
        var r = CliRunner.Run(new[] { "reconstruct", model.Zip, "--data", "fashion-mnist", "-n", "5", "--grid", grid });
        Assert.True(r.ExitCode == 0, r.Stderr);
        var image = ImageCodec.Load(grid);
        Assert.Equal((5 * Tile + 6 * Gap, 2 * Tile + 3 * Gap), (image.Width, image.Height));
    }

    [Fact]
    public void Embed_And_Score_WriteWhatTheZipComputesInProcess()
    {
        var embeddings = model.Dir.File("e.csv");
        var scores = model.Dir.File("s.csv");
        var e = CliRunner.Run(new[] { "embed", model.Zip, "--data", "fashion-mnist:test", "--max", "12", "--out", embeddings });
        Assert.True(e.ExitCode == 0, e.Stderr);
        var s = CliRunner.Run(new[] { "score", model.Zip, "--data", "fashion-mnist:test", "--max", "12", "--out", scores });
        Assert.True(s.ExitCode == 0, s.Stderr);

        var ctx = new GenerativeContext();
        var chain = ctx.Model.Load(model.Zip, out _);
        try
        {
            var test = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test), 12);
            var rows = ctx.Data.CreateEnumerable<Scored>(chain.Transform(test)).ToList();
            var labels = ctx.Data.CreateEnumerable<Labelled>(test).Select(l => l.Label).ToList();
            var eLines = File.ReadAllLines(embeddings);
            Assert.Equal("index,label," + string.Join(",", Enumerable.Range(0, 6).Select(i => $"z{i}")), eLines[0]);
            Assert.Equal(13, eLines.Length);
            var sLines = File.ReadAllLines(scores);
            Assert.Equal("index,label,score", sLines[0]);
            Assert.Equal(13, sLines.Length);
            for (var i = 0; i < 12; i++)
            {
                var fields = eLines[i + 1].Split(',');
                Assert.Equal(i.ToString(CultureInfo.InvariantCulture), fields[0]);
                Assert.Equal(labels[i].ToString(CultureInfo.InvariantCulture), fields[1]);
                Assert.Equal(rows[i].Latent, fields[2..].Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray());
                Assert.Equal(rows[i].ReconstructionError, float.Parse(sLines[i + 1].Split(',')[2], CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            foreach (var stage in chain.OfType<IDisposable>()) stage.Dispose();
        }
    }

    [Fact]
    public void Interpolate_TwoImageFiles_WritesOneStrip()
    {
        var ctx = new GenerativeContext();
        var folder = Path.Combine(model.Dir.Path, "ends");
        var files = ctx.Data.SaveImages(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test), "Image", folder, maxImages: 2);
        var grid = model.Dir.File("path.png");
        var r = CliRunner.Run(new[] { "interpolate", model.Zip, "--from", files[0], "--to", files[1], "--steps", "7", "--spherical", "--grid", grid });
        Assert.True(r.ExitCode == 0, r.Stderr);
        var image = ImageCodec.Load(grid);
        Assert.Equal((7 * Tile + 8 * Gap, Tile + 2 * Gap), (image.Width, image.Height));
    }

    [Fact]
    public void Sample_And_Inspect()
    {
        var grid = model.Dir.File("samples.png");
        var r = CliRunner.Run(new[] { "sample", model.Zip, "-n", "16", "--grid", grid });
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal((8 * Tile + 9 * Gap, 2 * Tile + 3 * Gap), (ImageCodec.Load(grid).Width, ImageCodec.Load(grid).Height));
        var i = CliRunner.Run(new[] { "inspect", model.Zip });
        Assert.True(i.ExitCode == 0, i.Stderr);
        foreach (var expected in new[] { "format ML.Generative.Model version 1", "loads here: yes", "ResizeImages", "NormalizePixels", "mlgen.vae",
                     "Latent (vector Single [6])", "input schema: Image (image 1x28x28)" })
            Assert.Contains(expected, i.Stdout);
    }

    [Theory]
    [InlineData("model file not found", "reconstruct", "{missing}", "--data", "fashion-mnist")]
    [InlineData("model file not found", "embed", "{missing}", "--data", "fashion-mnist")]
    [InlineData("model file not found", "score", "{missing}", "--data", "fashion-mnist")]
    [InlineData("model file not found", "inspect", "{missing}")]
    [InlineData("image file not found", "interpolate", "{zip}", "--from", "{missing}", "--to", "{missing}")]
    [InlineData("--steps must be between 2 and 100", "interpolate", "{zip}", "--from", "a.png", "--to", "b.png", "--steps", "1")]
    [InlineData("--data 'nowhere' was not found", "score", "{zip}", "--data", "nowhere")]
    [InlineData("is not a model zip: it has no manifest.json", "inspect", "{emptyzip}")]
    [InlineData("is not a readable zip file", "inspect", "{notzip}")]
    public void UserErrors_ExitNonZero_WithOneClearLine(string expected, params string[] args)
    {
        var notZip = model.Dir.File("not-a.zip");
        File.WriteAllText(notZip, "plain text");
        var emptyZip = model.Dir.File("empty.zip");
        if (!File.Exists(emptyZip)) System.IO.Compression.ZipFile.Open(emptyZip, System.IO.Compression.ZipArchiveMode.Create).Dispose();
        var resolved = args.Select(a => a.Replace("{missing}", model.Dir.File("missing.zip")).Replace("{zip}", model.Zip)
            .Replace("{emptyzip}", emptyZip).Replace("{notzip}", notZip)).ToArray();
        var r = CliRunner.Run(resolved);
        Assert.NotEqual(0, r.ExitCode);
        var errors = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("[ML.Generative]", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, r.Stderr);
        Assert.Contains(expected, errors[0]);
    }

    private sealed class Scored
    {
        [VectorType(6)] public float[] Latent { get; set; } = null!;
        public float ReconstructionError { get; set; }
    }

    private sealed class Labelled
    {
        [KeyType(10)] public uint Label { get; set; }
    }
}
