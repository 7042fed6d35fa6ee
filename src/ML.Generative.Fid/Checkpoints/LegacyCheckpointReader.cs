using System.Buffers.Binary;
using System.Numerics;
using ML.Generative.Fid.Checkpoints.Pickle;
using TorchSharp;

namespace ML.Generative.Fid.Checkpoints;

/// <summary>
/// Reads the legacy (pre-1.6, <c>_use_new_zipfile_serialization=False</c>) format, that of pytorch-fid's
/// <c>pt_inception-2015-12-05-6726825d.pth</c>.
/// </summary>
/// <remarks>
/// Layout: five pickles back to back — the magic number 0x1950a86a20f9469cfc6c, the protocol version 1001,
/// sys_info (byte order, type sizes), the object (storages as persistent ids), the list of storage keys —
/// then one record per key in that list's order: an int64 LE element count, then the raw elements.
/// </remarks>
internal static class LegacyCheckpointReader
{
    private static readonly BigInteger Magic = BigInteger.Parse("01950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);
    private const long ProtocolVersion = 1001;

    public static StateDict Read(byte[] data, CheckpointReadOptions options, string source)
    {
        int pos = 0;
        var magic = LoadPlain(data, ref pos, source);
        if (!(magic is BigInteger m && m == Magic))
            throw new CheckpointFormatException($"{source}: not a PyTorch legacy checkpoint (wrong magic number)");
        if (LoadPlain(data, ref pos, source) is not ProtocolVersion)
            throw new CheckpointFormatException($"{source}: unsupported legacy protocol version (expected {ProtocolVersion})");
        if (LoadPlain(data, ref pos, source) is not PickleDict sysInfo)
            throw new CheckpointFormatException($"{source}: the sys_info record is not a dict");
        if (sysInfo.Get("little_endian") is false)
            throw new CheckpointFormatException($"{source}: big-endian checkpoints are not supported");

        var env = new TorchPickleEnvironment(legacy: true);
        var unpickler = new RestrictedUnpickler(data, pos, data.Length, source, env);
        object? root = unpickler.Load();
        pos = unpickler.Position;

        if (LoadPlain(data, ref pos, source) is not List<object?> keys)
            throw new CheckpointFormatException($"{source}: the storage key list is not a list");
        var storages = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        long total = 0;
        foreach (var keyObject in keys)
        {
            if (keyObject is not string key || !env.Storages.TryGetValue(key, out var info))
                throw new CheckpointFormatException($"{source}: the storage key list names a storage no tensor uses");
            if (storages.ContainsKey(key))
                throw new CheckpointFormatException($"{source}: storage '{key}' is listed twice");
            if (data.Length - pos < 8)
                throw new CheckpointFormatException($"{source}: the file ends before the record of storage '{key}'");
            long count = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(pos, 8));
            pos += 8;
            if (count != info.Numel)
                throw new CheckpointFormatException($"{source}: storage '{key}' has {count} elements in its record but {info.Numel} in the pickle");
            int elementSize = info.DType.ElementSize();
            if (count > (data.Length - pos) / elementSize)
                throw new CheckpointFormatException($"{source}: the file ends inside storage '{key}' ({count} elements of {elementSize} bytes)");
            int length = (int)(count * elementSize);
            total += length;
            if (total > options.MaxTotalTensorBytes)
                throw new CheckpointFormatException($"{source}: the storages exceed the {options.MaxTotalTensorBytes}-byte limit");
            storages[key] = data.AsMemory(pos, length); // a slice, not a copy
            pos += length;
        }
        return StateDictBuilder.Build(root,
            info => storages.TryGetValue(info.Key, out var bytes) ? bytes
                : throw new CheckpointFormatException($"{source}: storage '{info.Key}' has no data record"),
            options, source);
    }

    // The four small pickles hold only plain data: no global is allowed.
    private static object? LoadPlain(byte[] data, ref int pos, string source)
    {
        var unpickler = new RestrictedUnpickler(data, pos, data.Length, source, PlainData.Instance);
        var value = unpickler.Load();
        pos = unpickler.Position;
        return value;
    }

    private sealed class PlainData : IPickleEnvironment
    {
        public static readonly PlainData Instance = new();

        public bool IsAllowedGlobal(string module, string name) => false;

        public string DescribeAllowedGlobals() => "none in this record";

        public object? Reduce(PickleGlobal callable, object?[] args) => throw new PickleEnvironmentException("REDUCE is not allowed here");

        public object? PersistentLoad(object? pid) => throw new PickleEnvironmentException("persistent ids are not allowed here");
    }
}
