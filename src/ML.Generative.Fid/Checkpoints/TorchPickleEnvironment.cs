using ML.Generative.Fid.Checkpoints.Pickle;
using TorchSharp;

namespace ML.Generative.Fid.Checkpoints;

/// <summary>A storage a checkpoint holds: its key, element type and element count.</summary>
internal sealed record StorageInfo(string Key, torch.ScalarType DType, long Numel);

/// <summary>A (possibly legacy sub-) range of a storage: <see cref="Numel"/> elements from <see cref="Offset"/>.</summary>
internal sealed record StorageRef(StorageInfo Root, long Offset, long Numel);

/// <summary>What <c>torch._utils._rebuild_tensor_v2</c> describes: a strided view of a storage.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Sizes, long[] Strides);

/// <summary>
/// The whitelist a state dict needs, implemented in C#: OrderedDict, the tensor-rebuild functions,
/// and the typed storage classes (only as storage tags inside persistent ids).
/// </summary>
internal sealed class TorchPickleEnvironment : IPickleEnvironment
{
    private static readonly Dictionary<string, torch.ScalarType> StorageTypes = new()
    {
        ["FloatStorage"] = torch.ScalarType.Float32,
        ["DoubleStorage"] = torch.ScalarType.Float64,
        ["HalfStorage"] = torch.ScalarType.Float16,
        ["BFloat16Storage"] = torch.ScalarType.BFloat16,
        ["LongStorage"] = torch.ScalarType.Int64,
        ["IntStorage"] = torch.ScalarType.Int32,
        ["ShortStorage"] = torch.ScalarType.Int16,
        ["CharStorage"] = torch.ScalarType.Int8,
        ["ByteStorage"] = torch.ScalarType.Byte,
        ["BoolStorage"] = torch.ScalarType.Bool,
    };

    private readonly bool _legacy;
    private readonly Dictionary<string, StorageInfo> _storages = new(StringComparer.Ordinal);

    /// <param name="legacy">Legacy persistent ids carry a sixth field, the view metadata.</param>
    public TorchPickleEnvironment(bool legacy) => _legacy = legacy;

    /// <summary>The storages referred to so far, by key.</summary>
    public IReadOnlyDictionary<string, StorageInfo> Storages => _storages;

    public bool IsAllowedGlobal(string module, string name) =>
        (module, name) is ("collections", "OrderedDict")
            or ("torch._utils", "_rebuild_tensor_v2")
            or ("torch._utils", "_rebuild_tensor")
            or ("torch._utils", "_rebuild_parameter")
        || (module == "torch" && StorageTypes.ContainsKey(name));

    public string DescribeAllowedGlobals() =>
        "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_tensor, torch._utils._rebuild_parameter, torch.<Type>Storage";

    public object? Reduce(PickleGlobal callable, object?[] args)
    {
        switch (callable.Module, callable.Name)
        {
            case ("collections", "OrderedDict"):
                if (args.Length != 0) throw new PickleEnvironmentException("collections.OrderedDict is only supported without arguments");
                return new PickleDict(ordered: true);
            case ("torch._utils", "_rebuild_tensor_v2"):
                if (args.Length is not (6 or 7))
                    throw new PickleEnvironmentException($"torch._utils._rebuild_tensor_v2 needs 6 or 7 arguments; got {args.Length}");
                if (args[4] is not bool) throw new PickleEnvironmentException("requires_grad is not a bool");
                return RebuildTensor(args);
            case ("torch._utils", "_rebuild_tensor"): // PyTorch 0.4: no requires_grad or hooks
                if (args.Length != 4)
                    throw new PickleEnvironmentException($"torch._utils._rebuild_tensor needs 4 arguments; got {args.Length}");
                return RebuildTensor(args);
            case ("torch._utils", "_rebuild_parameter"):
                // (data, requires_grad, backward_hooks): a Parameter is its tensor here.
                if (args.Length != 3 || args[0] is not TensorRef tensor || args[1] is not bool)
                    throw new PickleEnvironmentException("torch._utils._rebuild_parameter needs (tensor, requires_grad, hooks)");
                return tensor;
            default:
                throw new PickleEnvironmentException($"{callable} cannot be called by REDUCE");
        }
    }

    // (storage, storage_offset, size, stride, ...): the rest (requires_grad, hooks, metadata) does not matter here.
    private static TensorRef RebuildTensor(object?[] args)
    {
        if (args[0] is not StorageRef storage)
            throw new PickleEnvironmentException($"torch._utils._rebuild_tensor_v2 of a {RestrictedUnpickler.TypeName(args[0])} instead of a storage");
        if (args[1] is not long offset) throw new PickleEnvironmentException("the storage offset is not an int");
        var sizes = Ints(args[2], "size");
        var strides = Ints(args[3], "stride");
        if (sizes.Length != strides.Length)
            throw new PickleEnvironmentException($"a tensor has {sizes.Length} sizes but {strides.Length} strides");
        return new TensorRef(storage, offset, sizes, strides);
    }

    private static long[] Ints(object? value, string what)
    {
        if (value is not object?[] tuple) throw new PickleEnvironmentException($"the tensor {what} is a {RestrictedUnpickler.TypeName(value)}, not a tuple");
        var result = new long[tuple.Length];
        for (int i = 0; i < tuple.Length; i++)
            result[i] = tuple[i] as long? ?? throw new PickleEnvironmentException($"the tensor {what} holds a {RestrictedUnpickler.TypeName(tuple[i])}");
        return result;
    }

    // zip:    ('storage', storage_type, key, location, numel)
    // legacy: ('storage', storage_type, root_key, location, root_numel, view_metadata or None)
    public object? PersistentLoad(object? pid)
    {
        if (pid is not object?[] t || t.Length != (_legacy ? 6 : 5) || t[0] is not "storage")
            throw new PickleEnvironmentException($"unsupported persistent id (expected a ('storage', ...) tuple of {(_legacy ? 6 : 5)})");
        if (t[1] is not PickleGlobal { Module: "torch" } type || !StorageTypes.TryGetValue(type.Name, out var dtype))
            throw new PickleEnvironmentException($"the storage type is a {RestrictedUnpickler.TypeName(t[1])}, not a torch storage class");
        if (t[2] is not string key) throw new PickleEnvironmentException("the storage key is not a string");
        if (t[3] is not string) throw new PickleEnvironmentException("the storage location is not a string");
        if (t[4] is not long numel || numel < 0) throw new PickleEnvironmentException("the storage size is not a non-negative int");

        if (_storages.TryGetValue(key, out var known))
        {
            if (known.DType != dtype || known.Numel != numel)
                throw new PickleEnvironmentException($"storage '{key}' is referred to as {known.DType}[{known.Numel}] and as {dtype}[{numel}]");
        }
        else _storages[key] = known = new StorageInfo(key, dtype, numel);

        if (!_legacy || t[5] is null) return new StorageRef(known, 0, numel);
        // Legacy view of a storage: (view_key, offset, view_size) inside the root.
        if (t[5] is not object?[] { Length: 3 } view || view[0] is not string || view[1] is not long viewOffset || view[2] is not long viewSize)
            throw new PickleEnvironmentException("unsupported storage view metadata");
        if (viewOffset < 0 || viewSize < 0 || viewOffset > numel || viewSize > numel - viewOffset)
            throw new PickleEnvironmentException($"storage view [{viewOffset}, +{viewSize}) lies outside storage '{key}' of {numel} elements");
        return new StorageRef(known, viewOffset, viewSize);
    }
}
