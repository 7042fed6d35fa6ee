using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Evaluation;
using ML.Generative.Fid;
using ML.Generative.Models;
using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Sampling;
using ML.Generative.Models.Vae;
using ML.Generative.Models.VaeGan;
using ML.Generative.Models.Wae;

namespace ML.Generative.Cli;

/// <summary>
/// <c>mlgen compare</c>: every autoencoder family trained on the same data (Fashion-MNIST unless <c>--data</c> says
/// otherwise, e.g. CIFAR-10 batches with <c>--classes 0,1</c>) with the same budget, in one table — validation loss
/// per pixel (each model's own reconstruction loss), test reconstruction MSE per pixel (the same metric for all),
/// training images/s, and FID of 100 and of N samples against held-out test images (the shipped Fashion-MNIST
/// feature network, or Inception with <c>--inception-weights</c>, or a domain network with <c>--feature-network</c>).
/// </summary>
internal static class CompareCommand
{
    private static readonly string[] AllModels = ModelNames.All.Select(e => e.Name).ToArray();

    internal static Command Create() =>
        Build("compare", "train every autoencoder family on Fashion-MNIST with one budget: loss per pixel, images/s, FID",
            AllModels, defaultEpochs: 1, defaultMaxTrain: null, defaultOut: null);

    /// <summary><c>mlgen reproduce vae-gans</c>: reproduction 2, VAE vs VAE-GAN vs U-Net VAE-GAN with one budget, FID of 100
    /// and 1,000 samples (the U-Net in both skip modes).</summary>
    internal static Command CreateVaeGanReproduction() =>
        Build("vae-gans", "reproduction 2: VAE vs VAE-GAN vs U-Net VAE-GAN on Fashion-MNIST with one budget, FID of 100 and 1,000 samples",
            new[] { "vae", "vaegan", "unet-vaegan" }, defaultEpochs: 2, defaultMaxTrain: 20_000, defaultOut: "reproductions/vae-gans/results.md");

    private sealed record Budget(int Epochs, int? MaxTrain, int FidImages, string Models, int Latent, int Seed, string? Output, bool Resume);

    private sealed record Source(string Data, string? Classes, string? InceptionWeights, string? FeatureNetwork);

    private static Command Build(string name, string description, string[] defaultModels, int defaultEpochs, int? defaultMaxTrain, string? defaultOut)
    {
        var epochs = new Option<int>("--epochs") { Description = "epochs per model", DefaultValueFactory = _ => defaultEpochs };
        var maxTrain = new Option<int?>("--max-train") { Description = "train on at most this many images", DefaultValueFactory = _ => defaultMaxTrain };
        var fidImages = new Option<int>("--fid-images") { Description = "samples (and held-out images) for the larger FID", DefaultValueFactory = _ => 1000 };
        var models = new Option<string>("--models") { Description = $"comma-separated, from: {string.Join(", ", AllModels)}", DefaultValueFactory = _ => string.Join(",", defaultModels) };
        var latent = new Option<int>("--latent") { DefaultValueFactory = _ => 64 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "also write the table as Markdown to this file", DefaultValueFactory = _ => defaultOut };
        var data = new Option<string>("--data") { Description = DataSources.Help + "; training and test splits", DefaultValueFactory = _ => "fashion-mnist" };
        var classes = new Option<string?>("--classes") { Description = "keep only these labels (comma-separated), e.g. 0,1 for CIFAR-10's planes and cars" };
        var weights = new Option<string?>("--inception-weights") { Description = "pytorch-fid Inception weights (.pth or .safetensors) for Inception FID; without it the Fashion-MNIST domain network is used" };
        var featureNetwork = new Option<string?>("--feature-network") { Description = "a domain feature network (.safetensors from mlgen fid train-features) for FID" };
        var resume = ReproductionOutput.ResumeOption();
        var command = new Command(name, description) { epochs, maxTrain, fidImages, models, latent, seed, output, data, classes, weights, featureNetwork, resume };
        command.SetAction(r => Run(
            new Budget(r.GetValue(epochs), r.GetValue(maxTrain), r.GetValue(fidImages), r.GetValue(models)!, r.GetValue(latent), r.GetValue(seed), r.GetValue(output), r.GetValue(resume)),
            new Source(r.GetValue(data)!, r.GetValue(classes), r.GetValue(weights), r.GetValue(featureNetwork))));
        return command;
    }

    private static AutoencoderOptions OptionsFor(string model, int epochs, int latent, int seed) =>
        ModelNames.Find(model).Create() with { Epochs = epochs, LatentSize = latent, Seed = seed };

