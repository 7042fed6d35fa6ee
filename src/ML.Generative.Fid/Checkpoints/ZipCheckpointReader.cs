using System.IO.Compression;
using System.Text;
using ML.Generative.Fid.Checkpoints.Pickle;
using TorchSharp;

namespace ML.Generative.Fid.Checkpoints;

/// <summary>
/// Reads the zip format of <c>torch.save</c> (PyTorch 1.6 and later).
/// </summary>
/// <remarks>
/// Layout: <c>&lt;stem&gt;/data.pkl</c> (the object; storages as persistent ids
/// <c>('storage', type, key, location, numel)</c>), <c>&lt;stem&gt;/data/&lt;key&gt;</c> (each storage's raw
/// little-endian bytes), <c>&lt;stem&gt;/version</c>, and in newer versions <c>&lt;stem&gt;/byteorder</c>.
/// The stem is the file name at save time, so data.pkl is found by its place, not by a fixed name.
/// Unknown entries are ignored.
/// </remarks>
internal static class ZipCheckpointReader
{
    private const int MaxEntries = 1 << 20;

    public static StateDict Read(Stream stream, CheckpointReadOptions options, string source)
    {
        using var zip = SafeZip.Open(stream, MaxEntries, (message, inner) => new CheckpointFormatException($"{source}: {message}", inner!));
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
            if (!entries.TryAdd(entry.FullName, entry))
                throw new CheckpointFormatException($"{source}: zip entry '{entry.FullName}' appears twice");

        var pickles = entries.Keys.Where(IsTopLevelDataPickle).ToList();
        if (pickles.Count != 1)
            throw new CheckpointFormatException(pickles.Count == 0
                ? $"{source}: a zip file but not a PyTorch checkpoint (no data.pkl)"
                : $"{source}: several data.pkl entries ({string.Join(", ", pickles)})");
        string prefix = pickles[0][..^"data.pkl".Length];

        if (entries.TryGetValue(prefix + "byteorder", out var byteOrder))
        {
            string order = Encoding.ASCII.GetString(zip.Read(byteOrder, 64)).Trim();
            if (order != "little") throw new CheckpointFormatException($"{source}: byte order '{order}' is not supported");
        }

        var pickle = zip.Read(entries[pickles[0]], options.MaxPickleBytes);
        var env = new TorchPickleEnvironment(legacy: false);
        object? root = new RestrictedUnpickler(pickle, 0, pickle.Length, $"{source} ({pickles[0]})", env).Load();

        var cache = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        ReadOnlyMemory<byte> Storage(StorageInfo info)
        {
            if (cache.TryGetValue(info.Key, out var cached)) return cached;
            string name = prefix + "data/" + info.Key;
            if (!entries.TryGetValue(name, out var entry))
                throw new CheckpointFormatException($"{source}: storage '{info.Key}' has no entry '{name}'");
            long expected = info.Numel > long.MaxValue / info.DType.ElementSize() ? -1 : info.Numel * info.DType.ElementSize();
            long declared = entry.Length;
            if (declared != expected)
                throw new CheckpointFormatException($"{source}: entry '{name}' is {declared} bytes; storage '{info.Key}' of {info.Numel} {info.DType} needs {expected}");
            return cache[info.Key] = zip.Read(entry, options.MaxTotalTensorBytes);
        }
        return StateDictBuilder.Build(root, Storage, options, source);
    }

    // "<stem>/data.pkl" with a single-segment stem (or a bare "data.pkl").
    private static bool IsTopLevelDataPickle(string name) =>
        name == "data.pkl" || (name.EndsWith("/data.pkl", StringComparison.Ordinal) && name.IndexOf('/') == name.Length - "/data.pkl".Length);
}
