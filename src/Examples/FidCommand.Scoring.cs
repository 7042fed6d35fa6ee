using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ML.Generative.Data;
using ML.Generative.Fid;

namespace ML.Generative.Cli;

internal static partial class FidCommand
{
    static partial void AddScoring(Command command)
    {
        var real = new Option<string>("--real") { Description = "real images: a folder, a data set name (fashion-mnist, mnist; test split, or name:train), a statistics .npz, or a model .zip carrying reference statistics", Required = true };
        var fake = new Option<string>("--fake") { Description = "generated images: a folder, a statistics .npz, or a model .zip whose generator is sampled (nothing written to disk)", Required = true };
        var numSamples = new Option<int?>("--num-samples") { Description = $"images to sample when --fake is a model .zip (default {DefaultSamples})" };
        var seed = new Option<long?>("--seed") { Description = "sampling seed when --fake is a model .zip (default 0); the same seed gives the same images" };
        var dims = new Option<int?>("--dims") { Description = "Inception feature dimension: 64, 192, 768 or 2048 (default 2048; needs --inception-weights)" };
        var weights = new Option<string?>("--inception-weights") { Description = "pytorch-fid Inception weights (.pth or .safetensors); without it the Fashion-MNIST domain network is used" };
        var featureNetwork = new Option<string?>("--feature-network") { Description = "a domain feature network (.safetensors from mlgen fid train-features) instead of the shipped Fashion-MNIST one" };
        var saveStats = new Option<string?>("--save-stats") { Description = "write the real set's statistics (or the fake set's, when --real is a .npz or a model .zip) to this .npz" };
        var kid = new Option<bool>("--kid") { Description = "also compute KID" };
        var inceptionScore = new Option<bool>("--is") { Description = "also compute the Inception Score of the fake images" };
        var pr = new Option<bool>("--pr") { Description = "also compute precision and recall" };
        var json = new Option<string?>("--json") { Description = "write the whole result as JSON to this file" };
        foreach (var o in new Option[] { real, fake, numSamples, seed, dims, weights, featureNetwork, saveStats, kid, inceptionScore, pr, json }) command.Options.Add(o);
        command.SetAction(r => Guard(() => Score(new Request(r.GetValue(real)!, r.GetValue(fake)!, r.GetValue(numSamples), r.GetValue(seed), r.GetValue(dims),
            r.GetValue(weights), r.GetValue(featureNetwork), r.GetValue(saveStats), r.GetValue(kid), r.GetValue(inceptionScore), r.GetValue(pr), r.GetValue(json)))));
    }

    private const int DefaultSamples = 10_000;

    private sealed record Request(string Real, string Fake, int? NumSamples, long? Seed, int? Dims, string? Weights, string? FeatureNetwork, string? SaveStats,
        bool Kid, bool InceptionScore, bool PrecisionRecall, string? Json);

