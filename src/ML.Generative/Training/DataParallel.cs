using ML.Generative.Torch;
using ML.Generative.Torch.Native;
using static ML.Generative.Torch.Native.ParallelNative;

namespace ML.Generative.Training;

/// <summary>
/// What a loss needs to know about data-parallel training. On the CPU the training loop splits each batch over
/// worker threads (one per core, each with one intra-op thread), runs every worker's forward and backward pass at
/// once, and sums the gradients — the same update as the whole batch, because batch-norm statistics are reduced
/// over the workers and each worker's loss is weighted by its share of the batch. A loss that couples the samples
/// of a batch (such as MMD, which compares every pair) must see the whole batch: it calls <see cref="AllGather"/>.
/// Outside a data-parallel step every member here is the identity.
/// </summary>
public static class DataParallel
{
    /// <summary>The rows of every worker's <paramref name="slice"/>, in worker order (the whole batch), with gradients
    /// flowing back to each worker's own rows; <paramref name="slice"/> itself outside a data-parallel step.</summary>
    public static torch.Tensor AllGather(torch.Tensor slice) => new(Errors.Check(mlg_dp_all_gather(slice.Handle)));

    /// <summary>This thread's worker index within the step (0 outside a data-parallel step).</summary>
    public static int Rank => mlg_dp_rank();

    /// <summary>The number of workers sharing the step (1 outside a data-parallel step).</summary>
    public static int Size => mlg_dp_size();

    /// <summary>Waits for every worker of the step (returns at once outside one): for state that one worker updates
    /// after all have read it.</summary>
    public static void Barrier() => Errors.Check(mlg_dp_barrier());
}
