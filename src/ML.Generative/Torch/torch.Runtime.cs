using ML.Generative.Torch.Native;
using static ML.Generative.Torch.Native.RuntimeNative;

namespace ML.Generative.Torch;

public static partial class torch
{
    /// <summary>Seeds libtorch's default generators (CPU and CUDA): the same seed gives the same draws.</summary>
    public static void manual_seed(long seed) => Errors.Check(mlg_manual_seed(unchecked((ulong)seed)));

    /// <summary>libtorch's intra-op thread count.</summary>
    public static int get_num_threads() => mlg_get_num_threads();

    public static void set_num_threads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "at least one thread");
        Errors.Check(mlg_set_num_threads(threads));
    }

    public static int get_num_interop_threads() => mlg_get_num_interop_threads();

    /// <summary>The libtorch version the shim runs on, e.g. <c>1.13.1</c>.</summary>
    public static unsafe string __version__ => ReadString(mlg_torch_version);

    public static class cuda
    {
        public static bool is_available() => mlg_cuda_is_available() != 0;
        public static int device_count() => mlg_cuda_device_count();
        public static void synchronize() => Errors.Check(mlg_cuda_synchronize());

        /// <summary>Peak bytes held by tensors on CUDA device 0 since the process started (0 without CUDA).</summary>
        public static long max_memory_allocated()
        {
            var bytes = mlg_cuda_max_memory_allocated();
            if (bytes < 0) Errors.Check(-1);
            return bytes;
        }
    }

    public static class backends
    {
        public static class mkldnn
        {
            public static bool is_available() => mlg_mkldnn_is_available() != 0;
        }

        /// <summary>
        /// Whether transposed convolutions whose kernel equals their stride (no padding) run as one matrix
        /// multiply plus a pixel rearrangement (k &gt; 1) or as a oneDNN 1x1 convolution (k = 1), instead of
        /// libtorch 1.13's im2col path. Same result within float rounding; on by default; the environment
        /// variable MLGEN_NO_FAST_CONV_TRANSPOSE turns it off at start.
        /// </summary>
        public static bool fast_conv_transpose
        {
            get => Native.NNNative.mlg_get_fast_conv_transpose() != 0;
            set => Native.NNNative.mlg_set_fast_conv_transpose(value ? 1 : 0);
        }

        /// <summary>
        /// When Adam updates all of a group's parameters with a few multi-tensor (foreach) kernels, as PyTorch's
        /// default Adam does on a GPU, instead of eight kernels per parameter: <see cref="MultiTensorMode.Cuda"/>
        /// (the default; the CPU keeps the per-parameter loop that the agreement test checks against PyTorch),
        /// <see cref="MultiTensorMode.Never"/> or
        /// <see cref="MultiTensorMode.Always"/>. The formula is the same either way.
        /// </summary>
        public static MultiTensorMode multi_tensor_adam
        {
            get => (MultiTensorMode)Native.NNNative.mlg_get_multi_tensor_adam();
            set => Native.NNNative.mlg_set_multi_tensor_adam((int)value);
        }
    }

    /// <summary>Where an optimizer uses multi-tensor kernels.</summary>
    public enum MultiTensorMode
    {
        Never = 0,
        Cuda = 1,
        Always = 2,
    }
}
