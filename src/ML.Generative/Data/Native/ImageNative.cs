using System.Runtime.InteropServices;
using static ML.Generative.Torch.NativeLoader;

namespace ML.Generative.Data.Native;

/// <summary>P/Invoke declarations for native/image.cpp.</summary>
internal static unsafe class ImageNative
{
    [DllImport(LibraryName)] internal static extern int mlg_image_info(byte* data, long len, out int width, out int height, out int channels, out int is16);
    [DllImport(LibraryName)] internal static extern int mlg_image_decode(byte* data, long len, int channels, int want16, void* output, long outputBytes);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_image_encode(byte* pixels, int width, int height, int channels, int format, int quality);
    [DllImport(LibraryName)] internal static extern long mlg_buffer_size(IntPtr buffer);
    [DllImport(LibraryName)] internal static extern void mlg_buffer_copy(IntPtr buffer, byte* destination);
    [DllImport(LibraryName)] internal static extern void mlg_buffer_free(IntPtr buffer);
}
