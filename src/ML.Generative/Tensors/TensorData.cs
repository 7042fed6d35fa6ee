using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Tensors;

/// <summary>
/// Copies between managed memory and tensors — the one place the library does it. TorchSharp's
/// <c>torch.tensor(float[])</c> wraps the managed array without copying; its alignment then differs from run to
/// run, and MKL's last bit with it, so two processes with identical weights gave different outputs. Every tensor
/// made from managed data here owns fresh, libtorch-allocated memory instead, which keeps exact resume and
/// cross-process identity.
/// </summary>
public static class TensorData
{
    /// <summary>A new float32 CPU tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>.</summary>
    public static Tensor From(ReadOnlySpan<float> values, params long[] shape) => From<float>(values, ScalarType.Float32, shape);

    /// <summary>A new int64 CPU tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>.</summary>
    public static Tensor From(ReadOnlySpan<long> values, params long[] shape) => From<long>(values, ScalarType.Int64, shape);

    /// <summary>A new float64 CPU tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>.</summary>
    public static Tensor From(ReadOnlySpan<double> values, params long[] shape) => From<double>(values, ScalarType.Float64, shape);

    private static unsafe Tensor From<T>(ReadOnlySpan<T> values, ScalarType dtype, long[] shape) where T : unmanaged
    {
        var count = shape.Aggregate(1L, (a, b) => checked(a * b));
        if (count != values.Length)
            throw new ArgumentException($"{values.Length} values cannot fill a tensor of shape [{string.Join(", ", shape)}] ({count} elements)");
        var result = empty(shape, dtype);
        values.CopyTo(new Span<T>((void*)DataPointer(result), values.Length));
        return result;
    }

    /// <summary>A new CPU tensor of <paramref name="dtype"/> and <paramref name="shape"/> holding a copy of raw
    /// little-endian element bytes (safetensors entries, checkpoint storages, golden files).</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> data, ScalarType dtype, long[] shape)
    {
        var result = empty(shape, dtype);
        data.CopyTo(result.bytes);
        return result;
    }

    /// <summary><paramref name="cpu"/> itself when <paramref name="device"/> is the CPU (or null), else a copy on
    /// <paramref name="device"/>, with <paramref name="cpu"/> disposed.</summary>
    public static Tensor ToDevice(Tensor cpu, Device? device)
    {
        if (device is null || device.type == DeviceType.CPU) return cpu;
        using (cpu) return cpu.to(device);
    }

    /// <summary>The elements of <paramref name="tensor"/> (any device, any layout) as a new float array, row-major.</summary>
    public static float[] ToFloats(Tensor tensor)
    {
        var result = new float[tensor.numel()];
        CopyTo(tensor, result);
        return result;
    }

    /// <summary>The elements of <paramref name="tensor"/> (any device, layout or floating type) as a new double array, row-major.</summary>
    public static double[] ToDoubles(Tensor tensor)
    {
        var result = new double[tensor.numel()];
        CopyOut<double>(tensor, ScalarType.Float64, result);
        return result;
    }

    /// <summary>Copies the elements of <paramref name="tensor"/>, as float32 and row-major, into <paramref name="destination"/>.</summary>
    public static void CopyTo(Tensor tensor, Span<float> destination) => CopyOut(tensor, ScalarType.Float32, destination);

    private static unsafe void CopyOut<T>(Tensor tensor, ScalarType dtype, Span<T> destination) where T : unmanaged
    {
        if (tensor.numel() != destination.Length)
            throw new ArgumentException($"a tensor of {tensor.numel()} elements does not fit {destination.Length} {typeof(T).Name} values");
        using var scope = NewDisposeScope();
        var source = tensor.detach().to(dtype, CPU).contiguous();
        new ReadOnlySpan<T>((void*)DataPointer(source), destination.Length).CopyTo(destination);
    }

    /// <summary>The address of the first element of a contiguous CPU tensor (libtorch's memory: it does not move).</summary>
    public static unsafe IntPtr DataPointer(Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException($"only a contiguous CPU tensor exposes its memory (this one is on {tensor.device}, contiguous: {tensor.is_contiguous()})");
        return tensor.numel() == 0 ? IntPtr.Zero : (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));
    }

    /// <summary>Puts a tensor made outside the caller's dispose scope (another thread's, or none) into the scope
    /// that is current on this thread, so the caller's <c>using var scope</c> frees it.</summary>
    public static Tensor AdoptIntoCurrentScope(Tensor tensor)
    {
        var scope = torch.CurrentDisposeScope;
        if (scope is not null && !scope.Contains(tensor)) scope.Attach(tensor);
        return tensor;
    }
}
