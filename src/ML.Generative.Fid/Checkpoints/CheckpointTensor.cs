using TorchSharp;

namespace ML.Generative.Fid.Checkpoints;

/// <summary>
/// One named tensor of a state dict, held in managed memory: element type, shape and contiguous
/// row-major little-endian bytes (whatever view of a storage the file described, already materialised).
/// </summary>
public sealed class CheckpointTensor
{
    private readonly long[] _shape;
    private readonly byte[] _data;

    /// <summary>Wraps a tensor's bytes (not copied).</summary>
    /// <param name="key">The state-dict key.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The sizes, outermost first; empty for a 0-dim scalar.</param>
    /// <param name="data">Row-major little-endian bytes: exactly numel·element-size of them.</param>
    /// <exception cref="ArgumentException">A size is negative or the byte count does not match the shape.</exception>
    public CheckpointTensor(string key, torch.ScalarType dtype, long[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long numel = 1;
        foreach (long size in shape)
        {
            if (size < 0) throw new ArgumentException($"Tensor '{key}' has a negative size.", nameof(shape));
            numel = checked(numel * size);
        }
        if (checked(numel * dtype.ElementSize()) != data.Length)
            throw new ArgumentException($"Tensor '{key}' of shape [{string.Join(",", shape)}] and type {dtype} needs {numel * dtype.ElementSize()} bytes; got {data.Length}.", nameof(data));
        Key = key;
        DType = dtype;
        _shape = (long[])shape.Clone();
        _data = data;
        ElementCount = numel;
    }

    /// <summary>The state-dict key, e.g. <c>Conv2d_1a_3x3.conv.weight</c>.</summary>
    public string Key { get; }

    /// <summary>The element type.</summary>
    public torch.ScalarType DType { get; }

    /// <summary>The sizes, outermost first; empty for a 0-dim scalar.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>The number of elements (1 for a 0-dim scalar).</summary>
    public long ElementCount { get; }

    /// <summary>Row-major little-endian element bytes.</summary>
    public ReadOnlySpan<byte> Data => _data;

    /// <summary>The values of a float32 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is of another type.</exception>
    public float[] ToFloatArray()
    {
        Expect(torch.ScalarType.Float32);
        return LittleEndian.FromBytes<float>(_data);
    }

    /// <summary>The values of a float64 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is of another type.</exception>
    public double[] ToDoubleArray()
    {
        Expect(torch.ScalarType.Float64);
        return LittleEndian.FromBytes<double>(_data);
    }

    /// <summary>The values of an int64 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is of another type.</exception>
    public long[] ToInt64Array()
    {
        Expect(torch.ScalarType.Int64);
        return LittleEndian.FromBytes<long>(_data);
    }

    /// <summary>A new CPU <see cref="torch.Tensor"/> with a copy of the data; the caller disposes it.</summary>
    public torch.Tensor ToTensor() => TensorData.FromBytes(_data, DType, _shape);

    /// <inheritdoc/>
    public override string ToString() => $"{Key}: {DType}[{string.Join(",", _shape)}]";

    private void Expect(torch.ScalarType type)
    {
        if (DType != type) throw new InvalidOperationException($"Tensor '{Key}' holds {DType}, not {type}.");
    }
}
