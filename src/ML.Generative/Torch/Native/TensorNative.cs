using System.Runtime.InteropServices;
using static ML.Generative.Torch.NativeLoader;

namespace ML.Generative.Torch.Native;

/// <summary>P/Invoke declarations for native/tensor.cpp.</summary>
internal static unsafe class TensorNative
{
    [DllImport(LibraryName)] internal static extern void mlg_tensor_free(IntPtr t);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_from_data(void* data, long bytes, long* shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_new(int kind, long* shape, int ndim, double value, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_new_like(IntPtr t, int kind, double value);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_randint(long low, long high, long* shape, int ndim, int dtype, int deviceType, int deviceIndex);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_linspace(double start, double end, long steps, int dtype, int deviceType, int deviceIndex);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_eye(long n, long m, int dtype, int deviceType, int deviceIndex);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_randperm(long n, int dtype, int deviceType, int deviceIndex);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_scalar(double value, int dtype, int deviceType, int deviceIndex);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_ndim(IntPtr t);
    [DllImport(LibraryName)] internal static extern long mlg_tensor_numel(IntPtr t);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_dtype(IntPtr t);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_device_type(IntPtr t);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_device_index(IntPtr t);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_requires_grad(IntPtr t);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_is_leaf(IntPtr t);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_shares_storage(IntPtr a, IntPtr b);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_is_contiguous(IntPtr t, int memoryFormat);
    [DllImport(LibraryName)] internal static extern void mlg_tensor_shape(IntPtr t, long* output);
    [DllImport(LibraryName)] internal static extern void mlg_tensor_strides(IntPtr t, long* output);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_set_requires_grad(IntPtr t, int value);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_to_string(IntPtr t, byte* buffer, int length);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_copy_out(IntPtr t, void* buffer, long bytes, int dtype);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_copy_in(IntPtr t, void* data, long bytes, int dtype);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_item(IntPtr t, double* output);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_to(IntPtr t, int dtype, int deviceType, int deviceIndex, int copy);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_clone(IntPtr t);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_detach(IntPtr t);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_alias(IntPtr t);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_contiguous(IntPtr t, int memoryFormat);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_set_data(IntPtr t, IntPtr data);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_copy_(IntPtr dst, IntPtr src);
}
