using TorchSharp;

namespace ML.Generative.Training;

/// <summary>Keeps the last checkpoint in memory (copies of the tensors): for tests and short interactive runs.</summary>
public sealed class InMemoryCheckpointStore : ICheckpointStore, IDisposable
{
    private TrainingCheckpoint? last;

    /// <summary>How many checkpoints have been saved.</summary>
    public int Saves { get; private set; }

    public void Save(TrainingCheckpoint checkpoint)
    {
        var copy = checkpoint.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
        Release();
        last = checkpoint with { Tensors = copy };
        Saves++;
    }

    public TrainingCheckpoint? Load() =>
        last is null ? null : last with { Tensors = last.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope()) };

    private void Release()
    {
        if (last is null) return;
        foreach (var t in last.Tensors.Values) t.Dispose();
        last = null;
    }

    public void Dispose() => Release();
}
