using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;
using static TorchSharp.torch;

namespace ML.Generative.Serialization;

/// <summary>
/// The parsed and validated header of a safetensors file. Everything here comes from an untrusted file, so
/// every field is checked before anything is allocated from it.
/// </summary>
/// <remarks>
/// Layout (integers little-endian):
/// <code>
/// [0, 8)          u64 N, the length of the JSON header; N &lt;= MaxHeaderLength and N &lt;= file length - 8
/// [8, 8 + N)      UTF-8 JSON object (valid UTF-8 throughout), space-padded at the end:
///                   "__metadata__": { string: string }                              (optional)
///                   name: { "dtype": "F32", "shape": [d0, ...], "data_offsets": [begin, end] }
/// [8 + N, EOF)    data section: tensor `name` is bytes [begin, end) of it, row-major, little-endian
/// </code>
/// Rules enforced: a known dtype; non-negative integer dimensions; begin &lt;= end &lt;= data length;
/// (product of dimensions) x (element size) == end - begin without overflow; no duplicate keys; no unknown
/// fields; and the ranges, sorted, tile the data section exactly: no overlaps and no holes, trailing bytes
/// included. The format's own description forbids holes (so a file cannot hide a second payload); we follow it.
/// </remarks>
internal sealed class SafeTensorsHeader
{
    internal const string MetadataKey = "__metadata__";

