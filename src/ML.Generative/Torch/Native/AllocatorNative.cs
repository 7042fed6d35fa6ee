using System.Runtime.InteropServices;
using static ML.Generative.Torch.NativeLoader;

namespace ML.Generative.Torch.Native;

/// <summary>P/Invoke declarations for native/allocator.cpp.</summary>
internal static unsafe class AllocatorNative
{
    [DllImport(LibraryName)] internal static extern int mlg_cpu_allocator_stats(out long cached, out long inUse, out long peakInUse, out long peakMapped);
    [DllImport(LibraryName)] internal static extern void mlg_cpu_reset_peaks();
    [DllImport(LibraryName)] internal static extern void mlg_cpu_empty_cache();
    [DllImport(LibraryName)] internal static extern int mlg_cpu_cache_configure(long limitBytes);
    [DllImport(LibraryName)] internal static extern void mlg_cpu_cache_stats(long* stats);
    [DllImport(LibraryName)] internal static extern void mlg_cpu_cache_set_headroom(double headroom);
    [DllImport(LibraryName)] internal static extern double mlg_cpu_cache_headroom();
    [DllImport(LibraryName)] internal static extern long mlg_cpu_cache_high_water();
}
