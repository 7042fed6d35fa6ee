using System.Runtime.InteropServices;
using ML.Generative.Pipeline;
using TorchSharp;

namespace ML.Generative.Data.Transforms;

/// <summary>The range pixels are normalized to.</summary>
public enum PixelRange
{
    /// <summary>x = sample / max, in [0, 1] (for sigmoid outputs and binary cross-entropy).</summary>
    ZeroToOne,
    /// <summary>x = 2 · sample / max − 1, in [−1, 1] (for tanh outputs, GANs, FID's Inception).</summary>
    MinusOneToOne,
    /// <summary>x = (sample / max − mean[c]) / std[c], per channel; mean and std given or learned by Fit.</summary>
    MeanStd,
}

/// <summary>
/// Normalizes images (or <c>[C, H, W]</c> float vectors of raw pixel values) into a float <c>[C, H, W]</c>
/// vector. The inverse (<see cref="Inverse(ReadOnlySpan{float})"/>, <see cref="Inverse(torch.Tensor)"/>,
/// <see cref="ToImage"/>) turns model outputs back into [0, 1] values and images.
/// </summary>
public sealed class NormalizePixelsTransformer : RowToRowTransformer
{
    internal const string Kind = "NormalizePixels";

    /// <summary>The saved options. <c>InputMaximum</c> is the largest raw value of a vector input (images use their bit depth).</summary>
    public sealed record Options(string OutputColumn, string InputColumn, PixelRange Range, float InputMaximum = 255f,
        float[]? Mean = null, float[]? Std = null);

    internal NormalizePixelsTransformer(Options options)
    {
        if (options.Range == PixelRange.MeanStd && (options.Mean is null || options.Std is null || options.Mean.Length != options.Std.Length || options.Std.Any(s => !(s > 0))))
            throw new ArgumentException("mean/std normalization needs one mean and one positive std per channel");
        if (!(options.InputMaximum > 0)) throw new ArgumentOutOfRangeException(nameof(options), "the input maximum must be positive");
        Settings = options;
    }

    /// <summary>The options (with the fitted mean and std for <see cref="PixelRange.MeanStd"/>).</summary>
    public Options Settings { get; }

    /// <summary>Per channel c, normalized = raw01 × A[c] + B[c].</summary>
    private (float A, float B) Affine(int c) => Settings.Range switch
    {
        PixelRange.ZeroToOne => (1f, 0f),
        PixelRange.MinusOneToOne => (2f, -1f),
        _ => (1f / Settings.Std![c], -Settings.Mean![c] / Settings.Std![c]),
    };

    private protected override IReadOnlyList<MappedColumn> Map(DataViewSchema input)
    {
        var col = SchemaShape.Create(input).Require(Settings.InputColumn, t => t is ImageDataViewType { IsKnownSize: true } || IsImageVector(t),
            "Image of a known size or Vector<Single, C, H, W>");
        var (type, c, h, w) = col.Type is ImageDataViewType it
            ? PixelExtractingTransformer.OutputType(Settings.InputColumn, it, 0)
            : ((VectorDataViewType)col.Type, ((VectorDataViewType)col.Type).Dimensions[0], ((VectorDataViewType)col.Type).Dimensions[1], ((VectorDataViewType)col.Type).Dimensions[2]);
        if (Settings.Range == PixelRange.MeanStd && Settings.Mean!.Length != c)
            throw new SchemaMismatchException(Settings.InputColumn, $"{Settings.Mean.Length} channels (the mean/std given)", type.ToString());
        var isImage = col.Type is ImageDataViewType;
        return new[] { new MappedColumn(Settings.OutputColumn, type, new[] { Settings.InputColumn }, cursor =>
        {
            var inCol = cursor.Schema[Settings.InputColumn];
            if (isImage)
            {
                var get = cursor.GetGetter<ImageData>(inCol);
                return (ValueGetter<float[]>)((ref float[] value) =>
                {
                    ImageData img = null!;
                    get(ref img);
                    if (value is null || value.Length != c * h * w) value = new float[c * h * w];
                    PixelExtractingTransformer.Extract(img, value, c, h, w, 1f / img.MaxValue, 0f);
                    Apply(value, c, 1f);
                });
            }
            var getVector = cursor.GetGetter<float[]>(inCol);
            return (ValueGetter<float[]>)((ref float[] value) =>
            {
                getVector(ref value);
                Apply(value, c, 1f / Settings.InputMaximum);
            });
        }) };
    }

    private void Apply(Span<float> chw, int channels, float toUnit)
    {
        var plane = chw.Length / channels;
        for (var ch = 0; ch < channels; ch++)
        {
            var (a, b) = Affine(ch);
            a *= toUnit;
            foreach (ref var v in chw.Slice(ch * plane, plane)) v = v * a + b;
        }
    }

