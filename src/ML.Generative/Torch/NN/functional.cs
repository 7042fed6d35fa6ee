using ML.Generative.Torch.Native;
using static ML.Generative.Torch.Native.NNNative;

namespace ML.Generative.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>How a loss reduces over the batch.</summary>
        public enum Reduction
        {
            None = 0,
            Mean = 1,
            Sum = 2,
        }

        /// <summary>Padding modes for <see cref="functional.pad"/>.</summary>
        public enum PaddingModes
        {
            Constant = 0,
            Reflect = 1,
            Replicate = 2,
            Circular = 3,
        }

        /// <summary>Resampling modes for <see cref="functional.interpolate"/> and <see cref="Modules.Upsample"/>.</summary>
        public enum UpsampleMode
        {
            Nearest = 0,
            Bilinear = 1,
        }

        /// <summary>Stateless operations; the modules in <see cref="nn"/> call these with their parameters.</summary>
        public static unsafe class functional
        {
            private static Tensor W(IntPtr h) => new(Errors.Check(h));
            private static IntPtr H(Tensor? t) => t?.Handle ?? IntPtr.Zero;

            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) => W(mlg_linear(input.Handle, weight.Handle, H(bias)));

            public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, (long, long)? stride = null,
                (long, long)? padding = null, (long, long)? dilation = null, long groups = 1)
            {
                var s = Pair(stride, 1);
                var p = Pair(padding, 0);
                var d = Pair(dilation, 1);
                fixed (long* ps = s, pp = p, pd = d)
                    return W(mlg_conv2d(input.Handle, weight.Handle, H(bias), ps, pp, pd, groups));
            }

            public static Tensor conv_transpose2d(Tensor input, Tensor weight, Tensor? bias = null, (long, long)? stride = null,
                (long, long)? padding = null, (long, long)? output_padding = null, long groups = 1, (long, long)? dilation = null)
            {
                var s = Pair(stride, 1);
                var p = Pair(padding, 0);
                var o = Pair(output_padding, 0);
                var d = Pair(dilation, 1);
                fixed (long* ps = s, pp = p, po = o, pd = d)
                    return W(mlg_conv_transpose2d(input.Handle, weight.Handle, H(bias), ps, pp, po, groups, pd));
            }

            internal static long[] Pair((long, long)? v, long fallback) => v is { } x ? new[] { x.Item1, x.Item2 } : new[] { fallback, fallback };

            public static Tensor batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight = null,
                Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5) =>
                W(mlg_batch_norm(input.Handle, H(weight), H(bias), H(running_mean), H(running_var), training ? 1 : 0, momentum, eps));

            public static Tensor instance_norm(Tensor input, Tensor? running_mean = null, Tensor? running_var = null,
                Tensor? weight = null, Tensor? bias = null, bool use_input_stats = true, double momentum = 0.1, double eps = 1e-5) =>
                W(mlg_instance_norm(input.Handle, H(weight), H(bias), H(running_mean), H(running_var), use_input_stats ? 1 : 0, momentum, eps));

            public static Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
            {
                fixed (long* p = normalized_shape)
                    return W(mlg_layer_norm(input.Handle, p, normalized_shape.Length, H(weight), H(bias), eps));
            }

            public static Tensor group_norm(Tensor input, long num_groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
                W(mlg_group_norm(input.Handle, num_groups, H(weight), H(bias), eps));

            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true)
            {
                if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
                return W(mlg_dropout(input.Handle, p, training ? 1 : 0));
            }

            public static Tensor embedding(Tensor input, Tensor weight, long padding_idx = -1) => W(mlg_embedding(weight.Handle, input.Handle, padding_idx));

            public static Tensor interpolate(Tensor input, long[]? size = null, double[]? scale_factor = null,
                UpsampleMode mode = UpsampleMode.Nearest, bool? align_corners = null)
            {
                if ((size == null) == (scale_factor == null))
                    throw new ArgumentException("give exactly one of size and scale_factor");
                if (size is { Length: not 2 } || scale_factor is { Length: not 2 })
                    throw new ArgumentException("size and scale_factor have two entries (height, width)");
                if (mode == UpsampleMode.Nearest && align_corners != null)
                    throw new ArgumentException("align_corners applies to bilinear interpolation only", nameof(align_corners));
                fixed (long* s = size)
                fixed (double* f = scale_factor)
                    return W(mlg_interpolate(input.Handle, (int)mode, s, f, align_corners == true ? 1 : 0));
            }

            public static Tensor max_pool2d(Tensor input, (long, long) kernel_size, (long, long)? stride = null,
                (long, long)? padding = null, (long, long)? dilation = null, bool ceil_mode = false)
            {
                var k = Pair(kernel_size, 0);
                var s = stride == null ? k : Pair(stride, 1);
                var p = Pair(padding, 0);
                var d = Pair(dilation, 1);
                fixed (long* pk = k, ps = s, pp = p, pd = d)
                    return W(mlg_max_pool2d(input.Handle, pk, ps, pp, pd, ceil_mode ? 1 : 0));
            }

            public static Tensor max_pool2d(Tensor input, long kernel_size, long? stride = null, long padding = 0) =>
                max_pool2d(input, (kernel_size, kernel_size), stride is { } s ? (s, s) : null, (padding, padding));

            public static Tensor avg_pool2d(Tensor input, (long, long) kernel_size, (long, long)? stride = null,
                (long, long)? padding = null, bool ceil_mode = false, bool count_include_pad = true, long? divisor_override = null)
            {
                var k = Pair(kernel_size, 0);
                var s = stride == null ? k : Pair(stride, 1);
                var p = Pair(padding, 0);
                fixed (long* pk = k, ps = s, pp = p)
                    return W(mlg_avg_pool2d(input.Handle, pk, ps, pp, ceil_mode ? 1 : 0, count_include_pad ? 1 : 0, divisor_override ?? 0));
            }

            public static Tensor avg_pool2d(Tensor input, long kernel_size, long? stride = null, long padding = 0,
                bool count_include_pad = true) =>
                avg_pool2d(input, (kernel_size, kernel_size), stride is { } s ? (s, s) : null, (padding, padding), false, count_include_pad);

            public static Tensor adaptive_avg_pool2d(Tensor input, (long, long) output_size)
            {
                var o = Pair(output_size, 0);
                fixed (long* p = o) return W(mlg_adaptive_pool2d(input.Handle, p, 0));
            }

            public static Tensor adaptive_avg_pool2d(Tensor input, long output_size) => adaptive_avg_pool2d(input, (output_size, output_size));

            public static Tensor adaptive_max_pool2d(Tensor input, (long, long) output_size)
            {
                var o = Pair(output_size, 0);
                fixed (long* p = o) return W(mlg_adaptive_pool2d(input.Handle, p, 1));
            }

            /// <summary>Pads the last dimensions: <paramref name="pad"/> is (left, right, top, bottom, ...) as in PyTorch.</summary>
            public static Tensor pad(Tensor input, long[] pad, PaddingModes mode = PaddingModes.Constant, double value = 0)
            {
                fixed (long* p = pad) return W(mlg_pad(input.Handle, p, pad.Length, (int)mode, value));
            }

            public static Tensor pixel_shuffle(Tensor input, long upscale_factor) => W(mlg_pixel_shuffle(input.Handle, upscale_factor, 0));
            public static Tensor pixel_unshuffle(Tensor input, long downscale_factor) => W(mlg_pixel_shuffle(input.Handle, downscale_factor, 1));

            // ---- activations ----
            public static Tensor relu(Tensor x) => x.relu();
            public static Tensor sigmoid(Tensor x) => x.sigmoid();
            public static Tensor tanh(Tensor x) => x.tanh();
            public static Tensor silu(Tensor x) => W(OpsNative.mlg_unary(OpsNative.Unary.Silu, x.Handle));
            public static Tensor gelu(Tensor x, bool tanh_approximation = false) =>
                tanh_approximation ? W(mlg_activation(Activation.GeluTanh, x.Handle, 0, 0)) : W(OpsNative.mlg_unary(OpsNative.Unary.Gelu, x.Handle));
            public static Tensor logsigmoid(Tensor x) => W(OpsNative.mlg_unary(OpsNative.Unary.LogSigmoid, x.Handle));
            public static Tensor leaky_relu(Tensor x, double negative_slope = 0.01, bool inplace = false)
            {
                if (!inplace) return W(mlg_activation(Activation.LeakyRelu, x.Handle, negative_slope, 0));
                Errors.Check(mlg_leaky_relu_(x.Handle, negative_slope));
                return x;
            }
            public static Tensor softplus(Tensor x, double beta = 1, double threshold = 20) => W(mlg_activation(Activation.Softplus, x.Handle, beta, threshold));
            public static Tensor elu(Tensor x, double alpha = 1) => W(mlg_activation(Activation.Elu, x.Handle, alpha, 0));
            public static Tensor hardtanh(Tensor x, double min_val = -1, double max_val = 1) => W(mlg_activation(Activation.Hardtanh, x.Handle, min_val, max_val));
            public static Tensor relu6(Tensor x) => W(mlg_activation(Activation.Relu6, x.Handle, 0, 0));
            public static Tensor softmax(Tensor x, long dim) => x.softmax(dim);
            public static Tensor log_softmax(Tensor x, long dim) => x.log_softmax(dim);

            public static Tensor normalize(Tensor input, double p = 2.0, long dim = 1, double eps = 1e-12) =>
                W(mlg_normalize(input.Handle, p, dim, eps));

            // ---- losses ----
            private static Tensor L(Loss op, Tensor input, Tensor target, Reduction reduction, Tensor? weight = null,
                Tensor? pos_weight = null, double a = 0, double b = 0) =>
                W(mlg_loss(op, input.Handle, target.Handle, H(weight), H(pos_weight), (int)reduction, a, b));

            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) => L(Loss.Mse, input, target, reduction);
            public static Tensor l1_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) => L(Loss.L1, input, target, reduction);
            public static Tensor smooth_l1_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0) => L(Loss.SmoothL1, input, target, reduction, a: beta);
            public static Tensor huber_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0) => L(Loss.Huber, input, target, reduction, a: delta);
            public static Tensor binary_cross_entropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) =>
                L(Loss.BinaryCrossEntropy, input, target, reduction, weight);
            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null,
                Reduction reduction = Reduction.Mean, Tensor? pos_weight = null) =>
                L(Loss.BinaryCrossEntropyWithLogits, input, target, reduction, weight, pos_weight);
            public static Tensor kl_div(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool log_target = false) =>
                L(Loss.KlDiv, input, target, reduction, a: log_target ? 1 : 0);
            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignore_index = -100) =>
                L(Loss.Nll, input, target, reduction, weight, a: ignore_index);
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
                long ignore_index = -100, double label_smoothing = 0.0) =>
                L(Loss.CrossEntropy, input, target, reduction, weight, a: ignore_index, b: label_smoothing);
            public static Tensor one_hot(Tensor input, long num_classes = -1) => W(OpsNative.mlg_one_hot(input.Handle, num_classes));
        }
    }
}
