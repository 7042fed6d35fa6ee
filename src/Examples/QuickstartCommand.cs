using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Evaluation;
using ML.Generative.Fid;
using ML.Generative.Models;
using ML.Generative.Models.Sampling;
using ML.Generative.Models.Vae;
using ML.Generative.Reporting;
using TorchSharp;
using ML.Generative.Training;

namespace ML.Generative.Cli;

/// <summary>
/// <c>mlgen quickstart</c>, the README's main job: a VAE trained on Fashion-MNIST (the Debian package) for a few
/// minutes, then every kind of output the library makes — sample, reconstruction and interpolation grids, the
/// one-class anomaly AUROC of one class, FID of samples against held-out images, the model zip and the HTML report.
/// </summary>
internal static class QuickstartCommand
{
    internal static Command Create()
    {
        var output = new Option<string>("--out") { Description = "folder for every file written", DefaultValueFactory = _ => "quickstart" };
        var epochs = new Option<int>("--epochs") { Description = "epochs of the main VAE (one epoch is about 2-3 minutes on 2 cores)", DefaultValueFactory = _ => 2 };
        var maxTrain = new Option<int?>("--max-train") { Description = "train on at most this many images (quick runs)" };
        var anomalyClass = new Option<uint>("--anomaly-class") { Description = "the normal class of the one-class anomaly run", DefaultValueFactory = _ => 0 };
        var fidImages = new Option<int>("--fid-images") { Description = "generated and held-out images compared by FID", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var command = new Command("quickstart", "the main job: train a VAE on Fashion-MNIST for a few minutes and write grids, AUROC, FID, the model zip and an HTML report")
        {
            output, epochs, maxTrain, anomalyClass, fidImages, seed,
        };
        command.SetAction(r => Run(r.GetValue(output)!, r.GetValue(epochs), r.GetValue(maxTrain), r.GetValue(anomalyClass), r.GetValue(fidImages), r.GetValue(seed)));
        return command;
    }

    private static int Run(string folder, int epochs, int? maxTrain, uint anomalyClass, int fidImages, int seed)
    {
        if (anomalyClass > 9) throw new ArgumentException($"--anomaly-class must be a class 0-9, got {anomalyClass}");
        if (fidImages < 2) throw new ArgumentException("--fid-images must be at least 2");
        Directory.CreateDirectory(folder);
        string Out(string name) => Path.GetFullPath(Path.Combine(folder, name));
        var written = new List<(string What, string Path)>();
        var clock = Stopwatch.StartNew();
        var ctx = new GenerativeContext(seed);
        var train = ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Train);
        var test = ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test);
        if (maxTrain is int m) train = ctx.Data.TakeRows(train, m);
        var normalize = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne);

        Console.WriteLine($"Training a VAE (latent 64, BCE + KL) on Fashion-MNIST for {epochs} epoch(s)...");
        var options = new VaeOptions { Epochs = epochs, Seed = seed, ValidationFraction = 0.05, EpochSamples = 16 };
        var pipeline = normalize.Append(new AutoencoderEstimator(options) { Progress = new EpochPrinter() });
        var model = pipeline.Fit(train);
        using var vae = model.LastTransformer!;
        var zip = Out("model.zip");
        ctx.Model.Save(model, train.Schema, zip);
        written.Add(("model zip", zip));

        var samples = Out("samples.png");
        using (var images = ImageSampler.FromModel(model).Sample(64, seed)) ImageGrid.Save(images, samples);
        written.Add(("sample grid", samples));

        var testRows = ctx.Data.CreateEnumerable<ReconstructedImage>(model.Transform(ctx.Data.TakeRows(test, 8))).ToList();
        var reconstructions = Out("reconstructions.png");
        SaveGrid(testRows.Select(r => r.Pixels).Concat(testRows.Select(r => r.Reconstruction)), reconstructions);
        written.Add(("reconstructions (originals above)", reconstructions));

        var interpolation = Out("interpolation.png");
        ctx.Data.SaveImageGrid(vae.Interpolate(testRows[0].Pixels, testRows[1].Pixels, 10, Interpolation.Spherical), "Image", interpolation, columns: 10);
        written.Add(("interpolation grid", interpolation));

        Console.WriteLine($"One-class anomaly detection: a VAE trained on class {anomalyClass} only, scoring the 10,000 test images...");
        var normalRows = ctx.Data.FilterByLabel(train, anomalyClass);
        var oneClass = normalize.Append(new AutoencoderEstimator(options with { Epochs = 3, ValidationFraction = 0, EpochSamples = 0 })).Fit(normalRows);
        var anomaly = ctx.Evaluate.Anomaly(oneClass.Transform(ctx.Data.AddIsAnomaly(test, anomalyClass)), "IsAnomaly", AutoencoderTransformer.ErrorColumn);
        oneClass.LastTransformer!.Dispose();

        Console.WriteLine($"FID of {fidImages} samples against {fidImages} held-out test images (in-project Fashion-MNIST feature network)...");
        using var features = FidFeatures.FashionMnist();
        var real = normalize.Fit(test).Transform(ctx.Data.TakeRows(test, fidImages));
        var fid = ctx.Evaluate.Fid(real, ImageSampler.FromModel(model).Batches(seed), fidImages, features, new FidOptions { ImageColumn = "Pixels", Kid = true });

        var report = Out("report.html");
        var history = vae.History;
        new TrainingReport("ML.Generative quickstart: a VAE on Fashion-MNIST")
        {
            Subtitle = $"{history.Epochs.Count} epoch(s), {history.ImagesPerSecond:F0} training images/s on {Environment.ProcessorCount} cores",
        }
            .AddLossCurves(history, new LossCurveOptions { Values = LossValues.Both, PixelsPerImage = 784 })
            .AddEpochSamples(history)
            .AddImage("Samples (64 prior draws)", File.ReadAllBytes(samples))
            .AddImage("Reconstructions (originals above)", File.ReadAllBytes(reconstructions))
            .AddImage("Spherical interpolation between two test images", File.ReadAllBytes(interpolation))
            .AddMetrics("Scores", new[]
            {
                ("FID (Fashion-MNIST features)", fid.Value), ("KID (Fashion-MNIST features)", fid.Kid!.Mean),
                ($"AUROC, normal class {anomalyClass}", anomaly.Auroc), ("AUPR", anomaly.Aupr), ("F1-max", anomaly.F1Max),
            })
            .AddRocCurve($"ROC: class {anomalyClass} normal, the other nine anomalous", anomaly, "VAE")
            .AddOptions("Options", options)
            .AddTiming(history)
            .Save(report);
        written.Add(("HTML report", report));

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"validation loss per pixel: {history.Epochs[^1].Validation?["reconstruction_per_pixel"]:F4}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one-class AUROC (normal class {anomalyClass}): {anomaly.Auroc:F4}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FID ({fid.FeatureNetwork.Name}, {fid.GeneratedCount} vs {fid.RealCount} images): {fid.Value:F2}; KID {fid.Kid!.Mean:F4} ± {fid.Kid.StandardDeviation:F4}"));
        foreach (var (what, path) in written) Console.WriteLine($"{what}: {path}");
        Console.WriteLine($"done in {clock.Elapsed.TotalMinutes:F1} min");
        return 0;
    }

    private static void SaveGrid(IEnumerable<float[]> images, string path)
    {
        var list = images.ToList();
        using var batch = torch.tensor(list.SelectMany(x => x).ToArray(), new long[] { list.Count, 1, 28, 28 });
        ImageGrid.Save(batch, path);
    }

    private sealed class ReconstructedImage
    {
        [VectorType(1, 28, 28)] public float[] Pixels { get; set; } = null!;
        [VectorType(1, 28, 28)] public float[] Reconstruction { get; set; } = null!;
    }
}
