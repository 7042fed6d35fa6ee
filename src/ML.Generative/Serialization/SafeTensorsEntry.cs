using static TorchSharp.torch;

namespace ML.Generative.Serialization;

/// <summary>
/// One tensor as safetensors stores it, independent of libtorch: a name, an element type, a shape and the raw
/// little-endian bytes in row-major order.
/// </summary>
public sealed class SafeTensorsEntry
{
    private readonly long[] shape;

    /// <summary>Creates an entry; <paramref name="data"/> must hold exactly the bytes the shape needs.</summary>
    /// <exception cref="ArgumentException">The dtype cannot be stored, a dimension is negative, or the data has the wrong length.</exception>
    public SafeTensorsEntry(string name, ScalarType dtype, long[] shape, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (!SafeTensorsDType.IsSupported(dtype))
            throw new ArgumentException($"tensor '{name}': safetensors cannot store tensors of type {dtype}", nameof(dtype));
        var needed = SafeTensorsDType.ByteLength(dtype, shape)
            ?? throw new ArgumentException($"tensor '{name}': shape [{string.Join(", ", shape)}] is negative or too large", nameof(shape));
        if (data.Length != needed)
            throw new ArgumentException($"tensor '{name}': shape [{string.Join(", ", shape)}] of {dtype} needs {needed} bytes but {data.Length} were given", nameof(data));
        Name = name;
        DType = dtype;
        this.shape = (long[])shape.Clone();
        Data = data;
    }

    /// <summary>The key in the file (for a state dict, e.g. <c>encoder.0.weight</c>).</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public ScalarType DType { get; }

    /// <summary>The dimensions; empty for a 0-d scalar.</summary>
    public IReadOnlyList<long> Shape => shape;

    /// <summary>The raw bytes, little-endian, row-major.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>A copy of the dimensions, as libtorch calls take them.</summary>
    public long[] ShapeArray() => (long[])shape.Clone();

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {SafeTensorsDType.NameOf(DType)} [{string.Join(", ", shape)}]";
}
