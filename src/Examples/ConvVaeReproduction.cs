using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Fid;
using ML.Generative.Models;
using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Sampling;
using ML.Generative.Models.Vae;
using ML.Generative.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Cli;

/// <summary>
/// <c>mlgen reproduce conv-vae</c>: the reference conv VAE (1x1 conv 32, 3x3 convs 64/128/256, latent 64, mirror
/// decoder with kernel = stride transposed convolutions, sigmoid, BCE + KL) on MNIST and Fashion-MNIST, with train
/// and test loss per pixel per epoch, reconstruction and sample grids; beside it the plain AE of the same shape,
/// sampled by bootstrap of its training codes and uniformly in [−1, 1], to show why VAE sampling works and AE
/// sampling does not (FID of each against test images says how much).
/// </summary>
internal static class ConvVaeReproduction
{
    internal static Command Create()
    {
        var output = new Option<string>("--out") { Description = "folder for grids, report and table", DefaultValueFactory = _ => "reproductions/conv-vae" };
        var fashionEpochs = new Option<int>("--epochs") { Description = "epochs on Fashion-MNIST's 60,000 training images (the default budget takes about 16 minutes on 2 cores)", DefaultValueFactory = _ => 1 };
        var mnistEpochs = new Option<int>("--mnist-epochs") { Description = "epochs on MNIST's 8,000 training images (the first 8,000 of its test set; the last 2,000 are the test split)", DefaultValueFactory = _ => 6 };
        var maxTrain = new Option<int?>("--max-train") { Description = "train on at most this many images per data set (quick runs)" };
        var maxTest = new Option<int?>("--max-test") { Description = "evaluate on at most this many test images (quick runs)" };
        var fidImages = new Option<int>("--fid-images") { Description = "samples and test images compared by FID", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var resume = ReproductionOutput.ResumeOption();
        var command = new Command("conv-vae", "reproduction 1: the conv VAE on MNIST and Fashion-MNIST, and the plain AE's bootstrap and uniform sampling")
        {
            output, fashionEpochs, mnistEpochs, maxTrain, maxTest, fidImages, seed, resume,
        };
        command.SetAction(r => Run(r.GetValue(output)!, r.GetValue(fashionEpochs), r.GetValue(mnistEpochs), r.GetValue(maxTrain), r.GetValue(maxTest), r.GetValue(fidImages), r.GetValue(seed), r.GetValue(resume)));
        return command;
    }

    private static int Run(string folder, int fashionEpochs, int mnistEpochs, int? maxTrain, int? maxTest, int fidImages, int seed, bool resume)
    {
        if (maxTest is < 2) throw new ArgumentException("--max-test must be at least 2");
        if (fashionEpochs < 1 || mnistEpochs < 1) throw new ArgumentException("--epochs and --mnist-epochs must be at least 1");
        if (maxTrain is < 2) throw new ArgumentException("--max-train must be at least 2");
        if (fidImages < 2) throw new ArgumentException("--fid-images must be at least 2");
        var output = new ReproductionOutput(folder);
        var clock = Stopwatch.StartNew();
        var ctx = new GenerativeContext(seed);
        var normalize = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne);
        using var features = FidFeatures.FashionMnist();
        var report = new TrainingReport("Reproduction 1: conv VAE and plain AE on MNIST and Fashion-MNIST")
        {
            Subtitle = $"reference architecture, latent 64; VAE: BCE + KL; AE: MSE; {Environment.ProcessorCount} cores",
        };
        var table = new List<string[]>();
        foreach (var (name, epochs) in new[] { ("mnist", mnistEpochs), ("fashion-mnist", fashionEpochs) })
        {
            var train = ctx.Data.LoadDataset(name, DatasetSplit.Train);
            if (maxTrain is int m) train = ctx.Data.TakeRows(train, m);
            var testRows = ctx.Data.LoadDataset(name, DatasetSplit.Test);
            if (maxTest is int n) testRows = ctx.Data.TakeRows(testRows, n);
            var test = normalize.Fit(train).Transform(testRows);
            var real = ctx.Evaluate.ExtractFeatures(test, features, "Pixels", maxImages: fidImages);
            double Fid(Func<int, Tensor> generator) => ctx.Evaluate.Fid(real, ctx.Evaluate.ExtractFeatures(generator, fidImages, features)).Value;

            Console.WriteLine($"{name}: VAE, {epochs} epoch(s)...");
            var vae = Train(normalize, output.Checkpointed(new VaeOptions { LatentSize = 64, Epochs = epochs, Seed = seed, EpochSamples = 16 }, $"{name}-vae", resume), train, test);
            var vaeModel = vae.LastTransformer!;
            var vaeSampler = ImageSampler.FromModel(vae);
            using (var s = vaeSampler.Sample(64, seed)) ImageGrid.Save(s, output.File($"{name}-vae-samples.png", $"{name}: VAE samples (prior draws)"));
            ctx.Data.SaveImageGrid(vae.Transform(ctx.Data.TakeRows(test, 8)), new[] { "Pixels", AutoencoderTransformer.ReconstructionColumn },
                output.File($"{name}-vae-reconstructions.png", $"{name}: VAE reconstructions (test images above)"));

            Console.WriteLine($"{name}: plain AE, {epochs} epoch(s)...");
            var ae = Train(normalize, output.Checkpointed(new AeOptions { LatentSize = 64, Epochs = epochs, Seed = seed, Sampling = AutoencoderSampling.Bootstrap }, $"{name}-ae", resume), train, test);
            var aeModel = ae.LastTransformer!;
            using (var s = aeModel.SampleTensor(64, seed)) ImageGrid.Save(s, output.File($"{name}-ae-bootstrap-samples.png", $"{name}: AE samples, bootstrap of training codes"));
            Tensor Uniform(int n, long s)
            {
                using var codes = LatentSampler.ForAutoencoder(AutoencoderSampling.Uniform, zeros(0, 64), n, s);
                using var images = aeModel.DecodeTensor(codes);
                return images.clamp(0, 1);
            }
            using (var s = Uniform(64, seed)) ImageGrid.Save(s, output.File($"{name}-ae-uniform-samples.png", $"{name}: AE samples, uniform in [-1, 1]"));

            var uniformBatch = 0L;
            var rows = new[]
            {
                Row(name, "VAE", vaeModel, Fid(vaeSampler.Batches(seed))),
                Row(name, "AE, bootstrap sampling", aeModel, Fid(ImageSampler.FromModel(ae).Batches(seed))),
                Row(name, "AE, uniform sampling", aeModel, Fid(n => Uniform(n, seed * 1000L + uniformBatch++))),
            };
            foreach (var row in rows) Console.WriteLine($"  {string.Join(" | ", row)}");
            table.AddRange(rows);

            var pixels = 784;
            report.AddLossCurves(vaeModel.History, new LossCurveOptions { Title = $"{name}: VAE loss (validation = the test split)", Values = LossValues.Both, PixelsPerImage = pixels })
                .AddEpochSamples(vaeModel.History, $"{name}: VAE samples from a fixed latent batch, by epoch")
                .AddLossCurves(aeModel.History, new LossCurveOptions { Title = $"{name}: AE loss (validation = the test split)", Values = LossValues.Both, PixelsPerImage = pixels })
                .AddImages($"{name}: samples", new[]
                {
                    ("VAE (prior draws)", File.ReadAllBytes(output.File($"{name}-vae-samples.png"))),
                    ("AE, bootstrap of training codes", File.ReadAllBytes(output.File($"{name}-ae-bootstrap-samples.png"))),
                    ("AE, uniform in [-1, 1]", File.ReadAllBytes(output.File($"{name}-ae-uniform-samples.png"))),
                })
                .AddImage($"{name}: VAE reconstructions", File.ReadAllBytes(output.File($"{name}-vae-reconstructions.png")), "test images above, reconstructions below");
            vaeModel.Dispose();
            aeModel.Dispose();
        }
        var header = new[] { "data", "model", "test loss/pixel (final epoch)", "train images/s", $"FID ({fidImages} vs {fidImages} test, Fashion-MNIST features)" };
        report.AddTable("Results", header, table);
        var markdown = ReproductionOutput.Markdown(header, table, string.Create(CultureInfo.InvariantCulture,
            $"MNIST: {mnistEpochs} epoch(s) on {(maxTrain is int t ? Math.Min(t, 8000) : 8000)} images; Fashion-MNIST: {fashionEpochs} epoch(s) on {(maxTrain is int u ? Math.Min(u, 60000) : 60000)}; batch 128, Adam 1e-3, seed {seed}; {clock.Elapsed.TotalMinutes:F1} min on {Environment.ProcessorCount} cores."));
        output.Finish(report, markdown);
        return 0;
    }

    private static TransformerChain<AutoencoderTransformer> Train(IEstimator<ITransformer> normalize, AutoencoderOptions options, IDataView train, IDataView test) =>
        normalize.Append(new AutoencoderEstimator(options) { Progress = new EpochPrinter("    "), ValidationSet = test }).Fit(train);

    private static string[] Row(string data, string model, AutoencoderTransformer fitted, double fid)
    {
        var last = fitted.History.Epochs[^1];
        var loss = last.Validation?.GetValueOrDefault("reconstruction_per_pixel") ?? double.NaN;
        var metric = fitted.Options.ReconstructionLoss == Models.Losses.ReconstructionLoss.BinaryCrossEntropy ? "BCE" : "MSE";
        return new[]
        {
            data, model, string.Create(CultureInfo.InvariantCulture, $"{loss:F4} ({metric})"),
            fitted.History.ImagesPerSecond.ToString("F0", CultureInfo.InvariantCulture), fid.ToString("F1", CultureInfo.InvariantCulture),
        };
    }
}
