using ML.Generative.Fid.Metrics;

namespace ML.Generative.Fid;

/// <summary>Options of <c>ctx.Evaluate.Fid</c>: which column holds the images and which metrics to add to FID.</summary>
public sealed record FidOptions
{
    /// <summary>The image column: an image column, or float <c>[C, H, W]</c> vectors in [0, 1] (default <c>Image</c>).</summary>
    public string ImageColumn { get; init; } = "Image";

    /// <summary>Use at most this many images of each view (default: all).</summary>
    public long MaxImages { get; init; } = long.MaxValue;

    /// <summary>Also compute the Kernel Inception Distance (keeps every feature vector in memory).</summary>
    public bool Kid { get; init; }

    /// <summary>Also compute the Inception Score of the generated images from the network's class logits.</summary>
    public bool InceptionScore { get; init; }

    /// <summary>Also compute precision and recall (keeps every feature vector in memory).</summary>
    public bool PrecisionRecall { get; init; }

    /// <summary>KID subsets (default 100).</summary>
    public int KidSubsets { get; init; } = KernelInceptionDistance.DefaultSubsets;

    /// <summary>KID subset size (default 1000; clamped to the set sizes).</summary>
    public int KidSubsetSize { get; init; } = KernelInceptionDistance.DefaultSubsetSize;

    /// <summary>Seed of the KID subset draws (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>k of precision/recall (default 3).</summary>
    public int Neighbours { get; init; } = Metrics.PrecisionRecall.DefaultNeighbours;

    /// <summary>Inception Score splits (default 10).</summary>
    public int InceptionScoreSplits { get; init; } = Metrics.InceptionScore.DefaultSplits;

    internal bool KeepRows => Kid || PrecisionRecall;
}
