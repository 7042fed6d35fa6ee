using TorchSharp;

namespace ML.Generative.Fid.Checkpoints;

/// <summary>The tensors of a PyTorch state dict, in the file's order, with lookup by key.</summary>
public sealed class StateDict : IReadOnlyList<CheckpointTensor>
{
    private readonly List<CheckpointTensor> _tensors;
    private readonly Dictionary<string, CheckpointTensor> _byKey;

    /// <summary>Creates a state dict from tensors with distinct keys.</summary>
    /// <exception cref="ArgumentException">Two tensors share a key.</exception>
    public StateDict(IEnumerable<CheckpointTensor> tensors)
    {
        _tensors = tensors.ToList();
        _byKey = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
        foreach (var t in _tensors)
            if (!_byKey.TryAdd(t.Key, t)) throw new ArgumentException($"Duplicate state-dict key '{t.Key}'.", nameof(tensors));
    }

    /// <summary>The number of tensors.</summary>
    public int Count => _tensors.Count;

    /// <summary>The tensor at a position, in file order.</summary>
    public CheckpointTensor this[int index] => _tensors[index];

    /// <summary>The tensor with a key.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has this key.</exception>
    public CheckpointTensor this[string key] =>
        _byKey.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"The state dict has no tensor '{key}'.");

    /// <summary>The keys, in file order.</summary>
    public IEnumerable<string> Keys => _tensors.Select(t => t.Key);

    /// <summary>Looks a tensor up by key.</summary>
    public bool TryGetValue(string key, out CheckpointTensor tensor) => _byKey.TryGetValue(key, out tensor!);

    /// <summary>Whether a tensor has this key.</summary>
    public bool ContainsKey(string key) => _byKey.ContainsKey(key);

    /// <summary>
    /// Every tensor as a new CPU <see cref="torch.Tensor"/>, keyed and ordered as in the file; the caller
    /// disposes them (or creates them inside a dispose scope).
    /// </summary>
    public OrderedDictionary<string, torch.Tensor> ToTensors()
    {
        var result = new OrderedDictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var t in _tensors) result.Add(t.Key, t.ToTensor());
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <inheritdoc/>
    public IEnumerator<CheckpointTensor> GetEnumerator() => _tensors.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
