using System.CommandLine;
using System.Globalization;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Models;
using ML.Generative.Models.Sampling;
using ML.Generative.Reporting;
using ML.Generative.Training;

namespace ML.Generative.Cli;

/// <summary>
/// <c>mlgen train &lt;model&gt; --data ...</c>: trains any model of the library on any data the CLI reads, saves the
/// fitted pipeline (resize → normalise → model) as one zip, keeps a checkpoint beside it for <c>--resume</c> and
/// Ctrl+C, and optionally writes the HTML report.
/// </summary>
internal static class TrainCommand
{
    /// <summary>Exit code after Ctrl+C, as shells report a process stopped by SIGINT.</summary>
    internal const int Interrupted = 130;

    internal static Command Create()
    {
        var model = new Argument<string>("model") { Description = "the model to train:" + Environment.NewLine + ModelNames.Listing() };
        var data = new Option<string>("--data") { Description = DataSources.Help, Required = true };
        var imageSize = new Option<int?>("--image-size") { Description = "train at this size (28, 32, 64...); default: the data's size (32 for a folder)" };
        var channels = new Option<int?>("--channels") { Description = "1 (gray) or 3 (colour); default: the data's" };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 5 };
        var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => 128 };
        var latent = new Option<int>("--latent") { Description = "latent size", DefaultValueFactory = _ => 64 };
        var lr = new Option<double?>("--lr") { Description = "learning rate of the main network (default: the model's)" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string>("--out") { Description = "the model zip to write", DefaultValueFactory = _ => "model.zip" };
        var resume = new Option<bool>("--resume") { Description = "continue from the checkpoint beside --out (written every epoch and kept after Ctrl+C)" };
        var report = new Option<string?>("--report") { Description = "write an HTML report (loss curves, samples, reconstructions, options, timing)" };
        var set = new Option<string[]>("--set") { Description = "a model option as key=value (repeatable), e.g. --set beta=4 --set optimizer.beta1=0.5", AllowMultipleArgumentsPerToken = false };
        var validation = new Option<double>("--validation") { Description = "share of the training images held out for validation losses", DefaultValueFactory = _ => 0.05 };
        var maxTrain = new Option<int?>("--max-train") { Description = "train on at most this many images" };
        var classes = new Option<string?>("--classes") { Description = "train only on these labels, comma-separated (e.g. CIFAR-10 cars and planes: 0,1)" };
        var quiet = new Option<bool>("--quiet") { Description = "print only the result lines" };
        var json = new Option<bool>("--json") { Description = "print progress and the result as JSON lines, for scripts" };
        var command = new Command("train", "train a model and save it as a model zip")
        {
            model, data, imageSize, channels, epochs, batchSize, latent, lr, seed, device, output, resume, report, set, validation, maxTrain, classes, quiet, json,
        };
        command.SetAction(r => Run(new Request(r.GetValue(model)!, r.GetValue(data)!, r.GetValue(imageSize), r.GetValue(channels), r.GetValue(epochs),
            r.GetValue(batchSize), r.GetValue(latent), r.GetValue(lr), r.GetValue(seed), r.GetValue(device)!, r.GetValue(output)!, r.GetValue(resume),
            r.GetValue(report), r.GetValue(set) ?? Array.Empty<string>(), r.GetValue(validation), r.GetValue(maxTrain), r.GetValue(classes),
            TrainingDisplay.Choose(r.GetValue(quiet), r.GetValue(json)))));
        return command;
    }

    internal sealed record Request(string Model, string Data, int? ImageSize, int? Channels, int Epochs, int BatchSize, int Latent, double? Lr,
        int Seed, string Device, string Out, bool Resume, string? Report, string[] Set, double Validation, int? MaxTrain, string? Classes, DisplayMode Display);

    private static int Run(Request q)
    {
        var entry = ModelNames.Find(q.Model);
        if (q.Channels is not (null or 1 or 3)) throw new ArgumentException($"--channels must be 1 or 3, got {q.Channels}");
        if (q.ImageSize is < 8 or > 512) throw new ArgumentException($"--image-size must be between 8 and 512, got {q.ImageSize}");
        if (q.MaxTrain is < 2) throw new ArgumentException("--max-train must be at least 2");
        var outPath = Path.GetFullPath(q.Out);
        if (!outPath.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"--out must name a .zip file, got '{q.Out}'");
        var outDir = Path.GetDirectoryName(outPath)!;
        if (!Directory.Exists(outDir)) throw new DirectoryNotFoundException($"--out: the folder {outDir} does not exist");
        var checkpoint = outPath + ".checkpoint";
        if (q.Resume && !File.Exists(checkpoint)) throw new FileNotFoundException($"--resume: there is no checkpoint at {checkpoint} (it is written by an earlier train run with the same --out)");

        var options = entry.Create() with
        {
            Epochs = q.Epochs, BatchSize = q.BatchSize, LatentSize = q.Latent, Seed = q.Seed, Device = q.Device,
            ValidationFraction = q.Validation, CheckpointPath = checkpoint, Resume = q.Resume,
        };
        if (q.Lr is double rate) options = options with { Optimizer = options.Optimizer with { LearningRate = rate } };
        // A report shows samples from a fixed latent batch at every epoch (--set EpochSamples=… still decides).
        if (q.Report is not null) options = options with { EpochSamples = 16 };
        options = OptionSetter.Apply(options, q.Set);
        options.Validate();

        var ctx = new GenerativeContext(q.Seed);
        var data = DataSources.Load(ctx, q.Data, DatasetSplit.Train, q.Channels ?? 0);
        data = DataSources.FilterClasses(ctx, data, q.Classes);
        if (q.MaxTrain is int m) data = ctx.Data.TakeRows(data, m);
        var (preprocess, size, channels) = Preprocessing(ctx, data.Schema, q.ImageSize, q.Channels);

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;  // stop between steps and exit on our own terms
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        // A service manager's stop (SIGTERM) stops training the same way.
        using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            cancel.Cancel();
        });
        TransformerChain<AutoencoderTransformer> model;
        try
        {
            var title = $"Training {entry.Name} on {q.Data} ({channels}x{size}x{size}, {options.Epochs} epochs, batch {options.BatchSize}, {options.Device})";
            model = TrainingDisplay.Run(q.Display, title, progress =>
                preprocess.Append(new AutoencoderEstimator(options) { Progress = progress, Cancellation = cancel.Token }).Fit(data));
        }
        catch (OperationCanceledException)
        {
            var kept = File.Exists(checkpoint) ? $"the checkpoint of the last finished epoch is kept at {checkpoint}; run the same command with --resume to continue"
                : "no epoch had finished, so there is no checkpoint yet";
            Console.Error.WriteLine($"mlgen: interrupted: {kept}");
            return Interrupted;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        using var fitted = model.LastTransformer!;
        ctx.Model.Save(model, data.Schema, outPath);
        var history = fitted.History;
        var last = history.Epochs[^1];
        var perPixel = last.Validation?.GetValueOrDefault("reconstruction_per_pixel") ?? last.Train.GetValueOrDefault("reconstruction_per_pixel");
        string? reportPath = q.Report is null ? null : Path.GetFullPath(q.Report);
        if (reportPath is not null) WriteReport(ctx, model, fitted, data, entry.Name, q, reportPath, channels * size * size);

        if (q.Display == DisplayMode.Json)
        {
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                @event = "done", model = outPath, checkpoint, report = reportPath, epochs = history.Epochs.Count, steps = history.Steps,
                images_per_second = history.ImagesPerSecond, train = last.Train, validation = last.Validation,
            }));
            return 0;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trained {entry.Name}: {history.Epochs.Count} epochs, {history.Steps} steps, {history.ImagesPerSecond:F0} images/s; reconstruction loss per pixel {perPixel:G5} ({(last.Validation is not null ? "validation" : "train")})"));
        Console.WriteLine($"model: {outPath}");
        if (reportPath is not null) Console.WriteLine($"report: {reportPath}");
        return 0;
    }

    /// <summary>The stages before the model: gray if asked, resize to the training size, then [0, 1] pixels.
    /// Saved in the zip, so the loaded model takes images of any size.</summary>
    private static (IEstimator<ITransformer> Stages, int Size, int Channels) Preprocessing(GenerativeContext ctx, DataViewSchema schema, int? imageSize, int? channels)
    {
        var column = schema.GetColumnOrNull("Image") ?? throw new ArgumentException("--data has no Image column");
        var type = column.Type as ImageDataViewType ?? throw new ArgumentException($"--data's Image column is {column.Type}, not images");
        var dataChannels = type.Channels == 0 ? 3 : type.Channels;
        var want = channels ?? (dataChannels == 4 ? 3 : dataChannels);
        if (want == 3 && dataChannels == 1) throw new ArgumentException("--channels 3: the data has gray images (1 channel); train with --channels 1");
        var size = imageSize ?? (type.IsKnownSize && type.Height == type.Width ? type.Height : 32);
        IEstimator<ITransformer> stages = ctx.Transforms.ResizeImages("Image", size, size);
        if (want == 1 && dataChannels != 1) stages = ctx.Transforms.ConvertToGrayscale("Image").Append(stages);
        return (stages.Append(ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne)), size, want);
    }

    private static void WriteReport(GenerativeContext ctx, ITransformer model, AutoencoderTransformer fitted, IDataView data, string name,
        Request q, string path, int pixels)
    {
        var dir = Directory.CreateTempSubdirectory("mlgen-report-").FullName;
        try
        {
            var samples = Path.Combine(dir, "samples.png");
            using (var images = ImageSampler.FromModel(model).Sample(64, q.Seed)) ImageGrid.Save(images, samples);
            var reconstructions = Path.Combine(dir, "reconstructions.png");
            ctx.Data.SaveImageGrid(model.Transform(ctx.Data.TakeRows(data, 8)), new[] { "Pixels", AutoencoderTransformer.ReconstructionColumn }, reconstructions);
            var history = fitted.History;
            new TrainingReport($"mlgen train {name}")
            {
                Subtitle = string.Create(CultureInfo.InvariantCulture, $"data {q.Data}; {history.Epochs.Count} epochs, {history.ImagesPerSecond:F0} training images/s"),
            }
                .AddLossCurves(history, new LossCurveOptions { Values = LossValues.Both, PixelsPerImage = pixels })
                .AddEpochSamples(history)
                .AddImage("Samples (64 prior draws)", File.ReadAllBytes(samples))
                .AddImage("Reconstructions (originals above)", File.ReadAllBytes(reconstructions))
                .AddOptions("Options", fitted.Options)
                .AddTiming(history)
                .Save(path);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
