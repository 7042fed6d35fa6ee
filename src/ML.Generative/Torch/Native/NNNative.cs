using System.Runtime.InteropServices;
using static ML.Generative.Torch.NativeLoader;

namespace ML.Generative.Torch.Native;

/// <summary>P/Invoke declarations for native/nn.cpp.</summary>
internal static unsafe class NNNative
{
    internal enum Activation { LeakyRelu, Softplus, Elu, Hardtanh, Celu, Threshold, GeluTanh, Relu6 }
    internal enum Loss { Mse, L1, BinaryCrossEntropy, BinaryCrossEntropyWithLogits, SmoothL1, Huber, KlDiv, Nll, CrossEntropy }

    [DllImport(LibraryName)] internal static extern IntPtr mlg_linear(IntPtr x, IntPtr w, IntPtr b);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_conv2d(IntPtr x, IntPtr w, IntPtr b, long* stride, long* padding, long* dilation, long groups);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_conv_transpose2d(IntPtr x, IntPtr w, IntPtr b, long* stride, long* padding, long* outputPadding, long groups, long* dilation);
    [DllImport(LibraryName)] internal static extern void mlg_set_fast_conv_transpose(int enabled);
    [DllImport(LibraryName)] internal static extern int mlg_get_fast_conv_transpose();
    [DllImport(LibraryName)] internal static extern void mlg_set_multi_tensor_adam(int mode);
    [DllImport(LibraryName)] internal static extern int mlg_get_multi_tensor_adam();
    [DllImport(LibraryName)] internal static extern int mlg_batch_norm_inference_(IntPtr x, IntPtr weight, IntPtr bias, IntPtr runningMean, IntPtr runningVar, double eps);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_batch_norm(IntPtr x, IntPtr weight, IntPtr bias, IntPtr runningMean, IntPtr runningVar, int training, double momentum, double eps);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_instance_norm(IntPtr x, IntPtr weight, IntPtr bias, IntPtr runningMean, IntPtr runningVar, int useInputStats, double momentum, double eps);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_layer_norm(IntPtr x, long* shape, int n, IntPtr weight, IntPtr bias, double eps);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_group_norm(IntPtr x, long groups, IntPtr weight, IntPtr bias, double eps);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_dropout(IntPtr x, double p, int training);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_embedding(IntPtr weight, IntPtr indices, long paddingIdx);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_interpolate(IntPtr x, int mode, long* size, double* scale, int alignCorners);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_max_pool2d(IntPtr x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_avg_pool2d(IntPtr x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad, long divisorOverride);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_adaptive_pool2d(IntPtr x, long* size, int max);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_pad(IntPtr x, long* pads, int n, int mode, double value);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_pixel_shuffle(IntPtr x, long factor, int inverse);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_activation(Activation op, IntPtr x, double a, double b);
    [DllImport(LibraryName)] internal static extern int mlg_leaky_relu_(IntPtr x, double slope);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_normalize(IntPtr x, double p, long dim, double eps);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_loss(Loss op, IntPtr input, IntPtr target, IntPtr weight, IntPtr posWeight, int reduction, double a, double b);
}
