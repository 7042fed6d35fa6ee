using System.Runtime.InteropServices;
using ML.Generative.Torch.Native;

namespace ML.Generative.Torch;

public static partial class torch
{
    /// <summary>
    /// A handle to a libtorch tensor. Tensors own native memory: dispose them, or create them inside a
    /// <see cref="NewDisposeScope"/> that disposes what it collected. A finalizer frees what escapes both.
    /// </summary>
    public partial class Tensor : IDisposable
    {
        private IntPtr handle;
        private static long created;
        private static long disposed;

        // Threads are set and the BLAS choice logged once, when the first use of tensors loads the native library.
        static Tensor() => RuntimeInfo.InitializeOnce();

        internal Tensor(IntPtr handle)
        {
            if (handle == IntPtr.Zero) throw new ArgumentNullException(nameof(handle));
            this.handle = handle;
            Interlocked.Increment(ref created);
            DisposeScope.Current?.Include(this);
        }

        /// <summary>The native handle; throws once the tensor has been disposed.</summary>
        internal IntPtr Handle =>
            handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Tensor), "the tensor has been disposed");

        /// <summary>True once <see cref="Dispose()"/> has run.</summary>
        public bool IsInvalid => handle == IntPtr.Zero;

        /// <summary>Tensors alive right now (created and not yet disposed or finalized), across all threads.</summary>
        public static long LiveCount => Interlocked.Read(ref created) - Interlocked.Read(ref disposed);

        /// <summary>Tensors created since the process started.</summary>
        public static long TotalCreated => Interlocked.Read(ref created);

        /// <summary>The scope that will dispose this tensor, if any.</summary>
        internal DisposeScope? OwningScope { get; set; }

        public void Dispose()
        {
            OwningScope?.Exclude(this);
            Free();
            GC.SuppressFinalize(this);
        }

        ~Tensor() => Free();

        private void Free()
        {
            var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
            if (h == IntPtr.Zero) return;
            TensorNative.mlg_tensor_free(h);
            Interlocked.Increment(ref disposed);
        }

        /// <summary>Keeps this tensor alive when the current dispose scope ends, handing it to the enclosing
        /// scope (or to nobody, at the outermost scope).</summary>
        public Tensor MoveToOuterDisposeScope()
        {
            var scope = OwningScope;
            scope?.Exclude(this);
            scope?.Outer?.Include(this);
            return this;
        }

        /// <summary>Takes this tensor out of every dispose scope: the caller now disposes it.</summary>
        public Tensor DetachFromDisposeScope()
        {
            OwningScope?.Exclude(this);
            return this;
        }

        // ---- properties -------------------------------------------------------------------------

        public long Dimensions => TensorNative.mlg_tensor_ndim(Handle);
        public long dim() => Dimensions;
        public long numel() => TensorNative.mlg_tensor_numel(Handle);
        public long NumberOfElements => numel();

        /// <summary>Whether this tensor's data live in the same storage as <paramref name="other"/>'s (views).</summary>
        internal bool SharesStorageWith(Tensor other) => TensorNative.mlg_tensor_shares_storage(Handle, other.Handle) != 0;

        public unsafe long[] shape
        {
            get
            {
                var h = Handle;
                var s = new long[TensorNative.mlg_tensor_ndim(h)];
                fixed (long* p = s) TensorNative.mlg_tensor_shape(h, p);
                return s;
            }
        }

        /// <summary>The size of one dimension (negative counts from the end).</summary>
        public long size(int dimension)
        {
            var s = shape;
            var d = dimension < 0 ? dimension + s.Length : dimension;
            if (d < 0 || d >= s.Length)
                throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"the tensor has {s.Length} dimensions");
            return s[d];
        }

        public unsafe long[] stride()
        {
            var h = Handle;
            var s = new long[TensorNative.mlg_tensor_ndim(h)];
            fixed (long* p = s) TensorNative.mlg_tensor_strides(h, p);
            return s;
        }

        public ScalarType dtype => (ScalarType)TensorNative.mlg_tensor_dtype(Handle);

        public Device device
        {
            get
            {
                var h = Handle;
                var type = (DeviceType)TensorNative.mlg_tensor_device_type(h);
                return type == DeviceType.CPU ? Device.CPU : new Device(type, TensorNative.mlg_tensor_device_index(h));
            }
        }

        public DeviceType device_type => (DeviceType)TensorNative.mlg_tensor_device_type(Handle);

        public bool requires_grad
        {
            get => TensorNative.mlg_tensor_requires_grad(Handle) != 0;
            set => Errors.Check(TensorNative.mlg_tensor_set_requires_grad(Handle, value ? 1 : 0));
        }

        public Tensor requires_grad_(bool value = true)
        {
            requires_grad = value;
            return this;
        }

        public bool is_leaf => TensorNative.mlg_tensor_is_leaf(Handle) != 0;

        public bool is_contiguous(MemoryFormat format = MemoryFormat.Contiguous) =>
            TensorNative.mlg_tensor_is_contiguous(Handle, (int)format) != 0;

        // ---- data out -----------------------------------------------------------------------------

        /// <summary>Copies the elements (converted to <typeparamref name="T"/>, in row-major order) to a new array.</summary>
        public T[] data<T>() where T : unmanaged
        {
            var result = new T[numel()];
            CopyTo<T>(result);
            return result;
        }

        /// <summary>Copies the elements (converted to <typeparamref name="T"/>, in row-major order) into a span
        /// that must hold exactly <see cref="numel"/> elements.</summary>
        public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
        {
            var n = numel();
            if (destination.Length != n)
                throw new ArgumentException($"destination holds {destination.Length} elements; the tensor has {n}", nameof(destination));
            fixed (T* p = destination)
                Errors.Check(TensorNative.mlg_tensor_copy_out(Handle, p, n * sizeof(T), (int)ScalarTypeOf<T>()));
        }

        /// <summary>Overwrites the elements from a span of exactly <see cref="numel"/> values (no autograd record).</summary>
        public unsafe Tensor CopyFrom<T>(ReadOnlySpan<T> source) where T : unmanaged
        {
            fixed (T* p = source)
                Errors.Check(TensorNative.mlg_tensor_copy_in(Handle, p, (long)source.Length * sizeof(T), (int)ScalarTypeOf<T>()));
            return this;
        }

        /// <summary>The value of a one-element tensor, converted to <typeparamref name="T"/> as the tensor's own
        /// conversion does (exact for int64, float to integer truncates), like <see cref="data{T}"/>.</summary>
        public unsafe T item<T>() where T : unmanaged
        {
            // libtorch checks for exactly one element and words the error; a double passing through would
            // round int64 values above 2^53, so other types are copied out natively.
            if (typeof(T) == typeof(double) || numel() != 1)
            {
                double v;
                Errors.Check(TensorNative.mlg_tensor_item(Handle, &v));
                return (T)(object)v;
            }
            T result = default;
            CopyTo(new Span<T>(&result, 1));
            return result;
        }

        /// <summary>The value of a one-element tensor as a double.</summary>
        public double ToDouble() => item<double>();
        public float ToSingle() => item<float>();
        public long ToInt64() => item<long>();
        public bool ToBoolean() => item<bool>();

        public override string ToString()
        {
            if (IsInvalid) return "Tensor (disposed)";
            return $"[{string.Join("x", shape)}], type = {dtype}, device = {device}";
        }

        /// <summary>libtorch's full print of the values.</summary>
        public unsafe string ToString(bool values) =>
            values ? RuntimeNative.ReadString((b, l) => TensorNative.mlg_tensor_to_string(Handle, b, l)) : ToString();

        // ---- conversion ---------------------------------------------------------------------------

        public Tensor to(ScalarType type, bool copy = false) => to(type, device, copy);
        public Tensor to(Device target, bool copy = false) => to(dtype, target, copy);
        public Tensor to(string target) => to(Device.Parse(target));

        public Tensor to(ScalarType type, Device target, bool copy = false) =>
            new(Errors.Check(TensorNative.mlg_tensor_to(Handle, (int)type, (int)target.type, target.index, copy ? 1 : 0)));

        public Tensor to_type(ScalarType type) => to(type);
        public Tensor @float() => to(ScalarType.Float32);
        public Tensor @double() => to(ScalarType.Float64);
        public Tensor @long() => to(ScalarType.Int64);
        public Tensor @int() => to(ScalarType.Int32);
        public Tensor @bool() => to(ScalarType.Bool);
        public Tensor cpu() => to(Device.CPU);
        public Tensor cuda(int index = -1) => to(new Device(DeviceType.CUDA, index));
        public Tensor clone() => new(Errors.Check(TensorNative.mlg_tensor_clone(Handle)));
        public Tensor detach() => new(Errors.Check(TensorNative.mlg_tensor_detach(Handle)));

        /// <summary>A second handle to the same tensor (shares data and autograd history).</summary>
        public Tensor alias() => new(Errors.Check(TensorNative.mlg_tensor_alias(Handle)));

        public Tensor contiguous(MemoryFormat format = MemoryFormat.Contiguous) =>
            new(Errors.Check(TensorNative.mlg_tensor_contiguous(Handle, (int)format)));

        /// <summary>Points this tensor at other data, keeping the tensor object (as <c>param.data = x</c>).</summary>
        public Tensor set_data(Tensor data)
        {
            Errors.Check(TensorNative.mlg_tensor_set_data(Handle, data.Handle));
            return this;
        }

        /// <summary>Copies values from <paramref name="source"/> (broadcast, converted), without autograd.</summary>
        public Tensor copy_(Tensor source)
        {
            Errors.Check(TensorNative.mlg_tensor_copy_(Handle, source.Handle));
            return this;
        }
    }

    /// <summary>How a 4-D tensor is laid out in memory.</summary>
    public enum MemoryFormat
    {
        Contiguous = 0,
        ChannelsLast = 1,
    }

    public static MemoryFormat channels_last => MemoryFormat.ChannelsLast;
    public static MemoryFormat contiguous_format => MemoryFormat.Contiguous;
}
