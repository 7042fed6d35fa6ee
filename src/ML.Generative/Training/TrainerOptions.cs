namespace ML.Generative.Training;

/// <summary>Options common to every model's training.</summary>
public record TrainerOptions
{
    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Seeds weight initialisation, shuffling and sampling: the same seed gives the same run.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>A file to write a checkpoint to at the end of every epoch (atomically); null for none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Continue from <see cref="CheckpointPath"/> when it exists (weights, optimizer states, epoch, step).</summary>
    public bool Resume { get; init; }

    public virtual void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1");
        if (Resume && string.IsNullOrWhiteSpace(CheckpointPath))
            throw new ArgumentException("Resume needs a CheckpointPath to resume from", nameof(Resume));
    }
}
