using ML.Generative.Data;
using ML.Generative.Data.Transforms;

namespace ML.Generative;

/// <summary>Image and pixel transforms: load, resize, grayscale, extract, normalize, flip.</summary>
public sealed class TransformsCatalog : CatalogBase
{
    internal TransformsCatalog(GenerativeContext context) : base(context) { }

    /// <summary>Decodes the image file named in <paramref name="inputColumnName"/> (relative to <paramref name="imageFolder"/>)
    /// into <paramref name="outputColumnName"/>. With <paramref name="skipBadImages"/>, undecodable files are left out and
    /// counted in the fitted transformer's <see cref="ImageLoadingTransformer.Report"/>; otherwise they are an error naming the file.</summary>
    public TrivialEstimator<ImageLoadingTransformer> LoadImages(string outputColumnName = "Image", string? imageFolder = null,
        string inputColumnName = "ImagePath", ImageColorMode colorMode = ImageColorMode.Auto, AlphaHandling alpha = AlphaHandling.Composite,
        (byte R, byte G, byte B)? background = null, bool skipBadImages = false)
    {
        var bg = background ?? (255, 255, 255);
        return new(new ImageLoadingTransformer(new(outputColumnName, inputColumnName, imageFolder, colorMode, alpha, bg.R, bg.G, bg.B, skipBadImages)));
    }

    /// <summary>Resizes images (bilinear) to <paramref name="imageHeight"/> x <paramref name="imageWidth"/>: stretched
    /// (<see cref="ResizingKind.Fill"/>), letterboxed (<see cref="ResizingKind.IsoPad"/>) or centre-cropped (<see cref="ResizingKind.IsoCrop"/>).</summary>
    public TrivialEstimator<ImageResizingTransformer> ResizeImages(string outputColumnName, int imageWidth, int imageHeight,
        string? inputColumnName = null, ResizingKind resizing = ResizingKind.Fill, byte padValue = 0) =>
        new(new ImageResizingTransformer(new(outputColumnName, inputColumnName ?? outputColumnName, imageHeight, imageWidth, resizing, padValue)));

    /// <summary>Converts images to one luma channel.</summary>
    public TrivialEstimator<ImageGrayscalingTransformer> ConvertToGrayscale(string outputColumnName, string? inputColumnName = null) =>
        new(new ImageGrayscalingTransformer(new(outputColumnName, inputColumnName ?? outputColumnName)));

    /// <summary>Fixed-size images to float <c>[C, H, W]</c> vectors: sample × <paramref name="scaleImage"/> + <paramref name="offsetImage"/>
    /// (samples 0–255); <paramref name="channels"/> 1/3/4 forces a channel count (0: the image type's).</summary>
    public TrivialEstimator<PixelExtractingTransformer> ExtractPixels(string outputColumnName, string? inputColumnName = null,
        float scaleImage = 1f, float offsetImage = 0f, int channels = 0) =>
        new(new PixelExtractingTransformer(new(outputColumnName, inputColumnName ?? outputColumnName, scaleImage, offsetImage, channels)));

    /// <summary>
    /// Images (or <c>[C, H, W]</c> vectors of raw values up to <paramref name="inputMaximum"/>) to normalized float <c>[C, H, W]</c>:
    /// [0, 1], [−1, 1], or per-channel (x − mean) / std with x in [0, 1] — <paramref name="mean"/>/<paramref name="std"/> given, or learned by Fit.
    /// </summary>
    public NormalizePixelsEstimator NormalizePixels(string outputColumnName, string? inputColumn = null, PixelRange range = PixelRange.ZeroToOne,
        float[]? mean = null, float[]? std = null, float inputMaximum = 255f) =>
        new(new(outputColumnName, inputColumn ?? outputColumnName, range, inputMaximum, mean, std));

    /// <summary>Training-only random left–right flips of <paramref name="columnName"/> (images or <c>[C, H, W]</c> vectors);
    /// no seed: the context's next seed.</summary>
    public RandomHorizontalFlipEstimator RandomHorizontalFlip(string columnName, double probability = 0.5, int? seed = null) =>
        new(new(columnName, probability, seed ?? Context.NextSeed()));
}
