using System.Runtime.InteropServices;
using static ML.Generative.Torch.NativeLoader;

namespace ML.Generative.Torch.Native;

/// <summary>P/Invoke declarations for native/profiler.cpp.</summary>
internal static class ProfilerNative
{
    [DllImport(LibraryName)] internal static extern int mlg_profiler_start([MarshalAs(UnmanagedType.LPUTF8Str)] string path);
    [DllImport(LibraryName)] internal static extern int mlg_profiler_stop();
}
