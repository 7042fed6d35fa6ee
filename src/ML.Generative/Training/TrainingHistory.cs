namespace ML.Generative.Training;

/// <summary>Per-epoch mean losses of a run (training and, when used, validation).</summary>
public sealed class TrainingHistory
{
    public List<EpochRecord> Epochs { get; init; } = new();

    /// <summary>Steps taken in all.</summary>
    public long Steps { get; set; }

    /// <summary>Wall time spent training (excluding validation).</summary>
    public double TrainingSeconds { get; set; }

    /// <summary>Training throughput over the whole run.</summary>
    public double ImagesPerSecond { get; set; }
}

/// <summary>One epoch's mean losses by name.</summary>
public sealed record EpochRecord(int Epoch, IReadOnlyDictionary<string, double> Train, IReadOnlyDictionary<string, double>? Validation)
{
    /// <summary>A PNG grid of images the model made at the end of this epoch from the same fixed inputs every
    /// epoch (e.g. a fixed latent batch), when the model was asked for one; null otherwise.</summary>
    public byte[]? SampleGrid { get; init; }
}
