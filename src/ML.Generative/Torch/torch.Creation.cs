using ML.Generative.Torch.Native;
using static ML.Generative.Torch.Native.TensorNative;

namespace ML.Generative.Torch;

/// <summary>
/// The TorchSharp-shaped entry point: <c>using static ML.Generative.Torch.torch;</c> then <c>zeros(2, 3)</c>,
/// <c>nn.Linear(4, 2)</c>, <c>optim.Adam(...)</c>, as in TorchSharp model code.
/// </summary>
public static partial class torch
{
    private enum NewKind { Empty = 0, Zeros = 1, Ones = 2, Full = 3, Rand = 4, Randn = 5 }

    private static unsafe Tensor New(NewKind kind, long[] size, double value, ScalarType? dtype, Device? device, bool requiresGrad)
    {
        var d = device ?? Device.CPU;
        fixed (long* p = size)
            return new Tensor(Errors.Check(mlg_tensor_new((int)kind, p, size.Length, value, (int)(dtype ?? ScalarType.Float32),
                (int)d.type, d.index, requiresGrad ? 1 : 0)));
    }

    public static Tensor empty(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => New(NewKind.Empty, size, 0, dtype, device, requires_grad);
    public static Tensor zeros(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => New(NewKind.Zeros, size, 0, dtype, device, requires_grad);
    public static Tensor ones(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => New(NewKind.Ones, size, 0, dtype, device, requires_grad);
    public static Tensor full(long[] size, double value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => New(NewKind.Full, size, value, dtype, device, requires_grad);
    public static Tensor rand(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => New(NewKind.Rand, size, 0, dtype, device, requires_grad);
    public static Tensor randn(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) => New(NewKind.Randn, size, 0, dtype, device, requires_grad);
    public static Tensor empty(params long[] size) => empty(size, null);
    public static Tensor zeros(params long[] size) => zeros(size, null);
    public static Tensor ones(params long[] size) => ones(size, null);
    public static Tensor rand(params long[] size) => rand(size, null);
    public static Tensor randn(params long[] size) => randn(size, null);

    private static Tensor Like(Tensor t, int kind, double value = 0) => new(Errors.Check(mlg_tensor_new_like(t.Handle, kind, value)));
    public static Tensor zeros_like(Tensor t) => Like(t, 0);
    public static Tensor ones_like(Tensor t) => Like(t, 1);
    public static Tensor rand_like(Tensor t) => Like(t, 2);
    public static Tensor randn_like(Tensor t) => Like(t, 3);
    public static Tensor empty_like(Tensor t) => Like(t, 4);
    public static Tensor full_like(Tensor t, double value) => Like(t, 5, value);

    /// <summary>Integers drawn uniformly from [low, high).</summary>
    public static unsafe Tensor randint(long low, long high, long[] size, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* p = size)
            return new Tensor(Errors.Check(mlg_tensor_randint(low, high, p, size.Length, (int)(dtype ?? ScalarType.Int64), (int)d.type, d.index)));
    }

    public static Tensor randint(long high, long[] size, ScalarType? dtype = null, Device? device = null) => randint(0, high, size, dtype, device);

    public static Tensor randperm(long n, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return new Tensor(Errors.Check(mlg_tensor_randperm(n, (int)(dtype ?? ScalarType.Int64), (int)d.type, d.index)));
    }

    /// <summary>Values from start to end (exclusive) by step; int64 when all three are whole numbers and no
    /// dtype is given, as in PyTorch.</summary>
    public static Tensor arange(double start, double end, double step = 1, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.CPU;
        var type = dtype ?? (IsWhole(start) && IsWhole(end) && IsWhole(step) ? ScalarType.Int64 : ScalarType.Float32);
        return new Tensor(Errors.Check(mlg_tensor_arange(start, end, step, (int)type, (int)d.type, d.index)));
    }

    public static Tensor arange(double end, ScalarType? dtype = null, Device? device = null) => arange(0, end, 1, dtype, device);

    private static bool IsWhole(double v) => Math.Floor(v) == v;

    public static Tensor linspace(double start, double end, long steps, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return new Tensor(Errors.Check(mlg_tensor_linspace(start, end, steps, (int)(dtype ?? ScalarType.Float32), (int)d.type, d.index)));
    }

    public static Tensor eye(long n, long m = -1, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return new Tensor(Errors.Check(mlg_tensor_eye(n, m < 0 ? n : m, (int)(dtype ?? ScalarType.Float32), (int)d.type, d.index)));
    }

    public static Tensor scalar_tensor(double value, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return new Tensor(Errors.Check(mlg_tensor_scalar(value, (int)(dtype ?? ScalarType.Float32), (int)d.type, d.index)));
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/>, viewed with <paramref name="shape"/>
    /// (default: one dimension of the data's length).</summary>
    public static unsafe Tensor tensor<T>(ReadOnlySpan<T> data, long[]? shape = null, ScalarType? dtype = null,
        Device? device = null, bool requires_grad = false) where T : unmanaged
    {
        shape ??= new long[] { data.Length };
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} elements but {data.Length} were given", nameof(shape));
        var d = device ?? Device.CPU;
        var stored = ScalarTypeOf<T>();
        Tensor t;
        fixed (T* p = data)
        fixed (long* s = shape)
            t = new Tensor(Errors.Check(mlg_tensor_from_data(p, (long)data.Length * sizeof(T), s, shape.Length, (int)stored,
                (int)d.type, d.index, requires_grad && dtype == null ? 1 : 0)));
        if (dtype == null || dtype == stored) return t;
        using (t)
        {
            var converted = t.to(dtype.Value);
            if (requires_grad) converted.requires_grad = true;
            return converted;
        }
    }

    public static Tensor tensor<T>(T[] data, long[]? shape = null, ScalarType? dtype = null, Device? device = null,
        bool requires_grad = false) where T : unmanaged => tensor<T>(data.AsSpan(), shape, dtype, device, requires_grad);

    public static Tensor tensor<T>(T[,] data, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        where T : unmanaged
    {
        var flat = new T[data.Length];
        var i = 0;
        foreach (var v in data) flat[i++] = v;
        return tensor<T>(flat, new long[] { data.GetLength(0), data.GetLength(1) }, dtype, device, requires_grad);
    }

    /// <summary>A 0-dimensional tensor holding one value.</summary>
    public static Tensor tensor(double value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var t = scalar_tensor(value, dtype ?? ScalarType.Float32, device);
        if (requires_grad) t.requires_grad = true;
        return t;
    }

    /// <summary>Raw little-endian bytes of <paramref name="dtype"/> elements, as found in weight files.</summary>
    public static unsafe Tensor frombuffer(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape)
    {
        fixed (byte* p = bytes)
        fixed (long* s = shape)
            return new Tensor(Errors.Check(mlg_tensor_from_data(p, bytes.Length, s, shape.Length, (int)dtype, 0, 0, 0)));
    }
}
