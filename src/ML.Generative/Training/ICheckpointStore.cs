using TorchSharp;

namespace ML.Generative.Training;

/// <summary>Everything needed to continue a run exactly: weights, optimizer states, where the run stands.</summary>
public sealed record TrainingCheckpoint(
    int NextEpoch,
    long Step,
    TrainingHistory History,
    IReadOnlyDictionary<string, torch.Tensor> Tensors);

/// <summary>Where checkpoints are kept. Saves must be atomic: a crash mid-save leaves the previous one intact.</summary>
public interface ICheckpointStore
{
    void Save(TrainingCheckpoint checkpoint);

    /// <summary>The last checkpoint, or null if there is none. The caller disposes its tensors.</summary>
    TrainingCheckpoint? Load();
}
