using ML.Generative.Data;
using ML.Generative.Fid.Metrics;
using TorchSharp;

namespace ML.Generative.Fid;

/// <summary>
/// FID, KID, Inception Score and precision/recall on <see cref="EvaluateCatalog"/>: <c>ctx.Evaluate.Fid(real, generated, features)</c>.
/// Images are read with <c>ctx.Data.CreateBatches</c> (an image column, or float <c>[C, H, W]</c> vectors in [0, 1]);
/// an image column of unknown size (a folder) is resized to the size of its first image, so a folder of
/// same-sized images is read unchanged.
/// </summary>
public static class EvaluateCatalogFidExtensions
{
    /// <summary>Features of the images in <paramref name="data"/>: statistics, and rows/logits when asked for.</summary>
    public static FeatureSet ExtractFeatures(this EvaluateCatalog catalog, IDataView data, FidFeatures features,
        string imageColumn = "Image", bool keepRows = false, bool keepLogits = false, long maxImages = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(features);
        var (view, column) = FidImageColumn.Prepare(catalog.Context, data, imageColumn, features.InputChannels);
        var builder = new FeatureSet.Builder(features, keepRows, keepLogits);
        var options = new BatchOptions { BatchSize = features.BatchSize };
        foreach (var batch in catalog.Context.Data.CreateBatches(view, column, options))
        {
            using (batch)
            {
                var left = maxImages - builder.Count;
                if (left <= 0) break;
                if (batch.Count <= left) builder.Add(batch.Features);
                else using (var part = batch.Features.narrow(0, 0, left)) builder.Add(part);
            }
        }
        return builder.Build($"column '{imageColumn}'");
    }

