using ML.Generative.Pipeline;

namespace ML.Generative.Data.Transforms;

/// <summary>How an image is brought to the target size.</summary>
public enum ResizingKind
{
    /// <summary>Stretch to exactly the target size (aspect ratio not kept).</summary>
    Fill,
    /// <summary>Keep the aspect ratio, fit inside the target, pad the rest with the pad colour (letterbox).</summary>
    IsoPad,
    /// <summary>Keep the aspect ratio, cover the target, crop the centre.</summary>
    IsoCrop,
}

/// <summary>
/// Resizes images with bilinear interpolation (pixel centres at +0.5, no antialiasing — the convention of
/// PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c>), keeping channels and bit depth.
/// </summary>
public sealed class ImageResizingTransformer : RowToRowTransformer
{
    internal const string Kind = "ResizeImages";

    /// <summary>The saved options.</summary>
    public sealed record Options(string OutputColumn, string InputColumn, int Height, int Width, ResizingKind Resizing, byte PadValue);

    internal ImageResizingTransformer(Options options)
    {
        if (options.Height <= 0 || options.Width <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"target size {options.Height}x{options.Width} must be positive");
        Settings = options;
    }

    /// <summary>The options.</summary>
    public Options Settings { get; }

    private protected override IReadOnlyList<MappedColumn> Map(DataViewSchema input)
    {
        var c = SchemaShape.Create(input).Require(Settings.InputColumn, IsImage, "Image");
        return new[] { new MappedColumn(Settings.OutputColumn, ((ImageDataViewType)c.Type).WithSize(Settings.Height, Settings.Width), new[] { Settings.InputColumn },
            Compute<ImageData, ImageData>(Settings.InputColumn, img => Resize(img, Settings.Height, Settings.Width, Settings.Resizing, Settings.PadValue))) };
    }

    /// <inheritdoc/>
    public override void Save(ModelSaveContext context) => context.SetKind(Kind).SetOptions(Settings);

    internal static ImageResizingTransformer Load(ModelLoadContext context) => new(context.GetOptions<Options>());

    /// <summary><paramref name="img"/> resized to <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static ImageData Resize(ImageData img, int height, int width, ResizingKind kind = ResizingKind.Fill, byte padValue = 0)
    {
        if (img.Height == height && img.Width == width) return img;
        // The region of the target the scaled image covers (pad) or the region of the source kept (crop).
        double sy = (double)height / img.Height, sx = (double)width / img.Width;
        int dh = height, dw = width, oy = 0, ox = 0;
        double cy0 = 0, cx0 = 0, ch = img.Height, cw = img.Width;
        if (kind == ResizingKind.IsoPad)
        {
            var s = Math.Min(sy, sx);
            dh = Math.Max(1, (int)Math.Round(img.Height * s));
            dw = Math.Max(1, (int)Math.Round(img.Width * s));
            (oy, ox) = ((height - dh) / 2, (width - dw) / 2);
        }
        else if (kind == ResizingKind.IsoCrop)
        {
            var s = Math.Max(sy, sx);
            (ch, cw) = (height / s, width / s);
            (cy0, cx0) = ((img.Height - ch) / 2, (img.Width - cw) / 2);
        }
        var c = img.Channels;
        var pad = padValue * img.MaxValue / 255f;
        var output = new float[height * width * c];
        if (kind == ResizingKind.IsoPad) Array.Fill(output, pad);
        for (var y = 0; y < dh; y++)
        {
            var fy = Math.Clamp(cy0 + (y + 0.5) * ch / dh - 0.5, 0, img.Height - 1);
            var y0 = (int)fy;
            var y1 = Math.Min(y0 + 1, img.Height - 1);
            var wy = (float)(fy - y0);
            for (var x = 0; x < dw; x++)
            {
                var fx = Math.Clamp(cx0 + (x + 0.5) * cw / dw - 0.5, 0, img.Width - 1);
                var x0 = (int)fx;
                var x1 = Math.Min(x0 + 1, img.Width - 1);
                var wx = (float)(fx - x0);
                var d = ((y + oy) * width + x + ox) * c;
                for (var k = 0; k < c; k++)
                {
                    float p00 = img.Sample((y0 * img.Width + x0) * c + k), p01 = img.Sample((y0 * img.Width + x1) * c + k);
                    float p10 = img.Sample((y1 * img.Width + x0) * c + k), p11 = img.Sample((y1 * img.Width + x1) * c + k);
                    output[d + k] = (p00 * (1 - wx) + p01 * wx) * (1 - wy) + (p10 * (1 - wx) + p11 * wx) * wy;
                }
            }
        }
        return ImageData.FromFloats(width, height, c, output, img.BitDepth, img.Source);
    }
}

/// <summary>Converts images to one luma channel (ITU-R BT.601 weights; alpha composited on white).</summary>
public sealed class ImageGrayscalingTransformer : RowToRowTransformer
{
    internal const string Kind = "ConvertToGrayscale";

    /// <summary>The saved options.</summary>
    public sealed record Options(string OutputColumn, string InputColumn);

    internal ImageGrayscalingTransformer(Options options) => Settings = options;

    /// <summary>The options.</summary>
    public Options Settings { get; }

    private protected override IReadOnlyList<MappedColumn> Map(DataViewSchema input)
    {
        var c = SchemaShape.Create(input).Require(Settings.InputColumn, IsImage, "Image");
        return new[] { new MappedColumn(Settings.OutputColumn, ((ImageDataViewType)c.Type).WithChannels(1), new[] { Settings.InputColumn },
            Compute<ImageData, ImageData>(Settings.InputColumn, ImageConversions.ToGray)) };
    }

    /// <inheritdoc/>
    public override void Save(ModelSaveContext context) => context.SetKind(Kind).SetOptions(Settings);

    internal static ImageGrayscalingTransformer Load(ModelLoadContext context) => new(context.GetOptions<Options>());
}
