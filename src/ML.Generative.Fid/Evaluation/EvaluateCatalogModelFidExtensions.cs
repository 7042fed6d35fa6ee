using ML.Generative.Models.Sampling;

namespace ML.Generative.Fid;

/// <summary>
/// FID with fitted models on <see cref="EvaluateCatalog"/>: a model's generator as the generated side (its samples are
/// fed straight to the feature network, never written to disk) and the reference statistics a model carries
/// (<see cref="FidStatisticsTransformer"/>) as the real side.
/// </summary>
public static class EvaluateCatalogModelFidExtensions
{
    /// <summary>Features of <paramref name="count"/> images sampled from <paramref name="generator"/> (a fitted pipeline or
    /// its generative stage; see <see cref="ImageSampler"/>), mapped back to [0, 1]; the same seed gives the same images.</summary>
    public static FeatureSet ExtractFeatures(this EvaluateCatalog catalog, ITransformer generator, int count, FidFeatures features,
        bool keepRows = false, bool keepLogits = false, long seed = 0) =>
        catalog.ExtractFeatures(ImageSampler.FromModel(generator).Batches(seed), count, features, keepRows, keepLogits);

    /// <summary>The FID reference statistics <paramref name="model"/> carries, as a feature set of <paramref name="features"/>.</summary>
    /// <exception cref="ArgumentException">The model has no statistics, or they come from another feature network.</exception>
    public static FeatureSet FidReference(this EvaluateCatalog catalog, ITransformer model, FidFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var stage = FidStatisticsTransformer.FromModel(model);
        if (stage.FeatureNetwork != features.Network)
            throw new ArgumentException($"the model's reference statistics were computed with {stage.FeatureNetwork}, but the features given come from " +
                                        $"{features.Network}; values from different networks are not comparable");
        return stage.Reference;
    }

    /// <summary>FID of <paramref name="count"/> images sampled from <paramref name="model"/>'s generator against the reference
    /// statistics the model carries (both from one fitted pipeline, e.g. a loaded model zip).</summary>
    public static FidResult Fid(this EvaluateCatalog catalog, ITransformer model, int count, FidFeatures features, FidOptions? options = null, long seed = 0)
    {
        options ??= new FidOptions();
        var reference = catalog.FidReference(model, features);
        return catalog.Fid(reference, catalog.ExtractFeatures(model, count, features, options.KeepRows, options.InceptionScore, seed), options);
    }

    /// <summary>FID of the images in <paramref name="generated"/> against the reference statistics <paramref name="model"/> carries.</summary>
    public static FidResult Fid(this EvaluateCatalog catalog, ITransformer model, IDataView generated, FidFeatures features, FidOptions? options = null) =>
        catalog.Fid(catalog.FidReference(model, features), generated, features, options);

    /// <summary>FID between the images of <paramref name="real"/> and <paramref name="count"/> images sampled from
    /// <paramref name="generator"/> (a fitted pipeline or its generative stage).</summary>
    public static FidResult Fid(this EvaluateCatalog catalog, IDataView real, ITransformer generator, int count, FidFeatures features,
        FidOptions? options = null, long seed = 0)
    {
        options ??= new FidOptions();
        var r = catalog.ExtractFeatures(real, features, options.ImageColumn, options.KeepRows, false, options.MaxImages);
        var g = catalog.ExtractFeatures(generator, count, features, options.KeepRows, options.InceptionScore, seed);
        return catalog.Fid(r, g, options);
    }
}
