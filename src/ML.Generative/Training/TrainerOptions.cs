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

    /// <summary>
    /// Worker threads that share each CPU training step, each running the forward and backward pass of a slice of
    /// the batch with one intra-op thread (see <see cref="DataParallel"/>); the update stays the whole batch's, with
    /// batch-norm statistics reduced over the workers. Null or 1 (the default) runs the step on one thread whose
    /// ops use all torch threads — measured faster on 2 cores once large buffers are cached (benchmarks/README.md).
    /// Runs with different worker counts draw different random numbers, so a fixed seed reproduces a run for a
    /// fixed worker count. Ignored on the GPU.
    /// </summary>
    public int? DataParallelWorkers { get; init; }

    public virtual void Validate()
    {
        if (DataParallelWorkers is < 1)
            throw new ArgumentOutOfRangeException(nameof(DataParallelWorkers), DataParallelWorkers, "DataParallelWorkers must be at least 1 (1 turns data-parallel training off)");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1");
        if (Resume && string.IsNullOrWhiteSpace(CheckpointPath))
            throw new ArgumentException("Resume needs a CheckpointPath to resume from", nameof(Resume));
    }
}
