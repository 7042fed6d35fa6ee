using static TorchSharp.torch;

namespace ML.Generative.Serialization;

/// <summary>
/// Reads a safetensors file from a stream one tensor at a time (the layout is in <see cref="SafeTensorsHeader"/>),
/// so a caller can turn each tensor into a libtorch tensor and drop its bytes before reading the next.
/// </summary>
internal sealed class SafeTensorsReader
{
    private readonly Stream stream;
    private readonly string? fileName;

    private SafeTensorsReader(Stream stream, SafeTensorsHeader header, string? fileName)
    {
        this.stream = stream;
        Header = header;
        this.fileName = fileName;
    }

    internal SafeTensorsHeader Header { get; }

    /// <summary>Reads and validates the header, leaving the stream at the start of the data section.</summary>
    internal static SafeTensorsReader Open(Stream stream, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            // Sizes are checked against the real length before anything is allocated from the header; a stream
            // that cannot tell its length is first copied, which allocates only what actually arrives.
            var buffered = new MemoryStream();
            stream.CopyTo(buffered);
            buffered.Position = 0;
            stream = buffered;
        }
        var available = stream.Length - stream.Position;
        Span<byte> prefix = stackalloc byte[8];
        var got = stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
        var headerLength = SafeTensorsHeader.ReadLength(prefix[..got], available, fileName);
        var json = new byte[headerLength];
        ReadExactly(stream, json, fileName, null);
        var header = SafeTensorsHeader.Parse(json, available - 8 - headerLength, fileName);
        return new SafeTensorsReader(stream, header, fileName);
    }

    /// <summary>The tensors in file order, each read when the enumeration reaches it.</summary>
    internal IEnumerable<SafeTensorsEntry> ReadEntries()
    {
        // Entries are sorted and tile the data section, so reading them in order never seeks.
        foreach (var e in Header.Entries)
        {
            var data = Allocate(e, fileName);
            ReadExactly(stream, data, fileName, e.Name);
            yield return ToEntry(e, data, fileName);
        }
    }

    /// <summary>Reads every tensor of an in-memory file, copying each tensor's bytes out of the buffer.</summary>
    internal static (SafeTensorsHeader header, List<SafeTensorsEntry> entries) ReadAll(ReadOnlySpan<byte> bytes, string? fileName)
    {
        var headerLength = SafeTensorsHeader.ReadLength(bytes, bytes.Length, fileName);
        var dataStart = 8 + (int)headerLength;
        var header = SafeTensorsHeader.Parse(bytes[8..dataStart].ToArray(), bytes.Length - dataStart, fileName);
        var entries = new List<SafeTensorsEntry>(header.Entries.Count);
        foreach (var e in header.Entries)
        {
            var data = Allocate(e, fileName);
            bytes.Slice(dataStart + (int)e.Begin, data.Length).CopyTo(data);
            entries.Add(ToEntry(e, data, fileName));
        }
        return (header, entries);
    }

    private static byte[] Allocate(SafeTensorsHeader.Entry e, string? fileName) =>
        // Validated against the real data length already; this guards only the managed array limit.
        e.Length <= Array.MaxLength ? new byte[e.Length]
        : throw new SafeTensorsFormatException($"the tensor has {e.Length} bytes; tensors over {Array.MaxLength} bytes are not supported", fileName, e.Name);

    private static SafeTensorsEntry ToEntry(SafeTensorsHeader.Entry e, byte[] data, string? fileName)
    {
        // libtorch's bool is one byte holding 0 or 1; any other value is undefined behaviour in C++.
        if (e.DType == ScalarType.Bool && data.AsSpan().IndexOfAnyExcept((byte)0, (byte)1) is var i and >= 0)
            throw new SafeTensorsFormatException($"BOOL element {i} is {data[i]}, not 0 or 1", fileName, e.Name);
        return new SafeTensorsEntry(e.Name, e.DType, e.Shape, data);
    }

    private static void ReadExactly(Stream stream, byte[] buffer, string? fileName, string? tensorName)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            // The length was checked up front, so this is a file that shrank or a stream that misreports its length.
            throw new SafeTensorsFormatException($"the file ended before {buffer.Length} bytes could be read (truncated data)", fileName, tensorName, e);
        }
    }
}