    /// <summary>Features of <paramref name="count"/> images drawn from <paramref name="generator"/>, which is called with
    /// how many images to make (at most <see cref="FidFeatures.BatchSize"/>) and returns them <c>[n, C, H, W]</c> in [0, 1];
    /// the images are never written to disk. The returned tensors are disposed here.</summary>
    public static FeatureSet ExtractFeatures(this EvaluateCatalog catalog, Func<int, torch.Tensor> generator, int count, FidFeatures features,
        bool keepRows = false, bool keepLogits = false)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(features);
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "FID needs at least 2 generated images");
        var builder = new FeatureSet.Builder(features, keepRows, keepLogits);
        while (builder.Count < count)
        {
            var n = (int)Math.Min(features.BatchSize, count - builder.Count);
            using var images = generator(n) ?? throw new InvalidOperationException("the generator returned null");
            if (images.Dimensions != 4 || images.shape[0] != n)
                throw new InvalidOperationException($"the generator was asked for {n} images [n, C, H, W] and returned ({string.Join(", ", images.shape)})");
            builder.Add(images);
        }
        return builder.Build("generator");
    }

    /// <summary>Mean and covariance of the features of the images in <paramref name="data"/> (pytorch-fid's <c>mu</c>, <c>sigma</c>).</summary>
    public static FidStatistics ComputeStatistics(this EvaluateCatalog catalog, IDataView data, string imageColumn, FidFeatures features) =>
        catalog.ExtractFeatures(data, features, imageColumn).Statistics;

    /// <summary>Computes the statistics of <paramref name="data"/> and writes them to <paramref name="path"/> in pytorch-fid's
    /// <c>.npz</c> layout (<c>mu</c>, <c>sigma</c>, and the sample count); returns them.</summary>
    public static FidStatistics SaveStatistics(this EvaluateCatalog catalog, IDataView data, string imageColumn, FidFeatures features, string path)
    {
        var statistics = catalog.ComputeStatistics(data, imageColumn, features);
        FidStatisticsFile.Save(path, statistics);
        return statistics;
    }

    /// <summary>FID between the images of <paramref name="real"/> and <paramref name="generated"/> (both in
    /// <see cref="FidOptions.ImageColumn"/>), plus the metrics <paramref name="options"/> asks for.</summary>
    public static FidResult Fid(this EvaluateCatalog catalog, IDataView real, IDataView generated, FidFeatures features, FidOptions? options = null)
    {
        options ??= new FidOptions();
        var r = catalog.ExtractFeatures(real, features, options.ImageColumn, options.KeepRows, false, options.MaxImages);
        return catalog.Fid(r, generated, features, options);
    }

    /// <summary>FID between precomputed real features (e.g. from a statistics file) and the images of <paramref name="generated"/>.</summary>
    public static FidResult Fid(this EvaluateCatalog catalog, FeatureSet real, IDataView generated, FidFeatures features, FidOptions? options = null)
    {
        options ??= new FidOptions();
        var g = catalog.ExtractFeatures(generated, features, options.ImageColumn, options.KeepRows, options.InceptionScore, options.MaxImages);
        return Fid(catalog, real, g, options);
    }

    /// <summary>FID between the images of <paramref name="real"/> and <paramref name="count"/> images from <paramref name="generator"/>
    /// (see <see cref="ExtractFeatures(EvaluateCatalog, Func{int, torch.Tensor}, int, FidFeatures, bool, bool)"/>).</summary>
    public static FidResult Fid(this EvaluateCatalog catalog, IDataView real, Func<int, torch.Tensor> generator, int count, FidFeatures features, FidOptions? options = null)
    {
        options ??= new FidOptions();
        var r = catalog.ExtractFeatures(real, features, options.ImageColumn, options.KeepRows, false, options.MaxImages);
        var g = catalog.ExtractFeatures(generator, count, features, options.KeepRows, options.InceptionScore);
        return Fid(catalog, r, g, options);
    }

    /// <summary>FID (and KID, IS, precision/recall as asked) between two feature sets of the same network.</summary>
    /// <exception cref="ArgumentException">The sets come from different networks (name or hash), or a metric needs rows or logits the sets do not hold.</exception>
    public static FidResult Fid(this EvaluateCatalog catalog, FeatureSet real, FeatureSet generated, FidOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        options ??= new FidOptions();
        if (real.Network != generated.Network)
            throw new ArgumentException($"the real features come from {real.Network} but the generated ones from {generated.Network}; values from different networks are not comparable");
        var warnings = new List<string>();
        // Statistics files from pytorch-fid do not record their sample count: nothing to warn about then.
        foreach (var (set, name) in new[] { (real, "real"), (generated, "generated") })
            if (set.Statistics.Count is long n)
                MetricWarnings.FewerSamplesThanDimensions(warnings, "FID", name, (int)Math.Min(n, int.MaxValue), real.Network.Dimension);
        var value = FrechetDistance.Compute(real.Statistics, generated.Statistics);
        KidResult? kid = null;
        PrecisionRecallResult? pr = null;
        InceptionScoreResult? inceptionScore = null;
        if (options.Kid || options.PrecisionRecall)
        {
            if (real.Rows is null || generated.Rows is null)
                throw new ArgumentException("KID and precision/recall need every feature vector, not only statistics (a statistics file holds only mean and covariance)");
            if (options.Kid) kid = KernelInceptionDistance.Compute(real.Rows, generated.Rows, options.KidSubsets, options.KidSubsetSize, options.Seed);
            if (options.PrecisionRecall) pr = Metrics.PrecisionRecall.Compute(real.Rows, generated.Rows, options.Neighbours);
        }
        if (options.InceptionScore)
        {
            if (generated.Logits is null) throw new ArgumentException("the Inception Score needs the generated images' class logits, not only statistics");
            inceptionScore = Metrics.InceptionScore.FromLogits(generated.Logits, options.InceptionScoreSplits);
        }
        foreach (var w in (kid?.Warnings ?? []).Concat(pr?.Warnings ?? []).Concat(inceptionScore?.Warnings ?? []))
            warnings.Add(w);
        return new FidResult(value, real.Count, generated.Count, real.Network.Dimension, real.Network, warnings)
        {
            Kid = kid,
            PrecisionRecall = pr,
            InceptionScore = inceptionScore,
        };
    }
}
