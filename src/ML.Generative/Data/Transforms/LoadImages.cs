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
        return Settings.SkipBadImages ? new SkippingImageView(input, this) : new MappedDataView(input, new[] { decoding });
    }

    internal string Resolve(string path) => Settings.ImageFolder is null || Path.IsPathRooted(path) ? path : Path.Combine(Settings.ImageFolder, path);

    /// <inheritdoc/>
    public void Save(ModelSaveContext context) => context.SetKind(Kind).SetOptions(Settings);

    internal static ImageLoadingTransformer Load(ModelLoadContext context) => new(context.GetOptions<Options>());
}

/// <summary>
/// The view of <see cref="ImageLoadingTransformer"/> when bad files are skipped: each row's file is decoded once,
/// when the cursor moves onto it; a row whose file fails is passed over and counted in the report.
/// </summary>
internal sealed class SkippingImageView : IDataView
{
    private readonly IDataView source;
    private readonly ImageLoadingTransformer loader;

    internal SkippingImageView(IDataView source, ImageLoadingTransformer loader)
    {
        (this.source, this.loader) = (source, loader);
        Schema = loader.GetOutputSchema(source.Schema);
    }

    public DataViewSchema Schema { get; }
    public long? GetRowCount() => null;
    public bool CanShuffle => source.CanShuffle;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var output = loader.Settings.OutputColumn;
        var needed = columnsNeeded.ToList();
        var sourceColumns = needed.Where(c => c.Name != output).Select(c => c.Name).Append(loader.Settings.InputColumn)
            .Distinct().Select(n => source.Schema[n]).ToArray();
        return new Cursor(this, source.GetRowCursor(sourceColumns, rand), needed.Select(c => c.Index).ToHashSet());
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly SkippingImageView view;
        private readonly DataViewRowCursor input;
        private readonly HashSet<int> active;
        private readonly ValueGetter<string> path;
        private readonly ImageDecodeOptions decode;
        private ImageData? current;
        private long position = -1;

        public Cursor(SkippingImageView view, DataViewRowCursor input, HashSet<int> active)
        {
            (this.view, this.input, this.active) = (view, input, active);
            path = input.GetGetter<string>(input.Schema[view.loader.Settings.InputColumn]);
            decode = view.loader.DecodeOptions;
        }

        public override DataViewSchema Schema => view.Schema;
        public override long Position => position;
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext()
        {
            while (input.MoveNext())
            {
                string p = null!;
                path(ref p);
                var full = view.loader.Resolve(p);
                try
                {
                    current = ImageCodec.Load(full, decode);
                    position++;
                    return true;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    view.loader.Report.Add(full, e is ImageDecodeException d ? d.Reason : e.Message);
                }
            }
            current = null;
            return false;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            CheckActive(column);
            if (column.Name != view.loader.Settings.OutputColumn) return input.GetGetter<TValue>(input.Schema[column.Name]);
            return CastGetter<TValue>((ValueGetter<ImageData>)((ref ImageData v) =>
                v = current ?? throw new InvalidOperationException("the cursor is not on a row (call MoveNext first)")), column);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) input.Dispose();
        }
    }
}
