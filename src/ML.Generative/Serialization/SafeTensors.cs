using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Serialization;

/// <summary>
/// Saves and loads named libtorch tensors as safetensors files — the format of Hugging Face checkpoints and
/// of this library's model zips. Files are written atomically and read defensively (see
/// <see cref="SafeTensorsFile"/>).
/// </summary>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> (any device, any supported dtype) to <paramref name="path"/>
    /// atomically: on failure the previous file is left as it was and no temporary file remains.</summary>
    /// <exception cref="ArgumentException">A tensor's dtype cannot be stored, or a name is <c>__metadata__</c>.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        AtomicFile.Write(path, stream => Save(stream, tensors, metadata));
    }

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="stream"/>, one tensor's bytes in memory at a time.</summary>
    public static void Save(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        CheckByteOrder();
        var items = tensors.Select(kv => new SafeTensorsWriter.Item(kv.Key, kv.Value.dtype, kv.Value.shape, () => RawBytes(kv.Key, kv.Value)));
        SafeTensorsWriter.Write(stream, items, metadata);
    }

    /// <summary>Reads every tensor of the file at <paramref name="path"/> (on the CPU unless
    /// <paramref name="device"/> says otherwise). The caller owns, and disposes, the tensors.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is not a valid safetensors file.</exception>
    public static Dictionary<string, Tensor> Load(string path, Device? device = null)
    {
        using var stream = SafeTensorsFile.OpenRead(path);
        return Load(stream, path, device);
    }

    /// <summary>Reads every tensor of a safetensors file from <paramref name="stream"/>.</summary>
    /// <param name="stream">The data, read from its current position to its end.</param>
    /// <param name="fileName">Named in error messages.</param>
    /// <param name="device">Where the tensors go; the CPU when null.</param>
    /// <exception cref="SafeTensorsFormatException">The data is not a valid safetensors file.</exception>
    public static Dictionary<string, Tensor> Load(Stream stream, string? fileName = null, Device? device = null)
    {
        CheckByteOrder();
        var reader = SafeTensorsReader.Open(stream, fileName);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            // Each tensor's bytes are dropped as soon as libtorch holds a copy.
            foreach (var entry in reader.ReadEntries())
                result.Add(entry.Name, ToTensor(entry, device));
            return result;
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>Reads only the <c>__metadata__</c> strings of the file at <paramref name="path"/>.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is not a valid safetensors file.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => SafeTensorsFile.ReadMetadata(path);

    /// <summary>A libtorch tensor holding a copy of the entry's bytes.</summary>
    public static Tensor ToTensor(SafeTensorsEntry entry, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return TensorData.ToDevice(TensorData.FromBytes(entry.Data.Span, entry.DType, entry.ShapeArray()), device);
    }

    /// <summary>A neutral entry holding a copy of the tensor's bytes.</summary>
    public static SafeTensorsEntry ToEntry(string name, Tensor tensor) =>
        new(name, tensor.dtype, tensor.shape, RawBytes(name, tensor));

    /// <summary>The tensor's elements as stored (its own dtype, row-major, on the CPU).</summary>
    private static unsafe byte[] RawBytes(string name, Tensor tensor)
    {
        var dtype = tensor.dtype;
        if (!SafeTensorsDType.IsSupported(dtype))
            throw new ArgumentException($"tensor '{name}': safetensors cannot store tensors of type {dtype}");
        var size = checked(tensor.numel() * SafeTensorsDType.SizeOf(dtype));
        if (size > Array.MaxLength)
            throw new NotSupportedException($"tensor '{name}' has {size} bytes; tensors over {Array.MaxLength} bytes are not supported");
        var bytes = new byte[size];
        using var contiguous = tensor.detach().cpu().contiguous();
        contiguous.bytes.CopyTo(bytes);
        return bytes;
    }

    // libtorch keeps elements in the machine's byte order and the format is little-endian; every platform
    // .NET and libtorch share here is little-endian, so this only guards against a silent mix-up.
    private static void CheckByteOrder()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors I/O needs a little-endian machine");
    }
}
