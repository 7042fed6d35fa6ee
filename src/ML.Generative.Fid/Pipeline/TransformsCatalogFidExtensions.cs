namespace ML.Generative.Fid;

/// <summary>FID stages on <see cref="TransformsCatalog"/>.</summary>
public static class TransformsCatalogFidExtensions
{
    /// <summary>
    /// A stage that computes the FID reference statistics of the real images in <paramref name="imageColumn"/> when the
    /// pipeline is fitted, and keeps them in the model zip, so later FIDs of the model's samples need not read the real
    /// data again (<c>ctx.Evaluate.Fid(model, count, features)</c>). Put it where the column still holds the images in
    /// [0, 1] (before a normalisation that changes their range). Rows pass through unchanged.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="features">The feature network (borrowed, not disposed); results must later use the same one.</param>
    /// <param name="imageColumn">An image column, or float <c>[C, H, W]</c> vectors in [0, 1].</param>
    /// <param name="maxImages">Use at most this many images (default: all).</param>
    public static FidStatisticsEstimator ComputeFidStatistics(this TransformsCatalog catalog, FidFeatures features, string imageColumn = "Image",
        long maxImages = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new FidStatisticsEstimator(catalog.Context, features, imageColumn, maxImages);
    }
}
