using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Evaluation;
using ML.Generative.Models;
using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Vae;
using ML.Generative.Models.Wae;
using ML.Generative.Reporting;

namespace ML.Generative.Cli;

/// <summary>
/// <c>mlgen anomaly</c>: the one-class protocol. For each class, train a model on that class's training
/// images only, score the whole test set by reconstruction error (that class normal, the others anomalous),
/// and report the AUROC per class and their mean.
/// </summary>
internal static class AnomalyCommand
{
    internal static Command Create()
    {
        var data = new Option<string>("--data") { Description = "a named data set: fashion-mnist or mnist", DefaultValueFactory = _ => "fashion-mnist" };
        var model = new Option<string>("--model") { Description = "ae, vae or wae", DefaultValueFactory = _ => "vae" };
        var epochs = new Option<int>("--epochs") { Description = "epochs per class (the default budget takes about 10-15 minutes on 2 cores)", DefaultValueFactory = _ => 3 };
        var latent = new Option<int>("--latent") { Description = "latent size", DefaultValueFactory = _ => 32 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var classes = new Option<string?>("--classes") { Description = "comma-separated classes to run (default: all)" };
        var report = new Option<string?>("--report") { Description = "write an HTML report with the per-class AUROC chart" };
        var maxTrain = new Option<int?>("--max-train") { Description = "train on at most this many images of each class (quick runs)" };
        var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => 128 };
        var score = new Option<string>("--score")
        {
            Description = "auto (chosen per class on a held-out 10% of the normal training images against pseudo-anomalies made from them), mse, bce, l1, ssim, latent or combined",
            DefaultValueFactory = _ => "auto",
        };
        var command = new Command("anomaly", "one-class anomaly detection: a model per class, AUROC per class and the mean") { data, model, epochs, latent, seed, classes, report, maxTrain, batchSize, score };
        command.SetAction(r => Run(r.GetValue(data)!, r.GetValue(model)!, r.GetValue(epochs), r.GetValue(latent), r.GetValue(seed), r.GetValue(classes), r.GetValue(report), r.GetValue(maxTrain), r.GetValue(batchSize), ParseScore(r.GetValue(score)!)));
        return command;
    }

    private static readonly Dictionary<string, AnomalyScore> ScoreNames = new()
    {
        ["mse"] = AnomalyScore.ReconstructionMse, ["bce"] = AnomalyScore.ReconstructionBce, ["l1"] = AnomalyScore.ReconstructionL1,
        ["ssim"] = AnomalyScore.Ssim, ["latent"] = AnomalyScore.LatentDistance, ["combined"] = AnomalyScore.Combined,
    };

    private static AnomalyScore? ParseScore(string value) =>
        value.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null
        : ScoreNames.TryGetValue(value.ToLowerInvariant(), out var s) ? s
        : throw new ArgumentException($"--score must be auto, {string.Join(", ", ScoreNames.Keys)}; got '{value}'");

    private static AutoencoderOptions OptionsFor(string model, int epochs, int latent, int seed) =>
        model.ToLowerInvariant() is "ae" or "vae" or "wae" or "wae-mmd"
            ? ModelNames.Find(model).Create() with { Epochs = epochs, LatentSize = latent, Seed = seed, ErrorMetric = ReconstructionErrorMetric.MeanSquaredError }
            : throw new ArgumentException($"unknown model '{model}' for the one-class protocol: use ae, vae or wae");

