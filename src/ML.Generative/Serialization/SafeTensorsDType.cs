using static TorchSharp.torch;

namespace ML.Generative.Serialization;

/// <summary>The dtype names of the safetensors header and their element types. Kept apart from
/// libtorch, so that reading a header never loads the native library.</summary>
internal static class SafeTensorsDType
{
    private static readonly (string name, ScalarType type, int size)[] Table =
    {
        ("F64", ScalarType.Float64, 8),
        ("F32", ScalarType.Float32, 4),
        ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2),
        ("I64", ScalarType.Int64, 8),
        ("I32", ScalarType.Int32, 4),
        ("I16", ScalarType.Int16, 2),
        ("I8", ScalarType.Int8, 1),
        ("U8", ScalarType.Byte, 1),
        ("BOOL", ScalarType.Bool, 1),
    };

    /// <summary>The dtype names this library reads and writes, for messages.</summary>
    internal static string KnownNames => string.Join(", ", Table.Select(t => t.name));

    internal static bool TryParse(string name, out ScalarType type)
    {
        foreach (var t in Table)
            if (t.name == name)
            {
                type = t.type;
                return true;
            }
        type = default;
        return false;
    }

    internal static bool IsSupported(ScalarType type) => Table.Any(t => t.type == type);

    internal static string NameOf(ScalarType type) =>
        Table.FirstOrDefault(t => t.type == type).name
        ?? throw new ArgumentException($"safetensors cannot store tensors of type {type}");

    internal static int SizeOf(ScalarType type) =>
        Table.FirstOrDefault(t => t.type == type).size is var s and > 0 ? s
        : throw new ArgumentException($"safetensors cannot store tensors of type {type}");

    /// <summary>Bytes needed by <paramref name="shape"/> elements of <paramref name="type"/>, or null when a
    /// dimension is negative or the count overflows 64 bits (untrusted headers may try either).</summary>
    internal static long? ByteLength(ScalarType type, IReadOnlyList<long> shape)
    {
        // A zero dimension makes the tensor empty whatever the others say; check first so huge
        // dimensions beside it cannot overflow the product.
        if (shape.Any(d => d < 0)) return null;
        if (shape.Any(d => d == 0)) return 0;
        try
        {
            long count = SizeOf(type);
            foreach (var d in shape) count = checked(count * d);
            return count;
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
