namespace ML.Generative.Fid.Npz;

/// <summary>A NumPy array in C (row-major) order: element type, shape and little-endian bytes.</summary>
public sealed class NpyArray
{
    private readonly long[] _shape;
    private readonly byte[] _data;

    /// <summary>Wraps an array's bytes (not copied).</summary>
    /// <exception cref="ArgumentException">A size is negative or the byte count does not match the shape.</exception>
    public NpyArray(NpyDType dtype, long[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long numel = 1;
        foreach (long s in shape)
        {
            if (s < 0) throw new ArgumentException("Array sizes cannot be negative.", nameof(shape));
            numel = checked(numel * s);
        }
        if (checked(numel * dtype.Size()) != data.Length)
            throw new ArgumentException($"Shape [{string.Join(",", shape)}] of {dtype} needs {numel * dtype.Size()} bytes; got {data.Length}.", nameof(data));
        DType = dtype;
        _shape = (long[])shape.Clone();
        _data = data;
        ElementCount = numel;
    }

    /// <summary>A float64 array with the given values and shape (a 1-D array when no shape is given).</summary>
    public static NpyArray FromDoubles(ReadOnlySpan<double> values, params long[] shape) =>
        new(NpyDType.Float64, ShapeOrVector(shape, values.Length), LittleEndian.ToBytes(values));

    /// <summary>A float32 array with the given values and shape (a 1-D array when no shape is given).</summary>
    public static NpyArray FromFloats(ReadOnlySpan<float> values, params long[] shape) =>
        new(NpyDType.Float32, ShapeOrVector(shape, values.Length), LittleEndian.ToBytes(values));

    /// <summary>An int64 array with the given values and shape (a 1-D array when no shape is given).</summary>
    public static NpyArray FromInt64(ReadOnlySpan<long> values, params long[] shape) =>
        new(NpyDType.Int64, ShapeOrVector(shape, values.Length), LittleEndian.ToBytes(values));

    /// <summary>An int64 0-dim scalar.</summary>
    public static NpyArray Scalar(long value) => FromInt64([value], Array.Empty<long>());

    private static long[] ShapeOrVector(long[]? shape, int length) => shape is { Length: > 0 } ? shape : [length];

    /// <summary>The element type.</summary>
    public NpyDType DType { get; }

    /// <summary>The sizes, outermost first; empty for a 0-dim scalar.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>The number of elements.</summary>
    public long ElementCount { get; }

    /// <summary>The raw little-endian bytes, C order.</summary>
    public ReadOnlySpan<byte> Data => _data;

    /// <summary>The values as float64 (float32 widened exactly).</summary>
    /// <exception cref="InvalidOperationException">The array holds integers.</exception>
    public double[] ToDoubleArray() => DType switch
    {
        NpyDType.Float64 => LittleEndian.FromBytes<double>(_data),
        NpyDType.Float32 => Array.ConvertAll(LittleEndian.FromBytes<float>(_data), x => (double)x),
        _ => throw new InvalidOperationException($"The array holds {DType}, not floating-point values."),
    };

    /// <summary>The values of an int64 array.</summary>
    /// <exception cref="InvalidOperationException">The array holds floating-point values.</exception>
    public long[] ToInt64Array() => DType == NpyDType.Int64
        ? LittleEndian.FromBytes<long>(_data)
        : throw new InvalidOperationException($"The array holds {DType}, not Int64.");
}
