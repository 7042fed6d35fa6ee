using System.Runtime.InteropServices;
using static ML.Generative.Torch.NativeLoader;

namespace ML.Generative.Torch.Native;

/// <summary>P/Invoke declarations for native/parallel.cpp.</summary>
internal static class ParallelNative
{
    [DllImport(LibraryName)] internal static extern IntPtr mlg_dp_group_new(int size);
    [DllImport(LibraryName)] internal static extern void mlg_dp_group_free(IntPtr group);
    [DllImport(LibraryName)] internal static extern void mlg_dp_group_abort(IntPtr group);
    [DllImport(LibraryName)] internal static extern int mlg_dp_join(IntPtr group, int rank, ulong seed);
    [DllImport(LibraryName)] internal static extern int mlg_dp_leave();
    [DllImport(LibraryName)] internal static extern ulong mlg_dp_draw_seed();
    [DllImport(LibraryName)] internal static extern IntPtr mlg_dp_all_gather(IntPtr x);
    [DllImport(LibraryName)] internal static extern int mlg_dp_barrier();
    [DllImport(LibraryName)] internal static extern int mlg_dp_rank();
    [DllImport(LibraryName)] internal static extern int mlg_dp_size();
}
