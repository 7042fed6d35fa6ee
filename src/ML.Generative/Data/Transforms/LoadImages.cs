using System.Collections.Concurrent;
using ML.Generative.Pipeline;

namespace ML.Generative.Data.Transforms;

/// <summary>The images that were skipped because they could not be decoded (when skipping was asked for).</summary>
public sealed class BadImageReport
{
    private readonly ConcurrentQueue<(string Path, string Reason)> skipped = new();
    private int count;

    /// <summary>How many rows were skipped so far (counting every pass over the data).</summary>
    public int SkippedCount => count;

    /// <summary>The first 1,000 skipped files and the decoder's reasons.</summary>
    public IReadOnlyList<(string Path, string Reason)> Skipped => skipped.ToArray();

    internal void Add(string path, string reason)
    {
        if (Interlocked.Increment(ref count) <= 1000) skipped.Enqueue((path, reason));
    }
}

/// <summary>
/// Decodes the image file named in a text column (relative paths resolved against <c>ImageFolder</c>).
/// A file that cannot be decoded is an error naming it and the decoder's reason, or — with
/// <c>SkipBadImages</c> — its row is left out and counted in <see cref="Report"/>.
/// </summary>
public sealed class ImageLoadingTransformer : ITransformer
{
    internal const string Kind = "LoadImages";

    /// <summary>The saved options.</summary>
    public sealed record Options(string OutputColumn, string InputColumn, string? ImageFolder = null,
        ImageColorMode ColorMode = ImageColorMode.Auto, AlphaHandling Alpha = AlphaHandling.Composite,
        byte BackgroundR = 255, byte BackgroundG = 255, byte BackgroundB = 255, bool SkipBadImages = false);

    internal ImageLoadingTransformer(Options options, BadImageReport? report = null) => (Settings, Report) = (options, report ?? new BadImageReport());

    /// <summary>The options.</summary>
    public Options Settings { get; }

    /// <summary>The rows skipped for bad files (empty unless <c>SkipBadImages</c>).</summary>
    public BadImageReport Report { get; }

    internal ImageDecodeOptions DecodeOptions => new()
    {
        ColorMode = Settings.ColorMode, Alpha = Settings.Alpha, Background = (Settings.BackgroundR, Settings.BackgroundG, Settings.BackgroundB),
    };

    internal ImageDataViewType OutputType => new(0, 0, Settings.ColorMode switch
    {
        ImageColorMode.Gray => 1, ImageColorMode.Rgb => 3, ImageColorMode.Rgba => 4, _ => 0,
    });

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        SchemaShape.Create(inputSchema).Require(Settings.InputColumn, t => t is TextDataViewType, "Text (an image path)");
        return MappedDataView.OutputSchema(inputSchema, new[] { (Settings.OutputColumn, (DataViewType)OutputType) });
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        GetOutputSchema(input.Schema);
        var decoding = new MappedColumn(Settings.OutputColumn, OutputType, new[] { Settings.InputColumn }, cursor =>
        {
            var get = cursor.GetGetter<string>(cursor.Schema[Settings.InputColumn]);
            return (ValueGetter<ImageData>)((ref ImageData value) =>
            {
                string path = null!;
                get(ref path);
                value = ImageCodec.Load(Resolve(path), DecodeOptions);
            });
        });
        var mapped = new MappedDataView(input, new[] { decoding });
        if (!Settings.SkipBadImages) return mapped;
        // Skipping needs a decode before a row is shown: try it in the filter, so the getter never throws.
        return new FilterDataView(mapped, new[] { Settings.InputColumn }, cursor =>
        {
            var get = cursor.GetGetter<string>(cursor.Schema[Settings.InputColumn]);
            return () =>
            {
                string path = null!;
                get(ref path);
                var full = Resolve(path);
                try
                {
                    ImageCodec.Decode(File.ReadAllBytes(full), full, DecodeOptions);
                    return true;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Report.Add(full, e is ImageDecodeException d ? d.Reason : e.Message);
                    return false;
                }
            };
        });
    }

    private string Resolve(string path) => Settings.ImageFolder == null || Path.IsPathRooted(path) ? path : Path.Combine(Settings.ImageFolder, path);

    /// <inheritdoc/>
    public void Save(ModelSaveContext context) => context.SetKind(Kind).SetOptions(Settings);

    internal static ImageLoadingTransformer Load(ModelLoadContext context) => new(context.GetOptions<Options>());
}
