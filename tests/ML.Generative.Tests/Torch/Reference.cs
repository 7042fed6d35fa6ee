using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Torch;

/// <summary>
/// Plain C# reference implementations (textbook formulas, loops over doubles) and comparison helpers.
/// Expected values in the Torch tests come from here, never from the library under test.
/// </summary>
internal static class Reference
{
    /// <summary>Deterministic values in [-scale, scale), drawn from .NET's generator so that tests do not
    /// depend on libtorch's global generator (other tests draw from it in parallel).</summary>
    public static double[] Values(int count, int seed, double scale = 1.0)
    {
        var r = new Random(seed);
        var v = new double[count];
        for (var i = 0; i < count; i++) v[i] = (r.NextDouble() * 2 - 1) * scale;
        return v;
    }

    public static Tensor F64(double[] values, params long[] shape) => TensorData.From(values, shape);
    public static Tensor F32(double[] values, params long[] shape)
    {
        using var f64 = TensorData.From(values, shape);
        return f64.to(ScalarType.Float32);
    }

    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double rtol = 1e-9,
        double atol = 1e-12, string what = "value")
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            double e = expected[i], a = actual[i];
            if (!(Math.Abs(e - a) <= atol + rtol * Math.Abs(e)))
                Assert.Fail($"{what}[{i}]: expected {e:R}, got {a:R} (diff {Math.Abs(e - a):E3})");
        }
    }

    public static void AssertClose(IReadOnlyList<double> expected, Tensor actual, double rtol = 1e-9, double atol = 1e-12,
        string what = "value") => AssertClose(expected, (IReadOnlyList<double>)actual.ToDoubles(), rtol, atol, what);

    public static void AssertClose(double expected, double actual, double rtol = 1e-9, double atol = 1e-12, string what = "value") =>
        AssertClose(new[] { expected }, (IReadOnlyList<double>)new[] { actual }, rtol, atol, what);

    // ---- layers -------------------------------------------------------------------------------

    /// <summary>y[n,o] = b[o] + Σ_i x[n,i] W[o,i].</summary>
    public static double[] Linear(double[] x, int n, int inF, double[] w, int outF, double[]? b)
    {
        var y = new double[n * outF];
        for (var r = 0; r < n; r++)
            for (var o = 0; o < outF; o++)
            {
                var s = b?[o] ?? 0;
                for (var i = 0; i < inF; i++) s += x[r * inF + i] * w[o * inF + i];
                y[r * outF + o] = s;
            }
        return y;
    }

    /// <summary>Direct 2-D convolution (cross-correlation) over (N, C, H, W) with weight (O, C/g, kh, kw).</summary>
    public static double[] Conv2d(double[] x, int n, int c, int h, int w, double[] weight, int o, int kh, int kw,
        double[]? bias, (int h, int w) stride, (int h, int w) pad, (int h, int w) dil, int groups, out int oh, out int ow)
    {
        oh = (h + 2 * pad.h - dil.h * (kh - 1) - 1) / stride.h + 1;
        ow = (w + 2 * pad.w - dil.w * (kw - 1) - 1) / stride.w + 1;
        int cg = c / groups, og = o / groups;
        var y = new double[n * o * oh * ow];
        for (var b = 0; b < n; b++)
            for (var oc = 0; oc < o; oc++)
            {
                var g = oc / og;
                for (var oy = 0; oy < oh; oy++)
                    for (var ox = 0; ox < ow; ox++)
                    {
                        var s = bias?[oc] ?? 0;
                        for (var ci = 0; ci < cg; ci++)
                            for (var i = 0; i < kh; i++)
                                for (var j = 0; j < kw; j++)
                                {
                                    int iy = oy * stride.h - pad.h + i * dil.h, ix = ox * stride.w - pad.w + j * dil.w;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    s += x[((b * c + g * cg + ci) * h + iy) * w + ix] * weight[((oc * cg + ci) * kh + i) * kw + j];
                                }
                        y[((b * o + oc) * oh + oy) * ow + ox] = s;
                    }
            }
        return y;
    }

    /// <summary>Transposed convolution as the scatter it is defined by: every input pixel adds its kernel,
    /// scaled, into the output at stride spacing. Weight (C_in, C_out/g, kh, kw).</summary>
    public static double[] ConvTranspose2d(double[] x, int n, int c, int h, int w, double[] weight, int o, int kh, int kw,
        double[]? bias, (int h, int w) stride, (int h, int w) pad, (int h, int w) outPad, (int h, int w) dil, int groups,
        out int oh, out int ow)
    {
        oh = (h - 1) * stride.h - 2 * pad.h + dil.h * (kh - 1) + outPad.h + 1;
        ow = (w - 1) * stride.w - 2 * pad.w + dil.w * (kw - 1) + outPad.w + 1;
        int cg = c / groups, og = o / groups;
        var y = new double[n * o * oh * ow];
        for (var b = 0; b < n; b++)
            for (var oc = 0; oc < o; oc++)
                for (var p = 0; p < oh * ow; p++)
                    y[(b * o + oc) * oh * ow + p] = bias?[oc] ?? 0;
        for (var b = 0; b < n; b++)
            for (var ic = 0; ic < c; ic++)
            {
                var g = ic / cg;
                for (var iy = 0; iy < h; iy++)
                    for (var ix = 0; ix < w; ix++)
                    {
                        var v = x[((b * c + ic) * h + iy) * w + ix];
                        for (var ocl = 0; ocl < og; ocl++)
                            for (var i = 0; i < kh; i++)
                                for (var j = 0; j < kw; j++)
                                {
                                    int oy = iy * stride.h - pad.h + i * dil.h, ox = ix * stride.w - pad.w + j * dil.w;
                                    if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                                    var oc = g * og + ocl;
                                    y[((b * o + oc) * oh + oy) * ow + ox] += v * weight[((ic * og + ocl) * kh + i) * kw + j];
                                }
                    }
            }
        return y;
    }

    /// <summary>Mean and biased variance of each of <paramref name="groups"/> consecutive blocks of
    /// <paramref name="size"/> values, for every outer index; used for layer/group/instance norm.</summary>
    public static double[] NormalizeBlocks(double[] x, int size, double eps, out double[] means, out double[] vars)
    {
        var blocks = x.Length / size;
        means = new double[blocks];
        vars = new double[blocks];
        var y = new double[x.Length];
        for (var b = 0; b < blocks; b++)
        {
            double m = 0, v = 0;
            for (var i = 0; i < size; i++) m += x[b * size + i];
            m /= size;
            for (var i = 0; i < size; i++) v += (x[b * size + i] - m) * (x[b * size + i] - m);
            v /= size;
            means[b] = m;
            vars[b] = v;
            for (var i = 0; i < size; i++) y[b * size + i] = (x[b * size + i] - m) / Math.Sqrt(v + eps);
        }
        return y;
    }

    // ---- scalar functions ---------------------------------------------------------------------

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>erf by its Maclaurin series (ample for |x| ≤ 3; .NET has no Math.Erf).</summary>
    public static double Erf(double x)
    {
        if (Math.Abs(x) > 3) throw new ArgumentOutOfRangeException(nameof(x), "series used only for |x| <= 3");
        double sum = 0, term = x;
        for (var n = 0; n < 80; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    /// <summary>The largest singular value of a row-major (rows × cols) matrix, by power iteration on WᵀW.</summary>
    public static double LargestSingularValue(double[] m, int rows, int cols, int iterations = 500)
    {
        var v = new double[cols];
        for (var j = 0; j < cols; j++) v[j] = 1 + 0.1 * j;
        double sigma = 0;
        for (var it = 0; it < iterations; it++)
        {
            var u = new double[rows];
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < cols; j++) u[i] += m[i * cols + j] * v[j];
            var nv = new double[cols];
            for (var j = 0; j < cols; j++)
                for (var i = 0; i < rows; i++) nv[j] += m[i * cols + j] * u[i];
            var norm = Math.Sqrt(nv.Sum(a => a * a));
            for (var j = 0; j < cols; j++) v[j] = nv[j] / norm;
            sigma = Math.Sqrt(norm);
        }
        return sigma;
    }

    // ---- finite differences -------------------------------------------------------------------

    /// <summary>Central differences of a scalar function of float64 tensors with respect to every element
    /// of every input.</summary>
    public static double[][] NumericGradients(Func<Tensor[], Tensor> f, double[][] inputs, long[][] shapes, double h = 1e-6)
    {
        var grads = new double[inputs.Length][];
        for (var k = 0; k < inputs.Length; k++)
        {
            grads[k] = new double[inputs[k].Length];
            for (var i = 0; i < inputs[k].Length; i++)
            {
                var saved = inputs[k][i];
                inputs[k][i] = saved + h;
                var plus = Evaluate(f, inputs, shapes);
                inputs[k][i] = saved - h;
                var minus = Evaluate(f, inputs, shapes);
                inputs[k][i] = saved;
                grads[k][i] = (plus - minus) / (2 * h);
            }
        }
        return grads;
    }

    private static double Evaluate(Func<Tensor[], Tensor> f, double[][] inputs, long[][] shapes)
    {
        using var scope = NewDisposeScope();
        var ts = inputs.Select((v, k) => tensor(v, shapes[k])).ToArray();
        return f(ts).ToDouble();
    }

    /// <summary>Compares the gradients backward() puts in every input's .grad with central differences.</summary>
    public static void CheckGradients(Func<Tensor[], Tensor> f, double[][] inputs, long[][] shapes, double rtol = 1e-5,
        double atol = 1e-7)
    {
        using var scope = NewDisposeScope();
        var ts = inputs.Select((v, k) => tensor(v, shapes[k], requires_grad: true)).ToArray();
        f(ts).backward();
        var numeric = NumericGradients(f, inputs, shapes);
        for (var k = 0; k < ts.Length; k++)
        {
            var g = ts[k].grad;
            Assert.NotNull(g);
            AssertClose(numeric[k], g!, rtol, atol, $"d/d input {k}");
        }
    }
}