    /// <summary>Normalized <c>[C, H, W]</c> values back to [0, 1] (clamped).</summary>
    public float[] Inverse(ReadOnlySpan<float> normalized)
    {
        var channels = Settings.Mean?.Length ?? 1;
        var plane = normalized.Length / channels;
        var result = new float[normalized.Length];
        for (var ch = 0; ch < channels; ch++)
        {
            var (a, b) = Affine(ch);
            for (var i = ch * plane; i < (ch + 1) * plane; i++) result[i] = Math.Clamp((normalized[i] - b) / a, 0f, 1f);
        }
        return result;
    }

    /// <summary>A normalized batch <c>[B, C, H, W]</c> (or one <c>[C, H, W]</c>) back to [0, 1] (clamped), as a new tensor.</summary>
    public torch.Tensor Inverse(torch.Tensor normalized)
    {
        using var scope = torch.NewDisposeScope();
        var c = Settings.Mean?.Length ?? 1;
        var shape = normalized.dim() == 4 ? new long[] { 1, c, 1, 1 } : new long[] { c, 1, 1 };
        var a = torch.tensor(Enumerable.Range(0, c).Select(i => Affine(i).A).ToArray(), shape);
        var b = torch.tensor(Enumerable.Range(0, c).Select(i => Affine(i).B).ToArray(), shape);
        return ((normalized - b) / a).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>An 8-bit image from normalized <c>[C, H, W]</c> values.</summary>
    public ImageData ToImage(ReadOnlySpan<float> normalized, int channels, int height, int width) =>
        ImageGrid.FromChw(Inverse(normalized), channels, height, width);

    /// <inheritdoc/>
    public override void Save(ModelSaveContext context)
    {
        // The fitted statistics go into their own entry (float32 little-endian: mean then std), not the options.
        context.SetKind(Kind).SetOptions(Settings with { Mean = null, Std = null });
        if (Settings.Mean is not null)
            context.AddEntry("statistics", MemoryMarshal.AsBytes(Settings.Mean.Concat(Settings.Std!).ToArray().AsSpan()).ToArray());
    }

    internal static NormalizePixelsTransformer Load(ModelLoadContext context)
    {
        var o = context.GetOptions<Options>();
        if (context.HasEntry("statistics"))
        {
            var stats = MemoryMarshal.Cast<byte, float>(context.ReadEntry("statistics")).ToArray();
            if (stats.Length == 0 || stats.Length % 2 != 0 || stats.Length > 8)
                throw new InvalidDataException($"stage {context.StageIndex} ({Kind}): the statistics entry holds {stats.Length} floats, not 2 per channel");
            o = o with { Mean = stats[..(stats.Length / 2)], Std = stats[(stats.Length / 2)..] };
        }
        return new NormalizePixelsTransformer(o);
    }
}

/// <summary>Fits <see cref="NormalizePixelsTransformer"/>: for <see cref="PixelRange.MeanStd"/> without given statistics,
/// one pass over the data computes each channel's mean and standard deviation (of values in [0, 1]).</summary>
public sealed class NormalizePixelsEstimator : IEstimator<NormalizePixelsTransformer>
{
    private readonly NormalizePixelsTransformer.Options options;

    internal NormalizePixelsEstimator(NormalizePixelsTransformer.Options options) => this.options = options;

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => SchemaShape.Create(Probe().GetOutputSchema(inputSchema.ToSchema()));

    // A transformer with placeholder statistics, for schema checks before fitting.
    private NormalizePixelsTransformer Probe() =>
        options.Range == PixelRange.MeanStd && options.Mean is null ? new(options with { Range = PixelRange.ZeroToOne }) : new(options);

    /// <inheritdoc/>
    public NormalizePixelsTransformer Fit(IDataView input)
    {
        Probe().GetOutputSchema(input.Schema);
        if (options.Range != PixelRange.MeanStd || options.Mean is not null) return new NormalizePixelsTransformer(options);
        // Values in [0, 1] first, then sums per channel in double (millions of pixels).
        var unit = new NormalizePixelsTransformer(options with { Range = PixelRange.ZeroToOne, OutputColumn = "__unit" }).Transform(input);
        var col = unit.Schema["__unit"];
        var c = ((VectorDataViewType)col.Type).Dimensions[0];
        var (sum, sq) = (new double[c], new double[c]);
        long perChannel = 0;
        using (var cursor = unit.GetRowCursor(new[] { col }))
        {
            var get = cursor.GetGetter<float[]>(col);
            float[] v = null!;
            while (cursor.MoveNext())
            {
                get(ref v);
                var plane = v.Length / c;
                for (var ch = 0; ch < c; ch++)
                    for (var i = ch * plane; i < (ch + 1) * plane; i++) { sum[ch] += v[i]; sq[ch] += (double)v[i] * v[i]; }
                perChannel += plane;
            }
        }
        if (perChannel == 0) throw new InvalidOperationException("cannot fit pixel mean/std on an empty data view");
        var mean = sum.Select(s => (float)(s / perChannel)).ToArray();
        var std = sq.Select((s, i) => (float)Math.Sqrt(Math.Max(s / perChannel - (double)mean[i] * mean[i], 1e-12))).ToArray();
        return new NormalizePixelsTransformer(options with { Mean = mean, Std = std });
    }
}
