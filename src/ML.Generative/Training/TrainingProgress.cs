namespace ML.Generative.Training;

/// <summary>A progress report from a training loop, sent after each step and at the end of each epoch.</summary>
public sealed record TrainingProgress
{
    public required int Epoch { get; init; }
    public required int Epochs { get; init; }
    public required long Step { get; init; }
    public required long TotalSteps { get; init; }

    /// <summary>Losses of the last step (or, at the end of an epoch, the epoch means), by name.</summary>
    public required IReadOnlyDictionary<string, double> Losses { get; init; }

    /// <summary>Validation losses at the end of an epoch (per name), when a validation split is used.</summary>
    public IReadOnlyDictionary<string, double>? ValidationLosses { get; init; }

    public required double ImagesPerSecond { get; init; }
    public required TimeSpan Elapsed { get; init; }

    /// <summary>True for the report sent at the end of an epoch.</summary>
    public bool EndOfEpoch { get; init; }

    public TimeSpan Remaining => Step <= 0 ? TimeSpan.Zero : Elapsed * ((double)(TotalSteps - Step) / Step);
}
