using ML.Generative.Fid.Metrics;
using TorchSharp;

namespace ML.Generative.Fid;

/// <summary>
/// The features of one set of images: their FID statistics (always), and, when asked for, every feature vector
/// (for KID, precision/recall) and the class logits (for the Inception Score). Made by
/// <c>ctx.Evaluate.ExtractFeatures</c>; pass it to <c>ctx.Evaluate.Fid</c> to score several generated sets against
/// real features extracted once.
/// </summary>
public sealed class FeatureSet
{
    internal FeatureSet(FeatureNetworkInfo network, FidStatistics statistics, FeatureMatrix? rows, FeatureMatrix? logits)
        => (Network, Statistics, Rows, Logits) = (network, statistics, rows, logits);

    /// <summary>The network the features came from.</summary>
    public FeatureNetworkInfo Network { get; }

    /// <summary>Mean and covariance (ddof = 1) of the features.</summary>
    public FidStatistics Statistics { get; }

    /// <summary>Every feature vector, when kept; null otherwise.</summary>
    public FeatureMatrix? Rows { get; }

    /// <summary>Class logits, when kept; null otherwise.</summary>
    public FeatureMatrix? Logits { get; }

    /// <summary>The number of images (0 when statistics were loaded from a file that does not say).</summary>
    public long Count => Statistics.Count ?? 0;

    /// <summary>Precomputed statistics (e.g. a pytorch-fid <c>.npz</c>) treated as a feature set of <paramref name="network"/>.</summary>
    public static FeatureSet FromStatistics(FidStatistics statistics, FeatureNetworkInfo network)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(network);
        if (statistics.Dimension != network.Dimension)
            throw new ArgumentException($"the statistics have {statistics.Dimension} dimensions but {network.Name} gives {network.Dimension}", nameof(statistics));
        return new FeatureSet(network, statistics, null, null);
    }

    /// <summary>Accumulates batches of images into statistics (and rows/logits when asked); memory stays bounded unless rows are kept.</summary>
    internal sealed class Builder(FidFeatures features, bool keepRows, bool keepLogits)
    {
        private readonly FeatureStatistics statistics = new(features.Dimension);
        private readonly List<float> rows = new(), logits = new();
        private int logitColumns;

        public long Count => statistics.Count;

        public void Add(torch.Tensor images)
        {
            torch.Tensor f, l;
            if (keepLogits) (f, l) = features.ExtractWithLogits(images);
            else (f, l) = (features.Extract(images), null!);
            using (f)
            using (l)
            {
                var values = TensorData.ToFloats(f);
                statistics.Add(values);
                if (keepRows) rows.AddRange(values);
                if (keepLogits)
                {
                    logitColumns = (int)l.shape[1];
                    logits.AddRange(l.data<float>());
                }
            }
        }

        public FeatureSet Build(string what)
        {
            if (statistics.Count < 2)
                throw new InvalidOperationException($"{what}: {statistics.Count} image(s); FID needs at least 2");
            var n = (int)Math.Min(statistics.Count, int.MaxValue);
            return new FeatureSet(features.Network, statistics.ToStatistics(),
                keepRows ? FeatureMatrix.FromRows(rows.ToArray(), n, features.Dimension) : null,
                keepLogits ? FeatureMatrix.FromRows(logits.ToArray(), n, logitColumns) : null);
        }
    }
}
