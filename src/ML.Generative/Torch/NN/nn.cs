using ML.Generative.Torch.Modules;

namespace ML.Generative.Torch;

public static partial class torch
{
    /// <summary>Module factories with PyTorch's argument names and defaults.</summary>
    public static partial class nn
    {
        public static Linear Linear(long in_features, long out_features, bool hasBias = true, Device? device = null, ScalarType? dtype = null) =>
            new(in_features, out_features, hasBias, device, dtype);

        public static Conv2d Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0,
            long dilation = 1, long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
            new(in_channels, out_channels, (kernel_size, kernel_size), (stride, stride), (padding, padding), (dilation, dilation), groups, bias, device, dtype);

        public static Conv2d Conv2d(long in_channels, long out_channels, (long, long) kernel_size, (long, long)? stride = null,
            (long, long)? padding = null, (long, long)? dilation = null, long groups = 1, bool bias = true) =>
            new(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias);

        public static ConvTranspose2d ConvTranspose2d(long in_channels, long out_channels, long kernel_size, long stride = 1,
            long padding = 0, long output_padding = 0, long groups = 1, bool bias = true, long dilation = 1,
            Device? device = null, ScalarType? dtype = null) =>
            new(in_channels, out_channels, (kernel_size, kernel_size), (stride, stride), (padding, padding),
                (output_padding, output_padding), groups, bias, (dilation, dilation), device, dtype);

        public static BatchNorm BatchNorm1d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true,
            bool track_running_stats = true, Device? device = null, ScalarType? dtype = null) =>
            new("BatchNorm1d", 2, num_features, eps, momentum, affine, track_running_stats, device, dtype);

        public static BatchNorm BatchNorm2d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true,
            bool track_running_stats = true, Device? device = null, ScalarType? dtype = null) =>
            new("BatchNorm2d", 4, num_features, eps, momentum, affine, track_running_stats, device, dtype);

        public static InstanceNorm2d InstanceNorm2d(long num_features, double eps = 1e-5, double momentum = 0.1, bool affine = false,
            bool track_running_stats = false) => new(num_features, eps, momentum, affine, track_running_stats);

        public static LayerNorm LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true) =>
            new(normalized_shape, eps, elementwise_affine);

        public static LayerNorm LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true) =>
            new(new[] { normalized_shape }, eps, elementwise_affine);

        public static GroupNorm GroupNorm(long num_groups, long num_channels, double eps = 1e-5, bool affine = true) =>
            new(num_groups, num_channels, eps, affine);

        public static Dropout Dropout(double p = 0.5) => new(p);

        public static Embedding Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null) =>
            new(num_embeddings, embedding_dim, padding_idx);

        public static Upsample Upsample(long[]? size = null, double? scale_factor = null, UpsampleMode mode = UpsampleMode.Nearest,
            bool? align_corners = null) =>
            new(size, scale_factor is { } f ? new[] { f, f } : null, mode, align_corners);

        /// <summary>max(x, 0). With <paramref name="inplace"/> it overwrites its input (no new buffer): right after a
        /// convolution or batch norm, whose backward needs their input, not their output.</summary>
        public static Lambda ReLU(bool inplace = false) => inplace ? new("ReLU", x => x.relu_(), x => x.relu_()) : new("ReLU", x => x.relu(), x => x.relu_());
        public static Lambda LeakyReLU(double negative_slope = 0.01) => new("LeakyReLU", x => functional.leaky_relu(x, negative_slope));
        public static Lambda Tanh() => new("Tanh", x => x.tanh());
        public static Lambda Sigmoid() => new("Sigmoid", x => x.sigmoid());
        public static Lambda SiLU() => new("SiLU", functional.silu);
        public static Lambda GELU() => new("GELU", x => functional.gelu(x));
        public static Lambda ELU(double alpha = 1) => new("ELU", x => functional.elu(x, alpha));
        public static Lambda Softplus(double beta = 1, double threshold = 20) => new("Softplus", x => functional.softplus(x, beta, threshold));
        public static Lambda Identity() => new("Identity", x => x.alias());
        public static Lambda Flatten(long start_dim = 1, long end_dim = -1) => new("Flatten", x => x.flatten(start_dim, end_dim));
        public static Lambda Unflatten(long dim, long[] unflattened_size) => new("Unflatten", x => x.unflatten(dim, unflattened_size));
        public static Lambda Softmax(long dim) => new("Softmax", x => x.softmax(dim));

        public static Sequential Sequential() => new();
        public static Sequential Sequential(params Module<Tensor, Tensor>[] modules) => new(modules);
        public static Sequential Sequential(params (string name, Module<Tensor, Tensor> module)[] modules) => new(modules);
        public static ModuleList<T> ModuleList<T>(params T[] modules) where T : Module => new(modules);

        public static class utils
        {
            /// <summary>Spectrally normalises the layer's weight in place and returns the layer (PyTorch's
            /// <c>torch.nn.utils.spectral_norm</c>; dim defaults to 1 for transposed convolutions, 0 otherwise).</summary>
            public static T spectral_norm<T>(T module, int n_power_iterations = 1, double eps = 1e-12, int? dim = null)
                where T : WeightedLayer
            {
                module.ApplySpectralNorm(dim ?? (module is ConvTranspose2d ? 1 : 0), n_power_iterations, eps);
                return module;
            }

            /// <summary>Scales gradients so their joint norm is at most <paramref name="max_norm"/>; returns the norm before.</summary>
            public static unsafe double clip_grad_norm_(IEnumerable<Tensor> parameters, double max_norm, double norm_type = 2.0)
            {
                var handles = parameters.Select(p => p.Handle).ToArray();
                double total;
                fixed (IntPtr* h = handles)
                    Native.Errors.Check(Native.OptimNative.mlg_clip_grad_norm(h, handles.Length, max_norm, norm_type, &total));
                return total;
            }
        }
    }
}
