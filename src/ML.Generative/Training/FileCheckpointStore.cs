using System.Text.Json;
using TorchSharp;
using ML.Generative.Serialization;

namespace ML.Generative.Training;

/// <summary>
/// Keeps the last checkpoint in one safetensors file: the tensors (<c>model.*</c>, <c>optimizer.*</c>) as
/// they are, and where the run stands (next epoch, step, history) as JSON in the file's metadata. Saves are
/// atomic (temporary file in the same folder, then rename), so a crash mid-save leaves the previous
/// checkpoint intact.
/// </summary>
public sealed class FileCheckpointStore : ICheckpointStore
{
    private const string StateKey = "mlgen.training_state";

    public FileCheckpointStore(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("a checkpoint path is needed", nameof(path));
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public void Save(TrainingCheckpoint checkpoint)
    {
        var state = JsonSerializer.Serialize(new State(checkpoint.NextEpoch, checkpoint.Step, checkpoint.History));
        SafeTensors.Save(Path, checkpoint.Tensors, new Dictionary<string, string> { [StateKey] = state });
    }

    public TrainingCheckpoint? Load()
    {
        if (!File.Exists(Path)) return null;
        var metadata = SafeTensors.ReadMetadata(Path);
        if (!metadata.TryGetValue(StateKey, out var json))
            throw new InvalidDataException($"'{Path}' is a safetensors file but not a training checkpoint (no '{StateKey}' metadata)");
        var state = JsonSerializer.Deserialize<State>(json)
            ?? throw new InvalidDataException($"'{Path}': the training state in the checkpoint is empty");
        return new TrainingCheckpoint(state.NextEpoch, state.Step, state.History, SafeTensors.Load(Path));
    }

    private sealed record State(int NextEpoch, long Step, TrainingHistory History);
}
