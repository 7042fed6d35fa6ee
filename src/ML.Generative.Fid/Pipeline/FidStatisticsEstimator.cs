using ML.Generative.Data;

namespace ML.Generative.Fid;

/// <summary>
/// Fits <see cref="FidStatisticsTransformer"/>: one pass over the images of a column through a feature network gives
/// the real data's FID statistics, stored with the fitted pipeline. Made by <c>ctx.Transforms.ComputeFidStatistics</c>.
/// The estimator borrows the network; it does not dispose it, and the fitted stage keeps only the statistics and the
/// network's name and hash.
/// </summary>
public sealed class FidStatisticsEstimator : IEstimator<FidStatisticsTransformer>
{
    private readonly GenerativeContext context;
    private readonly FidFeatures features;
    private readonly string imageColumn;
    private readonly long maxImages;

    internal FidStatisticsEstimator(GenerativeContext context, FidFeatures features, string imageColumn, long maxImages)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentException.ThrowIfNullOrEmpty(imageColumn);
        if (maxImages < 2) throw new ArgumentOutOfRangeException(nameof(maxImages), maxImages, "FID statistics need at least 2 images");
        (this.context, this.features, this.imageColumn, this.maxImages) = (context, features, imageColumn, maxImages);
    }

    /// <summary>The input shape, checked to hold the image column (images, or float <c>[C, H, W]</c> vectors in [0, 1]).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        inputSchema.Require(imageColumn, t => t is ImageDataViewType ||
                (t is VectorDataViewType { Dimensions.Count: 3 } v && v.ItemType.Equals(NumberDataViewType.Single)),
            "Image or Vector<Single, C, H, W> in [0, 1]");
        return inputSchema;
    }

    /// <summary>Extracts the features of every image (at most the maximum given) and keeps their statistics.</summary>
    public FidStatisticsTransformer Fit(IDataView input)
    {
        GetOutputSchema(SchemaShape.Create(input.Schema));
        var set = context.Evaluate.ExtractFeatures(input, features, imageColumn, maxImages: maxImages);
        return new FidStatisticsTransformer(new FidStatisticsTransformer.Options(imageColumn, features.Network), set.Statistics);
    }
}