    private static int Run(Budget budget, Source source)
    {
        var (epochs, maxTrain, fidImages, modelList, latent, seed, output, resume) = budget;
        if (fidImages < 100) throw new ArgumentException("--fid-images must be at least 100");
        if (resume && output is null) throw new ArgumentException("--resume continues from the checkpoints beside --out: give the same --out as the interrupted run");
        // With --out, each model's checkpoint goes beside the table, so that --resume can continue an interrupted run.
        var checkpointFolder = output is null ? null : Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (source.InceptionWeights is not null && source.FeatureNetwork is not null)
            throw new ArgumentException("give --inception-weights or --feature-network, not both");
        var names = modelList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var options = names.Select(n => (Name: n, Options: OptionsFor(n, epochs, latent, seed) with { ValidationFraction = 0.05 })).ToList();
        foreach (var (_, o) in options) o.Validate();
        var ctx = new GenerativeContext(seed);
        var train = DataSources.FilterClasses(ctx, DataSources.Load(ctx, source.Data, DatasetSplit.Train), source.Classes);
        if (maxTrain is int m) train = ctx.Data.TakeRows(train, m);
        var test = DataSources.FilterClasses(ctx, DataSources.Load(ctx, source.Data, DatasetSplit.Test), source.Classes);
        var normalize = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne);
        var normalized = normalize.Fit(train);
        using var features = source.InceptionWeights is not null ? FidFeatures.Inception(source.InceptionWeights)
            : source.FeatureNetwork is not null ? FidFeatures.Domain(source.FeatureNetwork) : FidFeatures.FashionMnist();
        Console.WriteLine($"feature network: {features.Network}");
        // Real features once: the first N test images (the models never see the test split).
        var realView = normalized.Transform(ctx.Data.TakeRows(test, fidImages));
        var real = ctx.Evaluate.ExtractFeatures(realView, features, "Pixels");
        if (real.Count < fidImages)
            throw new ArgumentException($"--data '{source.Data}' has {real.Count} test images{(source.Classes is null ? "" : $" in classes {source.Classes}")}, fewer than --fid-images ({fidImages})");
        var real100 = ctx.Evaluate.ExtractFeatures(realView, features, "Pixels", maxImages: 100);
        var testScoring = ctx.Data.TakeRows(test, 2000);
        // Memorisation check: each sample's per-pixel MSE to its nearest training image, beside real test images' own.
        using var trainImages = AutoencoderEstimator.ReadImages(normalized.Transform(train), "Pixels");
        using var testImages = AutoencoderEstimator.ReadImages(ctx.Data.TakeRows(realView, NearestCount), "Pixels");
        var testNearest = Median(NearestNeighbours.MinMeanSquaredError(testImages, trainImages));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"real test images: median MSE to the nearest training image {testNearest:F4}"));

        var rows = new List<string[]>();
        foreach (var (name, o) in options)
        {
            var clock = Stopwatch.StartNew();
            Console.WriteLine($"{name}: training {o.Epochs} epoch(s)...");
            var trainOptions = checkpointFolder is null ? o : ReproductionOutput.Checkpointed(o, checkpointFolder, name, resume);
            var fitted = normalize.Append(new AutoencoderEstimator(trainOptions)).Fit(train);
            using var model = fitted.LastTransformer!;
            var history = model.History;
            var validation = history.Epochs[^1].Validation?["reconstruction_per_pixel"] ?? double.NaN;
            var errors = ctx.Data.CreateEnumerable<ErrorRow>(fitted.Transform(testScoring)).Select(r => (double)r.ReconstructionError).ToList();
            var mse = o.ErrorMetric == ReconstructionErrorMetric.MeanSquaredError ? errors.Average() : double.NaN;
            var sampler = ImageSampler.FromModel(fitted);
            // The U-Net VAE-GAN samples two ways; each gets its own labelled row.
            SkipSampling?[] modes = sampler.UsesSkips ? new SkipSampling?[] { SkipSampling.ReferenceImages, SkipSampling.SkipStatistics } : new SkipSampling?[] { null };
            foreach (var mode in modes)
            {
                var fidAll = ctx.Evaluate.Fid(real, ctx.Evaluate.ExtractFeatures(sampler.Batches(seed, mode), fidImages, features)).Value;
                var fid100 = ctx.Evaluate.Fid(real100, ctx.Evaluate.ExtractFeatures(sampler.Batches(seed, mode), 100, features)).Value;
                var label = mode switch { SkipSampling.ReferenceImages => $"{name} (skips: reference images)", SkipSampling.SkipStatistics => $"{name} (skips: statistics)", _ => name };
                double nearest;
                using (var samples = sampler.Sample(NearestCount, seed, mode)) nearest = Median(NearestNeighbours.MinMeanSquaredError(samples, trainImages));
                rows.Add(new[]
                {
                    label, o.ReconstructionLoss.ToString(), F(validation, "F4"), F(mse, "F4"), F(history.ImagesPerSecond, "F0"),
                    F(fid100, "F1"), F(fidAll, "F1"), F(nearest, "F4"), F(clock.Elapsed.TotalMinutes, "F1"),
                });
                Console.WriteLine($"  {string.Join(" | ", rows[^1])}");
            }
        }
        var header = new[] { "model", "loss", "val. loss/pixel", "test MSE/pixel", "train img/s", "FID 100", $"FID {fidImages}", "nearest-train MSE", "minutes" };
        var table = new StringBuilder();
        table.AppendLine($"| {string.Join(" | ", header)} |");
        table.AppendLine($"|{string.Concat(header.Select(_ => "---|"))}");
        foreach (var row in rows) table.AppendLine($"| {string.Join(" | ", row)} |");
        table.AppendLine();
        table.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{DataName(source)}, {trainImages.shape[0]} training images{(maxTrain is int t ? $" (--max-train {t})" : "")}, {epochs} epoch(s) each, latent {latent}, seed {seed}; FID with {features.Network} against the first test images; nearest-train MSE: median over {NearestCount} samples of the per-pixel MSE to the nearest training image (real test images: {testNearest:F4}; far below that means copying); {Environment.ProcessorCount} cores."));
        Console.WriteLine();
        Console.Write(table);
        if (output is not null)
        {
            if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } dir) Directory.CreateDirectory(dir);
            File.WriteAllText(output, table.ToString());
            Console.WriteLine($"table: {Path.GetFullPath(output)}");
        }
        return 0;
    }

    private const int NearestCount = 256;

    private static string DataName(Source source) =>
        (source.Data == "fashion-mnist" ? "Fashion-MNIST" : source.Data) + (source.Classes is null ? "" : $" (classes {source.Classes})");

    private static double Median(double[] values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string F(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);

    private sealed class ErrorRow
    {
        public float ReconstructionError { get; set; }
    }
}
