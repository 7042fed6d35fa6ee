namespace ML.Generative.Tests;

/// <summary>Boolean forms of TorchSharp's tensor comparisons for assertions (TorchSharp's <c>equal</c> returns a
/// tensor), and the live-tensor count the lifetime tests watch.</summary>
public static class TensorAssertions
{
    /// <summary>Same shape, same dtype and exactly the same elements (PyTorch's <c>torch.equal</c>; TorchSharp's
    /// <c>equal</c> compares element by element).</summary>
    public static bool Identical(this TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype) return false;
        using var same = a.eq(b);
        using var all = same.all();
        return all.item<bool>();
    }

    /// <summary>The elements as doubles (any dtype, device or layout), row-major.</summary>
    public static double[] ToDoubles(this TorchSharp.torch.Tensor t) => ML.Generative.Tensors.TensorData.ToDoubles(t);

    /// <summary>The elements as floats (any dtype, device or layout), row-major.</summary>
    public static float[] ToFloats(this TorchSharp.torch.Tensor t) => ML.Generative.Tensors.TensorData.ToFloats(t);

    /// <summary>Tensors created and not yet disposed, in the whole process (TorchSharp's own counter).</summary>
    public static long LiveTensors => TorchSharp.torch.Tensor.TotalCount;
}
