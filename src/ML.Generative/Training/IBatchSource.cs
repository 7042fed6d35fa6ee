using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Training;

/// <summary>Batches of images as (B, C, H, W) float tensors, reshuffled each epoch from a seed.</summary>
public interface IBatchSource
{
    /// <summary>The number of images per epoch.</summary>
    long Count { get; }

    /// <summary>The image shape (C, H, W).</summary>
    long[] ImageShape { get; }

    /// <summary>One epoch of batches (the last may be smaller). The caller disposes each batch.</summary>
    IEnumerable<Tensor> Batches(int batchSize, bool shuffle, int seed);
}

/// <summary>Batches cut from one in-memory tensor of images (N, C, H, W).</summary>
public sealed class TensorBatchSource : IBatchSource, IDisposable
{
    private readonly Tensor images;

    /// <summary>Takes a copy of <paramref name="images"/> (N, C, H, W), so the caller keeps ownership of its tensor.</summary>
    public TensorBatchSource(Tensor images)
    {
        if (images.Dimensions != 4) throw new ArgumentException($"images must be (N, C, H, W), got ({string.Join(", ", images.shape)})", nameof(images));
        if (images.shape[0] == 0) throw new ArgumentException("there are no images", nameof(images));
        this.images = images.to(ScalarType.Float32, copy: true).contiguous().DetachFromDisposeScope();
    }

    public long Count => images.shape[0];
    public long[] ImageShape => images.shape[1..];

    /// <summary>The images held (do not dispose).</summary>
    public Tensor Images => images;

    public IEnumerable<Tensor> Batches(int batchSize, bool shuffle, int seed)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be at least 1");
        Tensor? order = null;
        if (shuffle)
        {
            // A permutation drawn from a generator seeded per epoch, independent of other draws.
            var rng = new Random(seed);
            var perm = Enumerable.Range(0, (int)Count).Select(i => (long)i).ToArray();
            rng.Shuffle(perm);
            order = tensor(perm).to(images.device).DetachFromDisposeScope();
        }
        try
        {
            for (long start = 0; start < Count; start += batchSize)
            {
                var length = Math.Min(batchSize, Count - start);
                if (order is null) yield return images.narrow(0, start, length).DetachFromDisposeScope();
                else
                {
                    using var idx = order.narrow(0, start, length);
                    yield return images.index_select(0, idx).DetachFromDisposeScope();
                }
            }
        }
        finally
        {
            order?.Dispose();
        }
    }

    public void Dispose() => images.Dispose();
}
