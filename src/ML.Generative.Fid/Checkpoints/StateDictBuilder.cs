using ML.Generative.Fid.Checkpoints.Pickle;
using TorchSharp;

namespace ML.Generative.Fid.Checkpoints;

/// <summary>Turns an unpickled dict of tensor views into materialised, contiguous tensors.</summary>
internal static class StateDictBuilder
{
    /// <summary>
    /// Builds the state dict. <paramref name="storageBytes"/> returns a storage's raw bytes (exactly numel·element-size).
    /// Each tensor is checked against its storage and the size limits before anything is copied.
    /// </summary>
    public static StateDict Build(object? root, Func<StorageInfo, ReadOnlyMemory<byte>> storageBytes, CheckpointReadOptions options, string source)
    {
        if (root is not PickleDict dict)
            throw new CheckpointFormatException($"{source}: the checkpoint holds a {RestrictedUnpickler.TypeName(root)}, not a state dict (a dict of tensors)");
        var tensors = new List<CheckpointTensor>(dict.Items.Count);
        long maxTensor = Math.Min(options.MaxTensorBytes, Array.MaxLength); // each tensor is one array
        long total = 0;
        foreach (var (keyObject, value) in dict.Items)
        {
            if (keyObject is not string key)
                throw new CheckpointFormatException($"{source}: a state-dict key is a {RestrictedUnpickler.TypeName(keyObject)}, not a string");
            if (value is not TensorRef view)
                throw new CheckpointFormatException($"{source}: entry '{key}' is a {RestrictedUnpickler.TypeName(value)}, not a tensor");
            var info = view.Storage.Root;
            int elementSize = info.DType.ElementSize();
            if (view.Sizes.Length > options.MaxRank)
                throw new CheckpointFormatException($"{source}: tensor '{key}' has {view.Sizes.Length} dimensions; at most {options.MaxRank} are accepted");
            string? problem = StridedCopy.Validate(view.Storage.Numel, view.Offset, view.Sizes, view.Strides, out long numel);
            if (problem is not null) throw new CheckpointFormatException($"{source}: tensor '{key}': {problem}");
            long bytes = numel > maxTensor / elementSize ? long.MaxValue : numel * elementSize;
            if (bytes > maxTensor)
                throw new CheckpointFormatException($"{source}: tensor '{key}' of shape [{string.Join(",", view.Sizes)}] exceeds the {maxTensor}-byte limit for one tensor");
            total += bytes;
            if (total > options.MaxTotalTensorBytes)
                throw new CheckpointFormatException($"{source}: the tensors exceed the {options.MaxTotalTensorBytes}-byte limit in all");
            var data = storageBytes(info).Span;
            var result = StridedCopy.Gather(data, elementSize, view.Storage.Offset + view.Offset, view.Sizes, view.Strides, numel);
            tensors.Add(new CheckpointTensor(key, info.DType, view.Sizes, result));
        }
        return new StateDict(tensors);
    }
}
