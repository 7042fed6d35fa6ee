using ML.Generative.Fid.Npz;
using ML.Generative.Pipeline;

namespace ML.Generative.Fid;

/// <summary>
/// A pipeline stage carrying real-data FID reference statistics (mean, covariance, sample count) and the feature
/// network they were computed with, fitted once by <c>ctx.Transforms.ComputeFidStatistics</c> and saved in the model
/// zip. It passes rows through unchanged; <c>ctx.Evaluate.Fid(model, …)</c> scores generated images against it, so
/// the real images need not be read again.
/// </summary>
public sealed class FidStatisticsTransformer : ITransformer
{
    /// <summary>The component kind in model zips (part of the format: never renamed).</summary>
    public const string Kind = "mlgen.fid.statistics";

    // Stage layout in the model zip: options {imageColumn, network: {name, dimension, sha256}} and the entry
    // "statistics.npz" in pytorch-fid's .npz layout (mu [d] and sigma [d, d] float64, n int64), read with the
    // hardened npz reader and checked against the options' dimension.
    private const string StatisticsEntry = "statistics.npz";

    /// <summary>The saved options.</summary>
    public sealed record Options(string ImageColumn, FeatureNetworkInfo Network);

    internal FidStatisticsTransformer(Options options, FidStatistics statistics)
    {
        if (statistics.Dimension != options.Network.Dimension)
            throw new ArgumentException($"the statistics have {statistics.Dimension} dimensions but {options.Network} gives {options.Network.Dimension}");
        Settings = options;
        Statistics = statistics;
    }

    /// <summary>The image column the statistics were computed from, and the network.</summary>
    public Options Settings { get; }

    /// <summary>The reference statistics (with their sample count).</summary>
    public FidStatistics Statistics { get; }

    /// <summary>The network the statistics came from.</summary>
    public FeatureNetworkInfo FeatureNetwork => Settings.Network;

    /// <summary>The statistics as a feature set, to pass to <c>ctx.Evaluate.Fid</c>.</summary>
    public FeatureSet Reference => FeatureSet.FromStatistics(Statistics, Settings.Network);

    /// <summary>The input schema: the stage adds no column.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;

    /// <summary>The input, unchanged.</summary>
    public IDataView Transform(IDataView input) => input;

    /// <summary>The statistics stage of <paramref name="model"/> (a chain or the stage itself).</summary>
    /// <exception cref="ArgumentException">The model carries no FID reference statistics.</exception>
    public static FidStatisticsTransformer FromModel(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var stages = model is IEnumerable<ITransformer> chain ? chain : new[] { model };
        return stages.OfType<FidStatisticsTransformer>().LastOrDefault()
            ?? throw new ArgumentException("the model carries no FID reference statistics; fit them into the pipeline with ctx.Transforms.ComputeFidStatistics(...)");
    }

    /// <inheritdoc/>
    public void Save(ModelSaveContext context)
    {
        context.SetKind(Kind).SetOptions(Settings);
        context.AddEntry(StatisticsEntry, s => FidStatisticsFile.Save(s, Statistics, compress: false));
    }

    internal static FidStatisticsTransformer Load(ModelLoadContext context)
    {
        var options = context.GetOptions<Options>();
        var where = $"stage {context.StageIndex} ({Kind})";
        if (string.IsNullOrEmpty(options.ImageColumn) || options.Network is not { Name.Length: > 0, Sha256.Length: > 0, Dimension: > 0 })
            throw new InvalidDataException($"{where}: the options must name the image column and the feature network (name, dimension, sha256)");
        // The entry is untrusted: a d x d float64 covariance needs 8·d² bytes, so bound the reader by the dimension.
        var d = (long)options.Network.Dimension;
        var limits = new NpzReadOptions { MaxArrayBytes = Math.Max(8 * d * d, 1024), MaxEntries = 8 };
        FidStatistics statistics;
        try
        {
            statistics = FidStatisticsFile.Load(context.OpenEntry(StatisticsEntry), limits, $"{where} entry '{StatisticsEntry}'");
        }
        catch (NpzFormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
        if (statistics.Dimension != options.Network.Dimension)
            throw new InvalidDataException($"{where}: the statistics have {statistics.Dimension} dimensions but the options say {options.Network.Dimension}");
        return new FidStatisticsTransformer(options, statistics);
    }
}