    private static int Score(Request request)
    {
        if (request.Dims is not null && request.Weights is null)
            throw new ArgumentException("--dims chooses an Inception block and needs --inception-weights (the domain network has 128 dimensions)");
        // A model zip as --real gives its stored reference statistics; as --fake, images sampled from its generator.
        var realIsStats = IsStatistics(request.Real) || IsModel(request.Real);
        var fakeIsStats = IsStatistics(request.Fake);
        if (realIsStats && fakeIsStats && request.SaveStats is not null)
            throw new ArgumentException("--save-stats needs images on one side; both --real and --fake are statistics");
        if ((request.Kid || request.PrecisionRecall) && (realIsStats || fakeIsStats))
            throw new ArgumentException("--kid and --pr need images on both sides; a statistics file (or a model's reference statistics) holds only mean and covariance");
        if (request.InceptionScore && fakeIsStats)
            throw new ArgumentException("--is needs the fake images; --fake is a statistics file");
        if ((request.NumSamples is not null || request.Seed is not null) && !IsModel(request.Fake))
            throw new ArgumentException("--num-samples and --seed sample a model's generator: they need --fake model.zip");
        if (request.NumSamples is < 2)
            throw new ArgumentException($"--num-samples must be at least 2, got {request.NumSamples}");

        if (request.Weights is not null && request.FeatureNetwork is not null)
            throw new ArgumentException("give --inception-weights or --feature-network, not both");
        using var features = request.Weights is not null ? FidFeatures.Inception(request.Weights, request.Dims ?? 2048)
            : request.FeatureNetwork is not null ? FidFeatures.Domain(request.FeatureNetwork) : FidFeatures.FashionMnist();
        if (request.Weights is null && request.FeatureNetwork is null)
            Console.WriteLine($"note: no --inception-weights given, so features come from the Fashion-MNIST domain network; this is not Inception FID and compares only with values from the same network");
        Console.WriteLine($"feature network: {features.Network}");

        var ctx = new GenerativeContext(seed: 0);
        var options = new FidOptions { Kid = request.Kid, InceptionScore = request.InceptionScore, PrecisionRecall = request.PrecisionRecall };
        var sampling = (request.NumSamples ?? DefaultSamples, request.Seed ?? 0);
        var realSet = Load(ctx, request.Real, features, options, isFake: false, sampling);
        var fakeSet = Load(ctx, request.Fake, features, options, isFake: true, sampling);
        if (request.SaveStats is { } statsPath)
        {
            var source = realIsStats ? fakeSet : realSet;
            FidStatisticsFile.Save(statsPath, source.Statistics);
            Console.WriteLine($"saved statistics of {(realIsStats ? "--fake" : "--real")} ({source.Count} images) to {statsPath}");
        }
        var result = ctx.Evaluate.Fid(realSet, fakeSet, options);
        var warnings = result.Warnings.ToList();
        if (IsStatistics(request.Real) || fakeIsStats)
            warnings.Add("a statistics file does not record its feature network; make sure it was computed with " + features.Network);
        foreach (var w in warnings) Console.WriteLine($"warning: {w}");
        Console.WriteLine($"FID: {result.Value.ToString("R", CultureInfo.InvariantCulture)}");
        if (result.Kid is { } k) Console.WriteLine($"KID: {k.Mean.ToString("R", CultureInfo.InvariantCulture)} ± {k.StandardDeviation.ToString("R", CultureInfo.InvariantCulture)}");
        if (result.InceptionScore is { } s) Console.WriteLine($"IS: {s.Mean.ToString("R", CultureInfo.InvariantCulture)} ± {s.StandardDeviation.ToString("R", CultureInfo.InvariantCulture)}");
        if (result.PrecisionRecall is { } p) Console.WriteLine($"precision: {p.Precision.ToString("R", CultureInfo.InvariantCulture)}  recall: {p.Recall.ToString("R", CultureInfo.InvariantCulture)}");
        if (request.Json is { } jsonPath)
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(result with { Warnings = warnings }, JsonOptions));
        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    private static bool IsStatistics(string source) => source.EndsWith(".npz", StringComparison.OrdinalIgnoreCase);

    private static bool IsModel(string source) => source.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    /// <summary>A source as a feature set: a statistics file, a model zip, a folder of images, or a named data set.</summary>
    private static FeatureSet Load(GenerativeContext ctx, string source, FidFeatures features, FidOptions options, bool isFake, (int Count, long Seed) sampling)
    {
        var flag = isFake ? "--fake" : "--real";
        if (IsModel(source))
        {
            if (!File.Exists(source)) throw new FileNotFoundException($"{flag}: model file not found: {source}", source);
            var model = ctx.Model.Load(source, out _);
            try
            {
                return isFake
                    ? ctx.Evaluate.ExtractFeatures(model, sampling.Count, features, options.KeepRowsFor(), options.InceptionScore, sampling.Seed)
                    : ctx.Evaluate.FidReference(model, features);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{flag} {source}: {e.Message}", e);
            }
            finally
            {
                foreach (var stage in model.OfType<IDisposable>()) stage.Dispose();
            }
        }
        if (IsStatistics(source))
        {
            if (!File.Exists(source)) throw new FileNotFoundException($"{flag}: statistics file not found: {source}", source);
            var stats = FidStatisticsFile.Load(source);
            if (stats.Dimension != features.Dimension)
                throw new ArgumentException($"{flag}: {source} holds {stats.Dimension}-d statistics but {features.Name} gives {features.Dimension}-d features");
            return FeatureSet.FromStatistics(stats, features.Network);
        }
        IDataView view;
        if (Directory.Exists(source))
            view = ctx.Data.LoadImagesFromFolder(source, labelsFromFolders: false,
                colorMode: features.InputChannels == 1 ? ImageColorMode.Gray : ImageColorMode.Rgb);
        else if (DatasetName(source) is var (name, split) && NamedDatasets.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
            view = ctx.Data.LoadDataset(name, split);
        else
            throw new FileNotFoundException($"{flag}: '{source}' is not a folder, a .npz statistics file or a data set name ({string.Join(", ", NamedDatasets.Names)})", source);
        return ctx.Evaluate.ExtractFeatures(view, features, "Image", options.KeepRowsFor(), isFake && options.InceptionScore);
    }

    private static (string Name, DatasetSplit Split) DatasetName(string source)
    {
        var parts = source.Split(':');
        return parts.Length == 2 && parts[1].Equals("train", StringComparison.OrdinalIgnoreCase)
            ? (parts[0], DatasetSplit.Train)
            : (parts[0], DatasetSplit.Test);
    }

    private static bool KeepRowsFor(this FidOptions options) => options.Kid || options.PrecisionRecall;
}
