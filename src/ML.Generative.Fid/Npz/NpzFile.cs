using System.IO.Compression;

namespace ML.Generative.Fid.Npz;

/// <summary>
/// NumPy .npz archives (<c>np.savez</c>, <c>np.savez_compressed</c>): a zip of <c>&lt;name&gt;.npy</c> entries,
/// stored or deflated. pytorch-fid keeps its statistics in this form.
/// </summary>
public static class NpzFile
{
    /// <summary>Reads every array of an .npz file, keyed by name (without ".npy"), in archive order.</summary>
    /// <exception cref="NpzFormatException">The file is not an .npz archive this reader accepts; the message says why.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static OrderedDictionary<string, NpyArray> Read(string path, NpzReadOptions? options = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, options, $"'{path}'");
    }

    /// <summary>Reads every array of an .npz archive from a stream. Entries not named *.npy are skipped.</summary>
    /// <exception cref="NpzFormatException">The data is not an .npz archive this reader accepts; the message says why.</exception>
    public static OrderedDictionary<string, NpyArray> Read(Stream stream, NpzReadOptions? options = null, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= NpzReadOptions.Default;
        string source = sourceName ?? "npz stream";
        if (!stream.CanSeek) stream = Buffer(stream, options.MaxFileBytes, source);
        if (stream.Length - stream.Position > options.MaxFileBytes)
            throw new NpzFormatException($"{source}: {stream.Length - stream.Position} bytes exceed the {options.MaxFileBytes}-byte limit");

        using var zip = SafeZip.Open(stream, options.MaxEntries, (message, inner) => new NpzFormatException($"{source}: {message}", inner));
        var arrays = new OrderedDictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
            string name = entry.FullName[..^4];
            var bytes = zip.Read(entry, Math.Min(options.MaxArrayBytes, Array.MaxLength) + options.MaxHeaderBytes + 12);
            var array = NpyFormat.Read(bytes, options, $"{source} entry '{entry.FullName}'");
            if (!arrays.TryAdd(name, array)) throw new NpzFormatException($"{source}: array '{name}' appears twice");
        }
        return arrays;
    }

    /// <summary>
    /// Writes arrays to an .npz file atomically (a temporary file in the same folder, then a rename), so an
    /// existing file is never left half-written.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="arrays">Names (without ".npy") and arrays, written in this order.</param>
    /// <param name="compress">Deflate the entries, as <c>np.savez_compressed</c>; else store them, as <c>np.savez</c>.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated, or contains a path separator.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = true)
    {
        var list = arrays.ToList();
        CheckNames(list);
        ML.Generative.Serialization.AtomicFile.Write(path, stream => Write(stream, list, compress));
    }

    /// <summary>Writes arrays as an .npz archive to a stream.</summary>
    /// <exception cref="ArgumentException">A name is empty, repeated, or contains a path separator.</exception>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = true)
    {
        var list = arrays.ToList();
        CheckNames(list);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, array) in list)
        {
            var entry = zip.CreateEntry(name + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using var s = entry.Open();
            NpyFormat.Write(s, array);
        }
    }

    private static void CheckNames(List<KeyValuePair<string, NpyArray>> arrays)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, array) in arrays)
        {
            ArgumentNullException.ThrowIfNull(array);
            if (string.IsNullOrEmpty(name) || name.Contains('/') || name.Contains('\\') || name == "..")
                throw new ArgumentException($"'{name}' is not a valid array name.", nameof(arrays));
            if (!seen.Add(name)) throw new ArgumentException($"Array name '{name}' is repeated.", nameof(arrays));
        }
    }

    private static MemoryStream Buffer(Stream stream, long max, string source)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > max) throw new NpzFormatException($"{source}: more than the {max}-byte limit");
            buffer.Write(chunk, 0, n);
        }
        buffer.Position = 0;
        return buffer;
    }
}
