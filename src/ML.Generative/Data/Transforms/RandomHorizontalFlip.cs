using ML.Generative.Pipeline;

namespace ML.Generative.Data.Transforms;

/// <summary>
/// Training-only augmentation: while a chain is fitted, the stages after this one see each image (or
/// <c>[C, H, W]</c> vector) mirrored left–right with probability <c>Probability</c>, seeded — each pass over the
/// data (each cursor) draws new flips from the seed's sequence. The fitted transformer passes rows through
/// unchanged, so scoring and saved models never flip.
/// </summary>
public sealed class RandomHorizontalFlipEstimator : IEstimator<RandomHorizontalFlipTransformer>, ITrainingOnlyEstimator
{
    private readonly RandomHorizontalFlipTransformer.Options options;
    private int passes;

    internal RandomHorizontalFlipEstimator(RandomHorizontalFlipTransformer.Options options)
    {
        if (options.Probability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), "the flip probability is in [0, 1]");
        this.options = options;
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Check(inputSchema);
        return inputSchema;
    }

    private DataViewType Check(SchemaShape shape) =>
        shape.Require(options.Column, t => t is ImageDataViewType || (t is VectorDataViewType { IsKnownSize: true, Dimensions.Count: 3 } v && v.ItemType.Equals(NumberDataViewType.Single)),
            "Image or Vector<Single, C, H, W>").Type;

    /// <inheritdoc/>
    public RandomHorizontalFlipTransformer Fit(IDataView input)
    {
        Check(SchemaShape.Create(input.Schema));
        return new RandomHorizontalFlipTransformer(options);
    }

    /// <inheritdoc/>
    public IDataView TransformForTraining(IDataView input)
    {
        var type = Check(SchemaShape.Create(input.Schema));
        var column = new MappedColumn(options.Column, type, new[] { options.Column }, cursor =>
        {
            var rand = new Random(HashCode.Combine(options.Seed, Interlocked.Increment(ref passes)));
            var col = cursor.Schema[options.Column];
            if (type is ImageDataViewType)
            {
                var get = cursor.GetGetter<ImageData>(col);
                return (ValueGetter<ImageData>)((ref ImageData v) => { get(ref v); if (rand.NextDouble() < options.Probability) v = Flip(v); });
            }
            var dims = ((VectorDataViewType)type).Dimensions;
            var getVector = cursor.GetGetter<float[]>(col);
            return (ValueGetter<float[]>)((ref float[] v) =>
            {
                getVector(ref v);
                if (rand.NextDouble() < options.Probability)
                    for (var r = 0; r < dims[0] * dims[1]; r++) v.AsSpan(r * dims[2], dims[2]).Reverse();
            });
        });
        return new MappedDataView(input, new[] { column });
    }

    /// <summary><paramref name="img"/> mirrored left–right.</summary>
    public static ImageData Flip(ImageData img)
    {
        var c = img.Channels;
        var v = new float[img.Width * img.Height * c];
        for (var y = 0; y < img.Height; y++)
            for (var x = 0; x < img.Width; x++)
                for (var k = 0; k < c; k++)
                    v[(y * img.Width + x) * c + k] = img.Sample((y * img.Width + img.Width - 1 - x) * c + k);
        return ImageData.FromFloats(img.Width, img.Height, c, v, img.BitDepth, img.Source);
    }
}

/// <summary>The fitted random flip: passes rows through (flips happen only while fitting, see <see cref="RandomHorizontalFlipEstimator"/>).</summary>
public sealed class RandomHorizontalFlipTransformer : ITransformer
{
    internal const string Kind = "RandomHorizontalFlip";

    /// <summary>The saved options.</summary>
    public sealed record Options(string Column, double Probability = 0.5, int Seed = 0);

    internal RandomHorizontalFlipTransformer(Options options) => Settings = options;

    /// <summary>The options.</summary>
    public Options Settings { get; }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        _ = inputSchema[Settings.Column];
        return inputSchema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input) => input;

    /// <inheritdoc/>
    public void Save(ModelSaveContext context) => context.SetKind(Kind).SetOptions(Settings);

    internal static RandomHorizontalFlipTransformer Load(ModelLoadContext context) => new(context.GetOptions<Options>());
}
