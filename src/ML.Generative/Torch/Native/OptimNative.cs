using System.Runtime.InteropServices;
using static ML.Generative.Torch.NativeLoader;

namespace ML.Generative.Torch.Native;

/// <summary>P/Invoke declarations for native/optim.cpp.</summary>
internal static unsafe class OptimNative
{
    [DllImport(LibraryName)] internal static extern int mlg_sgd_step(IntPtr* parameters, IntPtr* momentumBuffers, int* firstStep, int n, double lr, double momentum, double dampening, double weightDecay, int nesterov, int maximize);
    [DllImport(LibraryName)] internal static extern int mlg_adam_step(IntPtr* parameters, IntPtr* expAvgs, IntPtr* expAvgSqs, IntPtr* maxExpAvgSqs, long* steps, int n, double lr, double beta1, double beta2, double eps, double weightDecay, int amsgrad, int decoupled, int maximize);
    [DllImport(LibraryName)] internal static extern int mlg_rmsprop_step(IntPtr* parameters, IntPtr* squareAvgs, IntPtr* gradAvgs, IntPtr* momentumBuffers, int n, double lr, double alpha, double eps, double weightDecay, double momentum, int centered, int maximize);
    [DllImport(LibraryName)] internal static extern int mlg_clip_grad_norm(IntPtr* parameters, int n, double maxNorm, double normType, double* total);
}
