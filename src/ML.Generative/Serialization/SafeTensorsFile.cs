namespace ML.Generative.Serialization;

/// <summary>
/// The content of a safetensors file without libtorch: named tensors as raw bytes (<see cref="SafeTensorsEntry"/>)
/// plus string metadata. Reads validate everything (see <see cref="SafeTensorsHeader"/> for the layout and the
/// rules) and throw <see cref="SafeTensorsFormatException"/> for any malformed input; writes are deterministic
/// (tensors ordered by element size, then name) and, to a path, atomic.
/// </summary>
public sealed class SafeTensorsFile
{
    /// <summary>The largest JSON header accepted (100 MiB), so a hostile length cannot force a huge allocation.</summary>
    public const long MaxHeaderLength = 100L * 1024 * 1024;

    private readonly List<SafeTensorsEntry> tensors;
    private readonly Dictionary<string, SafeTensorsEntry> byName;

    /// <summary>Creates the content of a file.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, or a tensor is named <c>__metadata__</c>.</exception>
    public SafeTensorsFile(IEnumerable<SafeTensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        this.tensors = tensors.ToList();
        byName = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        foreach (var t in this.tensors)
        {
            if (t.Name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved for metadata and cannot name a tensor");
            if (!byName.TryAdd(t.Name, t)) throw new ArgumentException($"two tensors are named '{t.Name}'");
        }
        Metadata = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
    }

    /// <summary>The tensors; after a read, in the order of their bytes in the file.</summary>
    public IReadOnlyList<SafeTensorsEntry> Tensors => tensors;

    /// <summary>The <c>__metadata__</c> strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public SafeTensorsEntry this[string name] =>
        byName.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"no tensor named '{name}'");

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGetTensor(string name, out SafeTensorsEntry tensor) => byName.TryGetValue(name, out tensor!);

    // ---- reading --------------------------------------------------------------------------------

    /// <summary>Reads a file from the current position of <paramref name="stream"/> to its end.</summary>
    /// <param name="stream">The data; a stream that cannot seek is copied to memory first.</param>
    /// <param name="fileName">Named in error messages.</param>
    /// <exception cref="SafeTensorsFormatException">The data is not a valid safetensors file.</exception>
    public static SafeTensorsFile Read(Stream stream, string? fileName = null)
    {
        var reader = SafeTensorsReader.Open(stream, fileName);
        return new SafeTensorsFile(reader.ReadEntries().ToList(), reader.Header.Metadata);
    }

    /// <summary>Reads a file held in memory (the tensors' bytes are copied out of it).</summary>
    /// <exception cref="SafeTensorsFormatException">The data is not a valid safetensors file.</exception>
    public static SafeTensorsFile Read(ReadOnlySpan<byte> bytes, string? fileName = null)
    {
        var (header, entries) = SafeTensorsReader.ReadAll(bytes, fileName);
        return new SafeTensorsFile(entries, header.Metadata);
    }

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is not a valid safetensors file.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static SafeTensorsFile Load(string path)
    {
        using var stream = OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads only the <c>__metadata__</c> of a file (the header is still fully validated).</summary>
    /// <exception cref="SafeTensorsFormatException">The file is not a valid safetensors file.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = OpenRead(path);
        return SafeTensorsReader.Open(stream, path).Header.Metadata;
    }

    internal static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    // ---- writing --------------------------------------------------------------------------------

    /// <summary>Writes the file to <paramref name="stream"/> at its current position.</summary>
    public void Write(Stream stream) =>
        SafeTensorsWriter.Write(stream, tensors.Select(t => new SafeTensorsWriter.Item(t.Name, t.DType, t.ShapeArray(), () => t.Data)), Metadata);

    /// <summary>The bytes of the file.</summary>
    public byte[] ToArray()
    {
        using var memory = new MemoryStream();
        Write(memory);
        return memory.ToArray();
    }

    /// <summary>Writes the file to <paramref name="path"/> atomically: a temporary file in the same folder,
    /// flushed to disk, then renamed over the target. On failure the previous file is untouched.</summary>
    public void Save(string path) => AtomicFile.Write(path, Write);
}
