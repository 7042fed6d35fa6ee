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
        var real = new Option<string>("--real") { Description = "real images: a folder, a data set name (fashion-mnist, mnist; test split, or name:train) or a statistics .npz", Required = true };
        var fake = new Option<string>("--fake") { Description = "generated images: a folder or a statistics .npz", Required = true };
        var dims = new Option<int?>("--dims") { Description = "Inception feature dimension: 64, 192, 768 or 2048 (default 2048; needs --inception-weights)" };
        var weights = new Option<string?>("--inception-weights") { Description = "pytorch-fid Inception weights (.pth or .safetensors); without it the Fashion-MNIST domain network is used" };
        var featureNetwork = new Option<string?>("--feature-network") { Description = "a domain feature network (.safetensors from mlgen fid train-features) instead of the shipped Fashion-MNIST one" };
        var saveStats = new Option<string?>("--save-stats") { Description = "write the real set's statistics (or the fake set's, when --real is a .npz) to this .npz" };
        var kid = new Option<bool>("--kid") { Description = "also compute KID" };
        var inceptionScore = new Option<bool>("--is") { Description = "also compute the Inception Score of the fake images" };
        var pr = new Option<bool>("--pr") { Description = "also compute precision and recall" };
        var json = new Option<string?>("--json") { Description = "write the whole result as JSON to this file" };
        foreach (var o in new Option[] { real, fake, dims, weights, featureNetwork, saveStats, kid, inceptionScore, pr, json }) command.Options.Add(o);
        command.SetAction(r => Guard(() => Score(new Request(r.GetValue(real)!, r.GetValue(fake)!, r.GetValue(dims), r.GetValue(weights), r.GetValue(featureNetwork),
            r.GetValue(saveStats), r.GetValue(kid), r.GetValue(inceptionScore), r.GetValue(pr), r.GetValue(json)))));
    }

    private sealed record Request(string Real, string Fake, int? Dims, string? Weights, string? FeatureNetwork, string? SaveStats, bool Kid, bool InceptionScore, bool PrecisionRecall, string? Json);

    private static int Score(Request request)
    {
        if (request.Dims is not null && request.Weights is null)
            throw new ArgumentException("--dims chooses an Inception block and needs --inception-weights (the domain network has 128 dimensions)");
        var realIsStats = IsStatistics(request.Real);
        var fakeIsStats = IsStatistics(request.Fake);
        if (realIsStats && fakeIsStats && request.SaveStats is not null)
            throw new ArgumentException("--save-stats needs images on one side; both --real and --fake are statistics files");
        if ((request.Kid || request.PrecisionRecall) && (realIsStats || fakeIsStats))
            throw new ArgumentException("--kid and --pr need images on both sides; a statistics file holds only mean and covariance");
        if (request.InceptionScore && fakeIsStats)
            throw new ArgumentException("--is needs the fake images; --fake is a statistics file");

        if (request.Weights is not null && request.FeatureNetwork is not null)
            throw new ArgumentException("give --inception-weights or --feature-network, not both");
        using var features = request.Weights is not null ? FidFeatures.Inception(request.Weights, request.Dims ?? 2048)
            : request.FeatureNetwork is not null ? FidFeatures.Domain(request.FeatureNetwork) : FidFeatures.FashionMnist();
        if (request.Weights is null && request.FeatureNetwork is null)
            Console.WriteLine($"note: no --inception-weights given, so features come from the Fashion-MNIST domain network; this is not Inception FID and compares only with values from the same network");
        Console.WriteLine($"feature network: {features.Network}");

        var ctx = new GenerativeContext(seed: 0);
        var options = new FidOptions { Kid = request.Kid, InceptionScore = request.InceptionScore, PrecisionRecall = request.PrecisionRecall };
        var realSet = Load(ctx, request.Real, features, options, isFake: false);
        var fakeSet = Load(ctx, request.Fake, features, options, isFake: true);
        if (request.SaveStats is { } statsPath)
        {
            var source = realIsStats ? fakeSet : realSet;
            FidStatisticsFile.Save(statsPath, source.Statistics);
            Console.WriteLine($"saved statistics of {(realIsStats ? "--fake" : "--real")} ({source.Count} images) to {statsPath}");
        }
        var result = ctx.Evaluate.Fid(realSet, fakeSet, options);
        var warnings = result.Warnings.ToList();
        if (realIsStats || fakeIsStats)
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

    /// <summary>A source as a feature set: a statistics file, a folder of images, or a named data set.</summary>
    private static FeatureSet Load(GenerativeContext ctx, string source, FidFeatures features, FidOptions options, bool isFake)
    {
        var flag = isFake ? "--fake" : "--real";
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
        else if (source.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"{flag}: scoring a model zip is not supported yet; sample its images into a folder and pass the folder");
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