    /// <summary>One tensor's header entry, offsets relative to the data section.</summary>
    internal sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End)
    {
        internal long Length => End - Begin;
    }

    private SafeTensorsHeader(IReadOnlyList<Entry> entries, IReadOnlyDictionary<string, string> metadata, long dataLength)
    {
        Entries = entries;
        Metadata = metadata;
        DataLength = dataLength;
    }

    /// <summary>The tensors, sorted by their position in the data section.</summary>
    internal IReadOnlyList<Entry> Entries { get; }

    internal IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Bytes in the data section (file length - 8 - header length).</summary>
    internal long DataLength { get; }

    /// <summary>Reads the header length from the first 8 bytes and checks it against the limit and against the
    /// <paramref name="available"/> bytes (the whole file, length field included).</summary>
    internal static long ReadLength(ReadOnlySpan<byte> prefix, long available, string? fileName)
    {
        if (available < 8 || prefix.Length < 8)
            throw new SafeTensorsFormatException(
                $"the file has {available} bytes, fewer than the 8 of the header length (truncated header)", fileName);
        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > SafeTensorsFile.MaxHeaderLength)
            throw new SafeTensorsFormatException(
                $"the header length {length} bytes exceeds the limit of {SafeTensorsFile.MaxHeaderLength} bytes", fileName);
        if (length > (ulong)(available - 8))
            throw new SafeTensorsFormatException(
                $"the header length {length} bytes is larger than the {available - 8} bytes after the length field (truncated file?)", fileName);
        return (long)length;
    }

    /// <summary>Parses and validates the JSON header against a data section of <paramref name="dataLength"/> bytes.</summary>
    internal static SafeTensorsHeader Parse(ReadOnlyMemory<byte> json, long dataLength, string? fileName)
    {
        // The JSON reader checks structure, not the UTF-8 inside strings; names with broken UTF-8 would fail
        // later, with an exception that is not ours.
        if (!Utf8.IsValid(json.Span))
            throw new SafeTensorsFormatException("the header is not valid UTF-8", fileName);
        JsonDocument document;
        try
        {
            // Depth 3 is all the format needs (root, entry, shape); a little slack, but no deep nesting.
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"the header is not valid JSON: {e.Message}", fileName, inner: e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException($"the header must be a JSON object, not {Describe(root.ValueKind)}", fileName);

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
            foreach (var property in root.EnumerateObject())
            {
                var name = property.Name;
                if (!seen.Add(name))
                    throw new SafeTensorsFormatException("the key appears more than once in the header", fileName, name);
                if (name == MetadataKey)
                    metadata = ParseMetadata(property.Value, fileName);
                else
                    entries.Add(ParseEntry(name, property.Value, dataLength, fileName));
            }
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            CheckTiling(entries, dataLength, fileName);
            return new SafeTensorsHeader(entries, metadata, dataLength);
        }
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value, string? fileName)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException($"\"{MetadataKey}\" must be an object of strings, not {Describe(value.ValueKind)}", fileName);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException(
                    $"\"{MetadataKey}\" value of '{item.Name}' must be a string, not {Describe(item.Value.ValueKind)}", fileName);
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafeTensorsFormatException($"\"{MetadataKey}\" has the key '{item.Name}' more than once", fileName);
        }
        return metadata;
    }

    private static Entry ParseEntry(string name, JsonElement value, long dataLength, string? fileName)
    {
        SafeTensorsFormatException Fail(string problem) => new(problem, fileName, name);

        if (value.ValueKind != JsonValueKind.Object)
            throw Fail($"the entry must be an object with dtype, shape and data_offsets, not {Describe(value.ValueKind)}");
        string? dtypeName = null;
        long[]? shape = null, offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtypeName is null:
                    dtypeName = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()!
                        : throw Fail($"dtype must be a string, not {Describe(field.Value.ValueKind)}");
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(field.Value, "shape", Fail);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(field.Value, "data_offsets", Fail);
                    if (offsets.Length != 2) throw Fail($"data_offsets must hold 2 numbers [begin, end], not {offsets.Length}");
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Fail($"the field '{field.Name}' appears more than once");
                default:
                    throw Fail($"unknown field '{field.Name}' (expected dtype, shape, data_offsets)");
            }
        }
        if (dtypeName is null) throw Fail("the dtype field is missing");
        if (shape is null) throw Fail("the shape field is missing");
        if (offsets is null) throw Fail("the data_offsets field is missing");
        if (!SafeTensorsDType.TryParse(dtypeName, out var dtype))
            throw Fail($"unknown dtype '{dtypeName}' (known: {SafeTensorsDType.KnownNames})");

        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end) throw Fail($"data_offsets [{begin}, {end}] begin after they end");
        if (end > dataLength)
            throw Fail($"data_offsets [{begin}, {end}] reach past the data section of {dataLength} bytes (truncated file?)");
        var needed = SafeTensorsDType.ByteLength(dtype, shape);
        if (needed is null)
            throw Fail($"shape [{string.Join(", ", shape)}] of {dtypeName} has more bytes than a 64-bit size can count");
        if (needed != end - begin)
            throw Fail($"shape [{string.Join(", ", shape)}] of {dtypeName} needs {needed} bytes but data_offsets [{begin}, {end}] hold {end - begin}");
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement value, string field, Func<string, SafeTensorsFormatException> fail)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw fail($"{field} must be an array of non-negative integers, not {Describe(value.ValueKind)}");
        var result = new long[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var v) || v < 0)
                throw fail($"{field}[{i}] must be a non-negative 64-bit integer, not {item.GetRawText()}");
            result[i++] = v;
        }
        return result;
    }

    /// <summary>Sorted ranges must follow one another exactly from 0 to the end of the data section.</summary>
    private static void CheckTiling(List<Entry> sorted, long dataLength, string? fileName)
    {
        long covered = 0;
        Entry? previous = null;
        foreach (var e in sorted)
        {
            if (e.Begin < covered)
                throw new SafeTensorsFormatException(
                    $"bytes [{e.Begin}, {e.End}) overlap tensor '{previous!.Name}' at [{previous.Begin}, {previous.End})", fileName, e.Name);
            if (e.Begin > covered)
                throw new SafeTensorsFormatException(
                    $"bytes [{covered}, {e.Begin}) of the data section belong to no tensor (holes are not allowed)", fileName, e.Name);
            covered = e.End;
            previous = e;
        }
        if (covered != dataLength)
            throw new SafeTensorsFormatException(
                $"the last {dataLength - covered} bytes of the data section belong to no tensor (holes and trailing bytes are not allowed)", fileName);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
