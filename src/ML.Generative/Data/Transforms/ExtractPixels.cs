using ML.Generative.Pipeline;

namespace ML.Generative.Data.Transforms;

/// <summary>
/// Turns fixed-size images into float vectors shaped <c>[C, H, W]</c> (channel planes, rows top to bottom):
/// value = sample × <c>Scale</c> + <c>Offset</c>, where samples run 0–255 (0–65535 for 16-bit images).
/// The channel count is the image type's, or <c>Channels</c> when set (gray is repeated into RGB, RGB becomes luma).
/// </summary>
public sealed class PixelExtractingTransformer : RowToRowTransformer
{
    internal const string Kind = "ExtractPixels";

    /// <summary>The saved options.</summary>
    public sealed record Options(string OutputColumn, string InputColumn, float Scale = 1f, float Offset = 0f, int Channels = 0);

    internal PixelExtractingTransformer(Options options)
    {
        if (options.Channels is not (0 or 1 or 3 or 4)) throw new ArgumentOutOfRangeException(nameof(options), "channels is 1, 3, 4 or 0 (the image type's)");
        Settings = options;
    }

    /// <summary>The options.</summary>
    public Options Settings { get; }

    private protected override IReadOnlyList<MappedColumn> Map(DataViewSchema input)
    {
        var col = SchemaShape.Create(input).Require(Settings.InputColumn, t => t is ImageDataViewType { IsKnownSize: true },
            "Image of a known size (resize it first)");
        var (type, c, h, w) = OutputType(Settings.InputColumn, (ImageDataViewType)col.Type, Settings.Channels);
        return new[] { new MappedColumn(Settings.OutputColumn, type, new[] { Settings.InputColumn }, cursor =>
        {
            var get = cursor.GetGetter<ImageData>(cursor.Schema[Settings.InputColumn]);
            return (ValueGetter<float[]>)((ref float[] value) =>
            {
                ImageData img = null!;
                get(ref img);
                if (value is null || value.Length != c * h * w) value = new float[c * h * w];
                Extract(img, value, c, h, w, Settings.Scale, Settings.Offset);
            });
        }) };
    }

    internal static (VectorDataViewType Type, int C, int H, int W) OutputType(string column, ImageDataViewType t, int channels)
    {
        var c = channels > 0 ? channels : t.Channels;
        if (c == 0) throw new SchemaMismatchException(column, "Image with a known channel count (or pass channels)", t.ToString(),
            $"column '{column}' holds images whose channel count varies ({t}); decode with a fixed color mode or give the channel count to extract");
        return (new VectorDataViewType(NumberDataViewType.Single, c, t.Height, t.Width), c, t.Height, t.Width);
    }

    /// <summary>Writes <paramref name="img"/> as <c>[C, H, W]</c> floats into <paramref name="destination"/>.</summary>
    internal static void Extract(ImageData img, Span<float> destination, int c, int h, int w, float scale, float offset)
    {
        if (img.Height != h || img.Width != w)
            throw new InvalidDataException($"{img.Source ?? "an image"} is {img.Height}x{img.Width}, the column holds {h}x{w} images");
        if (c == 1 && img.Channels != 1) img = ImageConversions.ToGray(img);
        var plane = h * w;
        var src = img.Channels;
        for (var ch = 0; ch < c; ch++)
        {
            // Gray repeats into every colour channel; a missing alpha is opaque.
            var from = src == 1 ? 0 : ch;
            var opaque = ch >= src;
            for (var i = 0; i < plane; i++)
                destination[ch * plane + i] = (opaque && ch == 3 ? img.MaxValue : img.Sample(i * src + from)) * scale + offset;
        }
    }

    /// <inheritdoc/>
    public override void Save(ModelSaveContext context) => context.SetKind(Kind).SetOptions(Settings);

    internal static PixelExtractingTransformer Load(ModelLoadContext context) => new(context.GetOptions<Options>());
}
