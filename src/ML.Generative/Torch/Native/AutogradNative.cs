using System.Runtime.InteropServices;
using static ML.Generative.Torch.NativeLoader;

namespace ML.Generative.Torch.Native;

/// <summary>P/Invoke declarations for native/autograd.cpp.</summary>
internal static unsafe class AutogradNative
{
    [DllImport(LibraryName)] internal static extern int mlg_backward(IntPtr t, IntPtr grad, int retainGraph, int createGraph);
    [DllImport(LibraryName)] internal static extern int mlg_autograd_grad(IntPtr* outputs, IntPtr* gradOutputs, int nOut, IntPtr* inputs, int nIn, int retainGraph, int createGraph, int allowUnused, delegate* unmanaged<int, IntPtr*> alloc);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_tensor_grad(IntPtr t);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_set_grad(IntPtr t, IntPtr grad);
    [DllImport(LibraryName)] internal static extern int mlg_tensor_retain_grad(IntPtr t);
    [DllImport(LibraryName)] internal static extern int mlg_zero_grad(IntPtr* parameters, int n, int setToNone);
    [DllImport(LibraryName)] internal static extern int mlg_is_grad_enabled();
    [DllImport(LibraryName)] internal static extern void mlg_set_grad_enabled(int enabled);
    [DllImport(LibraryName)] internal static extern int mlg_is_inference_mode_enabled();
    [DllImport(LibraryName)] internal static extern IntPtr mlg_inference_mode_enter(int enabled);
    [DllImport(LibraryName)] internal static extern void mlg_inference_mode_exit(IntPtr guard);
}
