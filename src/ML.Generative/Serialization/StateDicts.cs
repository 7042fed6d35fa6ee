using static TorchSharp.torch;

namespace ML.Generative.Serialization;

/// <summary>
/// Loads named tensors into a module's parameters and buffers — the one way the library does it. Unlike
/// TorchSharp's <c>load_state_dict</c>, every key and shape is checked before anything is copied, so a file
/// that does not fit changes nothing, and the error lists what is missing, unexpected or mis-shaped.
/// </summary>
public static class StateDicts
{
    /// <summary>Copies <paramref name="source"/> into <paramref name="module"/> (converting dtypes as copy_ does).
    /// With <paramref name="strict"/> the keys must match exactly (a module's missing <c>num_batches_tracked</c> is
    /// allowed, as PyTorch files of older versions lack it); shapes must always match.</summary>
    /// <exception cref="ArgumentException">The tensors do not fit the module; nothing was changed.</exception>
    public static void LoadInto(nn.Module module, IReadOnlyDictionary<string, Tensor> source, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(source);
        var own = module.state_dict();
        var mismatched = own.Where(kv => source.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"'{kv.Key}' has shape [{string.Join(", ", source[kv.Key].shape)}] but the module's is [{string.Join(", ", kv.Value.shape)}]")
            .ToList();
        if (mismatched.Count > 0) throw new ArgumentException(string.Join("; ", mismatched.Take(8)) + (mismatched.Count > 8 ? $" (and {mismatched.Count - 8} more)" : ""));
        if (strict)
        {
            var missing = own.Keys.Where(k => !source.ContainsKey(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal) && k != "num_batches_tracked").ToList();
            var unexpected = source.Keys.Where(k => !own.ContainsKey(k)).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new ArgumentException(string.Join("; ", new[]
                {
                    missing.Count > 0 ? $"missing keys: {List(missing)}" : null,
                    unexpected.Count > 0 ? $"unexpected keys: {List(unexpected)}" : null,
                }.Where(p => p is not null)));
        }
        using var noGrad = no_grad();
        foreach (var (key, target) in own)
            if (source.TryGetValue(key, out var value)) target.copy_(value);
    }

    private static string List(IReadOnlyList<string> keys) =>
        string.Join(", ", keys.Take(8)) + (keys.Count > 8 ? $" (and {keys.Count - 8} more)" : "");
}