    private static int Run(string dataName, string modelName, int epochs, int latent, int seed, string? classList, string? reportPath, int? maxTrain, int batchSize, AnomalyScore? fixedScore)
    {
        if (maxTrain is < 2) throw new ArgumentException("--max-train must be at least 2");
        var options = OptionsFor(modelName, epochs, latent, seed) with { BatchSize = batchSize };
        options.Validate();
        var ctx = new GenerativeContext(seed);
        var train = ctx.Data.LoadDataset(dataName, DatasetSplit.Train);
        var test = ctx.Data.LoadDataset(dataName, DatasetSplit.Test);
        var classes = classList is null ? Enumerable.Range(0, 10).Select(c => (uint)c).ToArray()
            : classList.Split(',').Select(c => uint.TryParse(c, out var v) && v < 10 ? v : throw new ArgumentException($"--classes: '{c}' is not a class 0-9")).ToArray();
        var normalize = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne);
        var results = new List<(string Label, double Value)>();
        var perScore = new List<(uint Class, AnomalyScore Used, IReadOnlyDictionary<AnomalyScore, double> Validation, Dictionary<AnomalyScore, double> Test)>();
        var clock = Stopwatch.StartNew();
        foreach (var normal in classes)
        {
            var started = clock.Elapsed;
            var normalRows = ctx.Data.FilterByLabel(train, normal);
            if (maxTrain is int m) normalRows = ctx.Data.TakeRows(normalRows, m);
            // 10% of the normal training images are held out: the score is chosen on them, never on the test set.
            var split = ctx.Data.TrainTestSplit(normalRows, 0.1, seed);
            var fitted = normalize.Append(new AutoencoderEstimator(options)).Fit(split.TrainSet);
            var scorer = OneClassScorer.Select(fitted, split.TrainSet, split.TestSet);
            var used = fixedScore ?? scorer.Chosen;
            var labelled = ctx.Data.AddIsAnomaly(test, normal);
            var labels = ctx.Data.CreateEnumerable<AnomalyLabel>(labelled, ignoreMissingColumns: true).Select(r => r.IsAnomaly).ToList();
            var scores = scorer.ScoreAll(labelled);
            if (!scores.ContainsKey(used)) throw new ArgumentException($"--score {used} does not apply to this model's pixel range");
            var testMetrics = scores.ToDictionary(kv => kv.Key, kv => AnomalyMetrics.Compute(kv.Value, labels));
            var testAurocs = testMetrics.ToDictionary(kv => kv.Key, kv => kv.Value.Auroc);
            var metrics = testMetrics[used];
            results.Add(($"class {normal}", metrics.Auroc));
            perScore.Add((normal, used, scorer.ValidationAurocs, testAurocs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"class {normal}: AUROC {metrics.Auroc:F4}  AUPR {metrics.Aupr:F4}  F1-max {metrics.F1Max:F4}  score {Short(used)}{(fixedScore is null ? $" (validation AUROC {scorer.ValidationAurocs[used]:F3})" : "")}  ({(clock.Elapsed - started).TotalSeconds:F0} s)"));
            fitted.LastTransformer?.Dispose();
        }
        var mean = results.Average(r => r.Value);
        var candidates = perScore[0].Test.Keys.ToList();
        // Diagnostics only: what each score would have given on the test set (the choice never looks at these).
        Console.WriteLine("mean test AUROC of each score (diagnostic; not used for the choice): " + string.Join(", ",
            candidates.Select(c => string.Create(CultureInfo.InvariantCulture, $"{Short(c)} {perScore.Average(p => p.Test[c]):F4}"))));
        if (reportPath is not null)
        {
            var columns = new List<string> { "class", "score used" }.Concat(candidates.Select(c => $"{Short(c)} val./test")).ToList();
            var rows = perScore.Select(p => (IReadOnlyList<string>)new List<string> { p.Class.ToString(CultureInfo.InvariantCulture), Short(p.Used) }
                .Concat(candidates.Select(c => string.Create(CultureInfo.InvariantCulture, $"{p.Validation[c]:F3} / {p.Test[c]:F3}"))).ToList());
            new TrainingReport($"One-class anomaly detection: {modelName} on {dataName}")
                .AddBarChart("AUROC per normal class", results, "AUROC", reference: ("mean", mean))
                .AddTable("AUROC of every score: validation (normal vs pseudo-anomalies, used to choose) / test (diagnostic)", columns, rows)
                .AddOptions("Options", options)
                .Save(reportPath);
            Console.WriteLine($"report: {Path.GetFullPath(reportPath)}");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean AUROC: {mean:F4}"));
        return 0;
    }

    private static string Short(AnomalyScore score) => ScoreNames.First(kv => kv.Value == score).Key;

    private sealed class AnomalyLabel
    {
        public bool IsAnomaly { get; set; }
    }
}
