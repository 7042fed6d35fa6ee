using System.Runtime.InteropServices;
using static ML.Generative.Torch.NativeLoader;

namespace ML.Generative.Torch.Native;

/// <summary>P/Invoke declarations for native/runtime.cpp.</summary>
internal static unsafe class RuntimeNative
{
    [DllImport(LibraryName)] internal static extern IntPtr mlg_last_error();
    [DllImport(LibraryName)] internal static extern void mlg_clear_error();
    [DllImport(LibraryName)] internal static extern int mlg_torch_version(byte* buffer, int length);
    [DllImport(LibraryName)] internal static extern int mlg_get_num_threads();
    [DllImport(LibraryName)] internal static extern int mlg_set_num_threads(int n);
    [DllImport(LibraryName)] internal static extern int mlg_get_num_interop_threads();
    [DllImport(LibraryName)] internal static extern int mlg_manual_seed(ulong seed);
    [DllImport(LibraryName)] internal static extern int mlg_cuda_is_available();
    [DllImport(LibraryName)] internal static extern int mlg_cuda_device_count();
    [DllImport(LibraryName)] internal static extern int mlg_cuda_synchronize();
    [DllImport(LibraryName)] internal static extern long mlg_cuda_max_memory_allocated();
    [DllImport(LibraryName)] internal static extern int mlg_mkldnn_is_available();
    [DllImport(LibraryName)] internal static extern int mlg_build_config(byte* buffer, int length);
    [DllImport(LibraryName)] internal static extern int mlg_openblas_info(byte* buffer, int length, int* threads);
    [DllImport(LibraryName)] internal static extern int mlg_blas_library(byte* buffer, int length);

    internal delegate int StringWriter(byte* buffer, int length);

    /// <summary>Calls a native "write a string into my buffer" function, growing the buffer as needed.</summary>
    internal static string ReadString(StringWriter writer)
    {
        var length = 256;
        while (true)
        {
            var buffer = new byte[length];
            int needed;
            fixed (byte* p = buffer) needed = Errors.Check(writer(p, length));
            if (needed < length) return System.Text.Encoding.UTF8.GetString(buffer, 0, needed);
            length = needed + 1;
        }
    }
}
