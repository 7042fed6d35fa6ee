namespace ML.Generative.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Weight initialisers, in place and without autograd, with PyTorch's formulas.</summary>
        public static class init
        {
            /// <summary>(fan_in, fan_out) of a weight: dim 1 and dim 0 times the receptive field, as PyTorch computes them.</summary>
            public static (long fanIn, long fanOut) CalculateFanInAndFanOut(Tensor tensor)
            {
                var s = tensor.shape;
                if (s.Length < 2) throw new ArgumentException("fan in and fan out need a tensor with at least 2 dimensions");
                long receptive = 1;
                for (var i = 2; i < s.Length; i++) receptive *= s[i];
                return (s[1] * receptive, s[0] * receptive);
            }

            private static Tensor NoGrad(Tensor t, Action<Tensor> fill)
            {
                using (no_grad()) fill(t);
                return t;
            }

            public static Tensor uniform_(Tensor t, double low = 0, double high = 1) => NoGrad(t, x => x.uniform_(low, high));
            public static Tensor normal_(Tensor t, double mean = 0, double std = 1) => NoGrad(t, x => x.normal_(mean, std));
            public static Tensor constant_(Tensor t, double value) => NoGrad(t, x => x.fill_(value));
            public static Tensor zeros_(Tensor t) => constant_(t, 0);
            public static Tensor ones_(Tensor t) => constant_(t, 1);

            /// <summary>The recommended gain for a nonlinearity (PyTorch's calculate_gain).</summary>
            public static double calculate_gain(string nonlinearity, double param = 0.01) => nonlinearity switch
            {
                "linear" or "conv2d" or "conv_transpose2d" or "sigmoid" => 1.0,
                "tanh" => 5.0 / 3,
                "relu" => Math.Sqrt(2.0),
                "leaky_relu" => Math.Sqrt(2.0 / (1 + param * param)),
                "selu" => 3.0 / 4,
                _ => throw new ArgumentException($"unknown nonlinearity '{nonlinearity}'", nameof(nonlinearity)),
            };

            public static Tensor kaiming_uniform_(Tensor t, double a = 0, bool fanIn = true, string nonlinearity = "leaky_relu")
            {
                var (fi, fo) = CalculateFanInAndFanOut(t);
                var std = calculate_gain(nonlinearity, a) / Math.Sqrt(fanIn ? fi : fo);
                var bound = Math.Sqrt(3.0) * std;
                return uniform_(t, -bound, bound);
            }

            public static Tensor kaiming_normal_(Tensor t, double a = 0, bool fanIn = true, string nonlinearity = "leaky_relu")
            {
                var (fi, fo) = CalculateFanInAndFanOut(t);
                return normal_(t, 0, calculate_gain(nonlinearity, a) / Math.Sqrt(fanIn ? fi : fo));
            }

            public static Tensor xavier_uniform_(Tensor t, double gain = 1)
            {
                var (fi, fo) = CalculateFanInAndFanOut(t);
                var bound = gain * Math.Sqrt(6.0 / (fi + fo));
                return uniform_(t, -bound, bound);
            }

            public static Tensor xavier_normal_(Tensor t, double gain = 1)
            {
                var (fi, fo) = CalculateFanInAndFanOut(t);
                return normal_(t, 0, gain * Math.Sqrt(2.0 / (fi + fo)));
            }

            /// <summary>PyTorch's default for Linear and Conv layers: weight ~ U(±1/√fan_in) via kaiming_uniform_(a=√5),
            /// bias ~ U(±1/√fan_in).</summary>
            internal static void DefaultLayerInit(Tensor weight, Tensor? bias)
            {
                kaiming_uniform_(weight, Math.Sqrt(5));
                if (bias is null) return;
                var (fi, _) = CalculateFanInAndFanOut(weight);
                var bound = fi > 0 ? 1 / Math.Sqrt(fi) : 0;
                uniform_(bias, -bound, bound);
            }
        }
    }
}
