using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Fid;
using ML.Generative.Models;
using ML.Generative.Models.Sampling;
using ML.Generative.Models.Wae;
using ML.Generative.Reporting;
using TorchSharp;

namespace ML.Generative.Cli;

/// <summary>
/// <c>mlgen reproduce wae-2d</c>: a WAE-MMD (inverse multiquadric kernel, λ = 10) with a 2-D latent space: a grid of
/// random generations, the test images' codes drawn as a scatter coloured by class, the decoded latent plane, and
/// the analogy grid (10 steps between the codes of two training images, one pair per row).
/// </summary>
internal static class Wae2dReproduction
{
    private const int Pairs = 6;
    private const int Steps = 10;

    internal static Command Create()
    {
        var output = new Option<string>("--out") { Description = "folder for grids, scatter, report and table", DefaultValueFactory = _ => "reproductions/wae-2d" };
        var data = new Option<string>("--data") { Description = "mnist (its 10k test set split 8,000/2,000) or fashion-mnist", DefaultValueFactory = _ => "mnist" };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 20 };
        var maxTrain = new Option<int?>("--max-train") { Description = "train on at most this many images (quick runs)" };
        var fidImages = new Option<int>("--fid-images") { Description = "samples and test images compared by FID", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var resume = ReproductionOutput.ResumeOption();
        var command = new Command("wae-2d", "reproduction 3: WAE-MMD with a 2-D latent: generations, latent scatter by class, latent plane, analogy grid")
        {
            output, data, epochs, maxTrain, fidImages, seed, resume,
        };
        command.SetAction(r => Run(r.GetValue(output)!, r.GetValue(data)!, r.GetValue(epochs), r.GetValue(maxTrain), r.GetValue(fidImages), r.GetValue(seed), r.GetValue(resume)));
        return command;
    }

    private sealed class CodedRow
    {
        [KeyType(10)] public uint Label { get; set; }
        public float[] Latent { get; set; } = Array.Empty<float>();
    }

    private sealed class PixelRow
    {
        [VectorType(1, 28, 28)] public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    private static int Run(string folder, string dataName, int epochs, int? maxTrain, int fidImages, int seed, bool resume)
    {
        if (dataName is not ("mnist" or "fashion-mnist")) throw new ArgumentException($"--data must be mnist or fashion-mnist, got '{dataName}'");
        if (epochs < 1) throw new ArgumentException("--epochs must be at least 1");
        if (maxTrain is < 2) throw new ArgumentException("--max-train must be at least 2");
        if (fidImages < 2) throw new ArgumentException("--fid-images must be at least 2");
        var output = new ReproductionOutput(folder);
        var clock = Stopwatch.StartNew();
        var ctx = new GenerativeContext(seed);
        var train = ctx.Data.LoadDataset(dataName, DatasetSplit.Train);
        if (maxTrain is int m) train = ctx.Data.TakeRows(train, m);
        var normalize = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne);
        var normalized = normalize.Fit(train);
        var test = normalized.Transform(ctx.Data.LoadDataset(dataName, DatasetSplit.Test));

        Console.WriteLine($"{dataName}: WAE-MMD, latent 2, {epochs} epoch(s)...");
        var options = new WaeOptions { LatentSize = 2, Epochs = epochs, Seed = seed, EpochSamples = 16 };
        var model = normalize.Append(new AutoencoderEstimator(output.Checkpointed(options, $"{dataName}-wae", resume)) { Progress = new EpochPrinter("    "), ValidationSet = test }).Fit(train);
        using var wae = model.LastTransformer!;

        // Random generations: 100 prior draws.
        using (var samples = ImageSampler.FromModel(model).Sample(100, seed))
            ImageGrid.Save(samples, output.File("samples.png", "random generations (100 prior draws)"), columns: 10);

        // The test set's codes, coloured by class.
        var coded = ctx.Data.CreateEnumerable<CodedRow>(wae.Transform(test), ignoreMissingColumns: true).ToList();
        var scatter = new ScatterChart(coded.Select(r => (double)r.Latent[0]).ToList(), coded.Select(r => (double)r.Latent[1]).ToList(),
            coded.Select(r => r.Label.ToString(CultureInfo.InvariantCulture)).ToList()) { XLabel = "z₁", YLabel = "z₂", Width = 620, Height = 500, Label = "test codes by class" };
        File.WriteAllText(output.File("latent-scatter.svg", "latent scatter of the test images by class (SVG)"), scatter.ToSvg());

