using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Models.Networks;
using ML.Generative.Models.Vae;
using ML.Generative.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Tests;

/// <summary>
/// The README's C# examples, compiled and run here (and, for the half of the data example that runs in a
/// second process, in tests/ML.Generative.ModelRunner/ReadmeExample.cs). Each example sits between
/// "README:begin" and "README:end" marker comments; <see cref="ReadmeShowsEveryExampleVerbatim"/> checks that
/// README.md holds each one as a ```csharp block, character for character (after removing the common indentation).
/// </summary>
public class ReadmeExamplesTests
{
    [Fact]
    public void TorchLayerExample_Learns()
    {
        // README:begin torch-layer
        manual_seed(1);
        var model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1));
        var opt = optim.Adam(model.parameters(), lr: 0.01);
        using var x = tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, new long[] { 4, 2 });
        using var y = tensor(new float[] { 0, 1, 1, 0 }, new long[] { 4, 1 });
        for (var step = 0; step < 500; step++)
        {
            using var scope = NewDisposeScope();          // frees every tensor this step created
            var loss = nn.functional.mse_loss(model.forward(x), y);
            opt.zero_grad();
            loss.backward();
            opt.step();
        }
        // README:end
        using var final = nn.functional.mse_loss(model.forward(x), y);
        Assert.True(final.ToSingle() < 0.01, $"XOR not learned: loss {final.ToSingle()}");
        opt.Dispose();
        model.Dispose();
    }

    [Fact]
    public void DataPipelineExample_GivesTheSameOutputsInANewProcess()
    {
        // The example uses paths relative to the current directory, as a user's program would; tests run one
        // at a time (AssemblyInfo.cs), so switching it here affects no other test.
        var dir = DataTestKit.TempDir();
        var folder = Directory.CreateDirectory(Path.Combine(dir, "images")).FullName;
        var rand = new Random(4);
        for (var i = 0; i < 5; i++)
        {
            // Sizes other than 16x16 so that the resize does work; colors per channel so the fitted mean/std differ.
            var (w, h) = (24 - 2 * i, 20 + 3 * i);
            var pixels = new byte[h * w * 3];
            for (var k = 0; k < pixels.Length; k++) pixels[k] = (byte)(k % 3 * 60 + rand.Next(80));
            File.WriteAllBytes(Path.Combine(folder, $"{i}.png"), ImageCodec.EncodePng(new ImageData(w, h, 3, pixels)));
        }
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = dir;
        try
        {
            var (data, model) = SaveExample();
            var expected = DataTestKit.Column<float[]>(model.Transform(data), "Pixels");
            Assert.Equal(5, expected.Count);
            Assert.All(expected, v => Assert.Equal(3 * 16 * 16, v.Length));
            // The fitted stage did its work: each channel of the output has mean ~0 and std ~1.
            for (var c = 0; c < 3; c++)
            {
                var values = expected.SelectMany(v => v.Skip(c * 256).Take(256)).Select(x => (double)x).ToArray();
                var mean = values.Average();
                Assert.InRange(mean, -1e-3, 1e-3);
                Assert.InRange(Math.Sqrt(values.Select(x => (x - mean) * (x - mean)).Average()), 0.99, 1.01);
            }

            var output = Path.Combine(dir, "out.bin");
            var runner = AppContext.BaseDirectory.Replace($"{Path.DirectorySeparatorChar}ML.Generative.Tests{Path.DirectorySeparatorChar}bin",
                $"{Path.DirectorySeparatorChar}ML.Generative.ModelRunner{Path.DirectorySeparatorChar}bin");
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = dir };
            foreach (var a in new[] { Path.Combine(runner, "ML.Generative.ModelRunner.dll"), "readme", output }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"the second process failed: {stderr}");
            Assert.Equal(expected.SelectMany(v => v).SelectMany(BitConverter.GetBytes).ToArray(), File.ReadAllBytes(output));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    private static (IDataView Data, ITransformer Model) SaveExample()
    {
        // README:begin data-pipeline-save
        var ctx = new GenerativeContext(seed: 1);
        var data = ctx.Data.LoadImagesFromFolder("images", labelsFromFolders: false, colorMode: ImageColorMode.Rgb);
        var pipeline = ctx.Transforms.ResizeImages("Image", 16, 16)
            .Append(ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.MeanStd));   // mean/std per channel, learned by Fit
        var model = pipeline.Fit(data);
        ctx.Model.Save(model, data.Schema, "pipeline.zip");
        // README:end
        return (data, model);
    }

    [Fact]
    public void GenerativeModelExample_ScoresAnomaliesSamplesAndSaves()
    {
        var dir = DataTestKit.TempDir();
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = dir;
        try
        {
            // README:begin generative-model
            var ctx = new GenerativeContext(seed: 1);
            var fashion = ctx.Data.LoadDataset("fashion-mnist");
            var train = ctx.Data.TakeRows(ctx.Data.FilterByLabel(fashion, 1), 1000);          // trousers only
            var test = ctx.Data.AddIsAnomaly(ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test), 1000), normalLabel: 1);
            var pipeline = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne)
                .Append(ctx.Generative.Vae(new VaeOptions { LatentSize = 16, Epochs = 3 }));
            var model = pipeline.Fit(train);
            var scored = model.Transform(test);           // adds Latent, Reconstruction and ReconstructionError columns
            var metrics = ctx.Evaluate.Anomaly(scored, "IsAnomaly", "ReconstructionError");
            Console.WriteLine($"AUROC {metrics.Auroc:F3}, F1-max {metrics.F1Max:F3} at threshold {metrics.Threshold:G3}");
            using var samples = model.LastTransformer.SampleTensor(16, seed: 7);   // 16 new images; the same seed gives the same ones
            ctx.Model.Save(model, train.Schema, "vae.zip");
            // README:end
            Assert.True(metrics.Auroc > 0.7, $"trousers against other garments: AUROC {metrics.Auroc}");
            Assert.Equal(new long[] { 16, 1, 28, 28 }, samples.shape);
            Assert.True(File.Exists(Path.Combine(dir, "vae.zip")));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public void CustomNetworkExample_TrainsTheUsersModules_AndTheZipReloadsThem()
    {
        var dir = DataTestKit.TempDir();
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = dir;
        try
        {
            // README:begin custom-network
            // Any TorchSharp module can be the encoder or the decoder: register a factory under a name, then name it
            // in the options. The model adds its own heads (μ, log σ²) and output activation around them.
            CustomNetworks.Register(NetworkRole.Encoder, "mlp-encoder", shape => nn.Sequential(
                nn.Flatten(), nn.Linear(shape.ImageChannels * shape.ImageSize * shape.ImageSize, 256), nn.ReLU()));
            CustomNetworks.Register(NetworkRole.Decoder, "mlp-decoder", shape => nn.Sequential(
                nn.Linear(shape.LatentSize, 256), nn.ReLU(), nn.Linear(256, shape.ImageChannels * shape.ImageSize * shape.ImageSize),
                nn.Unflatten(1, new long[] { shape.ImageChannels, shape.ImageSize, shape.ImageSize })));
            var ctx = new GenerativeContext(seed: 1);
            var train = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist"), 512);
            var model = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne)
                .Append(ctx.Generative.Vae(new VaeOptions { LatentSize = 8, Epochs = 2, EncoderNetwork = "mlp-encoder", DecoderNetwork = "mlp-decoder" }))
                .Fit(train);
            ctx.Model.Save(model, train.Schema, "mlp-vae.zip");   // a process that loads it registers the same names first
            // README:end
            var vae = model.LastTransformer;
            Assert.Equal(2, vae.History.Epochs.Count);
            Assert.Contains(vae.Network.state_dict().Keys, k => k == "encoder.1.weight");   // the user's Linear, under PyTorch's key
            Assert.True(vae.History.Epochs[^1].Train["loss"] < vae.History.Epochs[0].Train["loss"], "the custom modules did not learn");
            var loaded = ctx.Model.Load("mlp-vae.zip", out _);
            using var a = vae.SampleTensor(4, seed: 3);
            using var b = ((ML.Generative.Models.AutoencoderTransformer)loaded.LastTransformer).SampleTensor(4, seed: 3);
            Assert.True(a.Identical(b), "the reloaded custom networks decode differently");
            Assert.Equal(new long[] { 4, 1, 28, 28 }, a.shape);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public void ReadmeShowsEveryExampleVerbatim()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).Replace("\r\n", "\n");
        var blocks = Regex.Matches(readme, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        var sources = new[] { SourcePath(), Path.Combine(root, "tests", "ML.Generative.ModelRunner", "ReadmeExample.cs") };
        var examples = sources.SelectMany(f => Regex.Matches(File.ReadAllText(f).Replace("\r\n", "\n"),
            @"// README:begin (\S+)\n(.*?)\n\s*// README:end", RegexOptions.Singleline)).ToList();
        Assert.Equal(6, examples.Count);   // a marker pair that stops matching would silently drop its check
        foreach (var example in examples)
        {
            var code = Dedent(example.Groups[2].Value);
            Assert.True(blocks.Any(b => b.Contains(code)), $"README.md does not show the example '{example.Groups[1].Value}' as compiled here:\n{code}");
        }
    }

    private static string Dedent(string text)
    {
        var lines = text.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())) + "\n";
    }

    private static string SourcePath([CallerFilePath] string path = "") => path;

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(SourcePath())!); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MLGenerative.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (with MLGenerative.sln) not found");
    }
}
