using static ML.Generative.Torch.NativeLoader;

namespace ML.Generative.Data.Native;

/// <summary>P/Invoke declarations for native/batch.cpp.</summary>
internal static unsafe class BatchNative
{
    [System.Runtime.InteropServices.DllImport(LibraryName)] internal static extern float* mlg_batch_float_data(IntPtr tensor);
}
