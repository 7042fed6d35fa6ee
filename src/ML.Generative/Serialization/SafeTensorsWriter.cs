using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using static TorchSharp.torch;

namespace ML.Generative.Serialization;

/// <summary>
/// Writes the safetensors layout described in <see cref="SafeTensorsHeader"/>. The header needs only names,
/// dtypes and shapes, so each tensor's bytes are asked for just before they are written: saving a model holds
/// at most one tensor's bytes beside the model.
/// </summary>
internal static class SafeTensorsWriter
{
    /// <summary>A tensor to write; <paramref name="Data"/> is called once, when its bytes are due.</summary>
    internal readonly record struct Item(string Name, ScalarType DType, long[] Shape, Func<ReadOnlyMemory<byte>> Data);

    private static readonly byte[] Padding = "        "u8.ToArray();

    internal static void Write(Stream stream, IEnumerable<Item> items, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var layout = Order(items);
        var header = Header(layout, metadata);
        // Space-pad so the data section starts 8-byte aligned; with the ordering below every tensor is then
        // aligned to its element size, so readers may map the data in place.
        var padding = (8 - header.Length % 8) % 8;
        if (header.Length + padding > SafeTensorsFile.MaxHeaderLength)
            throw new ArgumentException($"the header would have {header.Length + padding} bytes, over the {SafeTensorsFile.MaxHeaderLength} a reader accepts");

        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(header.Length + padding));
        stream.Write(prefix);
        stream.Write(header.Span);
        stream.Write(Padding, 0, padding);
        foreach (var (item, size) in layout)
        {
            var data = item.Data();
            if (data.Length != size)
                throw new InvalidOperationException($"tensor '{item.Name}' gave {data.Length} bytes; its shape needs {size}");
            stream.Write(data.Span);
        }
        stream.Flush();
    }

    /// <summary>Checks the items and orders them by element size (largest first), then by name: aligned data,
    /// and the same bytes for the same tensors whatever order a dictionary enumerates them in.</summary>
    private static List<(Item item, long size)> Order(IEnumerable<Item> items)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var layout = new List<(Item item, long size)>();
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item.Name);
            if (item.Name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved for metadata and cannot name a tensor");
            if (!names.Add(item.Name)) throw new ArgumentException($"two tensors are named '{item.Name}'");
            if (!SafeTensorsDType.IsSupported(item.DType))
                throw new ArgumentException($"tensor '{item.Name}': safetensors cannot store tensors of type {item.DType}");
            var size = SafeTensorsDType.ByteLength(item.DType, item.Shape)
                ?? throw new ArgumentException($"tensor '{item.Name}': shape [{string.Join(", ", item.Shape)}] is negative or too large");
            layout.Add((item, size));
        }
        return layout
            .OrderByDescending(x => SafeTensorsDType.SizeOf(x.item.DType))
            .ThenBy(x => x.item.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static ReadOnlyMemory<byte> Header(List<(Item item, long size)> layout, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps non-ASCII names readable; the header is never embedded in HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                    json.WriteString(key, value ?? throw new ArgumentException($"metadata '{key}' is null"));
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (item, size) in layout)
            {
                json.WriteStartObject(item.Name);
                json.WriteString("dtype", SafeTensorsDType.NameOf(item.DType));
                json.WriteStartArray("shape");
                foreach (var d in item.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += size);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }
}