        // The decoded plane: a 15x15 lattice over [-2, 2]², two prior standard deviations each way.
        const int side = 15;
        var lattice = new float[side * side * 2];
        for (var i = 0; i < side; i++)
            for (var j = 0; j < side; j++)
            {
                lattice[(i * side + j) * 2] = -2f + 4f * j / (side - 1);
                lattice[(i * side + j) * 2 + 1] = 2f - 4f * i / (side - 1);
            }
        using (var codes = torch.tensor(lattice, new long[] { side * side, 2 }))
        using (var plane = wae.DecodeTensor(codes))
            ImageGrid.Save(plane.clamp(0, 1), output.File("latent-plane.png", "decoded latent plane, z in [-2, 2]^2 (z2 up)"), columns: side);

        // Analogy grid: each row walks 10 steps between the codes of two training images.
        var images = ctx.Data.CreateEnumerable<PixelRow>(normalized.Transform(ctx.Data.TakeRows(train, 2 * Pairs)), ignoreMissingColumns: true).Select(r => r.Pixels).ToList();
        var rows = new List<float>();
        for (var p = 0; p < Pairs; p++)
            foreach (var step in ctx.Data.CreateEnumerable<ImageRow>(wae.Interpolate(images[2 * p], images[2 * p + 1], Steps, Interpolation.Linear)))
                rows.AddRange(step.Image);
        using (var grid = torch.tensor(rows.ToArray(), new long[] { Pairs * Steps, 1, 28, 28 }))
            ImageGrid.Save(grid.clamp(0, 1), output.File("analogy.png", $"analogy grid ({Pairs} pairs of training images, {Steps} steps each)"), columns: Steps);

        using var features = FidFeatures.FashionMnist();
        var real = ctx.Evaluate.ExtractFeatures(test, features, "Pixels", maxImages: fidImages);
        var fid = ctx.Evaluate.Fid(real, ctx.Evaluate.ExtractFeatures(ImageSampler.FromModel(model).Batches(seed), fidImages, features)).Value;
        var last = wae.History.Epochs[^1];
        string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
        var header = new[] { "data", "model", "test MSE/pixel (final epoch)", "test MMD", "train images/s", $"FID ({fidImages} samples vs test, Fashion-MNIST features)" };
        var table = new[]
        {
            new[]
            {
                dataName, "WAE-MMD, latent 2", F(last.Validation?.GetValueOrDefault("reconstruction_per_pixel") ?? double.NaN, "F4"),
                F(last.Validation?.GetValueOrDefault("mmd") ?? double.NaN, "F4"), F(wae.History.ImagesPerSecond, "F0"), F(fid, "F1"),
            },
        };
        var report = new TrainingReport($"Reproduction 3: WAE-MMD with a 2-D latent space on {dataName}")
        {
            Subtitle = $"inverse multiquadric kernel, λ = {options.Lambda}, {epochs} epoch(s), {Environment.ProcessorCount} cores",
        }
            .AddLossCurves(wae.History, new LossCurveOptions { Title = "Loss (validation = the test split)", Values = LossValues.Both, PixelsPerImage = 784 })
            .AddEpochSamples(wae.History)
            .AddImage("Random generations", File.ReadAllBytes(output.File("samples.png")))
            .AddChart("Test codes by class", scatter)
            .AddImage("Decoded latent plane", File.ReadAllBytes(output.File("latent-plane.png")), "z₁ from −2 (left) to 2, z₂ from 2 (top) to −2")
            .AddImage("Analogy grid", File.ReadAllBytes(output.File("analogy.png")), $"each row: {Steps} steps between the codes of two training images")
            .AddTable("Results", header, table)
            .AddOptions("Options", options)
            .AddTiming(wae.History);
        output.Finish(report, ReproductionOutput.Markdown(header, table, string.Create(CultureInfo.InvariantCulture,
            $"{dataName}, {epochs} epoch(s) on {(maxTrain is int t ? $"at most {t}" : "all")} training images, batch {options.BatchSize}, seed {seed}; {clock.Elapsed.TotalMinutes:F1} min on {Environment.ProcessorCount} cores.")));
        return 0;
    }

    private sealed class ImageRow
    {
        [VectorType(1, 28, 28)] public float[] Image { get; set; } = Array.Empty<float>();
    }
}
