using ML.Generative.Torch;
using static ML.Generative.Tests.Torch.Reference;
using static ML.Generative.Torch.torch;
using F = ML.Generative.Torch.torch.nn.functional;

namespace ML.Generative.Tests.Torch;

/// <summary>Dropout, Embedding, Upsample, pooling, padding and activations against formulas coded here.</summary>
public class LayerTests
{
    [Fact]
    public void Dropout_TrainZeroesAboutP_AndScalesTheRest_EvalIsIdentity()
    {
        using var scope = NewDisposeScope();
        const double p = 0.3;
        var dropout = nn.Dropout(p);
        var x = ones(100_000);
        var y = dropout.forward(x).data<float>();
        var zeroFraction = y.Count(v => v == 0) / (double)y.Length;
        // Binomial standard deviation is ~0.0014; 0.01 is seven of them.
        Assert.InRange(zeroFraction, p - 0.01, p + 0.01);
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1 / (1 - p), v, 5));

        dropout.eval();
        var xs = F32(Values(50, 1), 5, 10);
        Assert.Equal(xs.data<float>(), dropout.forward(xs).data<float>());
        Assert.Equal(new float[] { 0, 0, 0 }, F.dropout(ones(3), 1.0).data<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => nn.Dropout(1.5));
    }

    [Fact]
    public void Embedding_LooksUpRows_AndPaddingRowIsZeroWithNoGradient()
    {
        using var scope = NewDisposeScope();
        var emb = nn.Embedding(5, 3, padding_idx: 0);
        Assert.Equal(new float[] { 0, 0, 0 }, emb.weight[0].data<float>());
        var table = Values(15, 3);
        emb.weight.copy_(F32(table, 5, 3));
        var idx = tensor(new long[] { 1, 4, 0, 1 }, new long[] { 2, 2 });
        var y = emb.forward(idx);
        Assert.Equal(new long[] { 2, 2, 3 }, y.shape);
        var expected = new[] { 1, 4, 0, 1 }.SelectMany(r => table.Skip(r * 3).Take(3)).ToArray();
        AssertClose(expected, y, 1e-6, 1e-7);

        y.sum().backward();
        // Row 1 is looked up twice, row 4 once, padding row 0 gets no gradient.
        Assert.Equal(new float[] { 0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 1 }, emb.weight.grad!.data<float>());
    }

    [Fact]
    public void Upsample_Nearest_RepeatsPixels_ByScaleAndBySize()
    {
        using var scope = NewDisposeScope();
        var x = arange(0, 6, dtype: ScalarType.Float32).view(1, 1, 2, 3);
        var y = nn.Upsample(scale_factor: 2).forward(x);
        Assert.Equal(new long[] { 1, 1, 4, 6 }, y.shape);
        var expected = new float[24];
        for (var i = 0; i < 4; i++)
            for (var j = 0; j < 6; j++) expected[i * 6 + j] = i / 2 * 3 + j / 2;
        Assert.Equal(expected, y.data<float>());

        // By size: source index = floor(dst · in / out).
        var z = F.interpolate(x, size: new long[] { 3, 5 }).data<float>();
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 5; j++)
                Assert.Equal((float)(Math.Floor(i * 2 / 3.0) * 3 + Math.Floor(j * 3 / 5.0)), z[i * 5 + j]);
    }

    private static double Bilinear(double[] img, int h, int w, int oh, int ow, int oy, int ox, bool alignCorners)
    {
        double Src(int dst, int inSize, int outSize) => alignCorners
            ? (outSize > 1 ? dst * (inSize - 1) / (double)(outSize - 1) : 0)
            : Math.Max(0, (dst + 0.5) * inSize / outSize - 0.5);
        double sy = Src(oy, h, oh), sx = Src(ox, w, ow);
        int y0 = (int)Math.Floor(sy), x0 = (int)Math.Floor(sx);
        int y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
        double ly = sy - y0, lx = sx - x0;
        return (1 - ly) * ((1 - lx) * img[y0 * w + x0] + lx * img[y0 * w + x1])
               + ly * ((1 - lx) * img[y1 * w + x0] + lx * img[y1 * w + x1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Upsample_Bilinear_MatchesInterpolationFormula(bool alignCorners)
    {
        using var scope = NewDisposeScope();
        var img = Values(12, 4);
        var y = nn.Upsample(size: new long[] { 5, 7 }, mode: nn.UpsampleMode.Bilinear, align_corners: alignCorners)
            .forward(F64(img, 1, 1, 3, 4)).data<double>();
        for (var i = 0; i < 5; i++)
            for (var j = 0; j < 7; j++)
                AssertClose(Bilinear(img, 3, 4, 5, 7, i, j, alignCorners), y[i * 7 + j], what: $"({i},{j})");
    }

    private static double[] Pool(double[] img, int h, int w, int k, int s, int p, bool max, bool countPad, out int oh, out int ow)
    {
        oh = (h + 2 * p - k) / s + 1;
        ow = (w + 2 * p - k) / s + 1;
        var y = new double[oh * ow];
        for (var i = 0; i < oh; i++)
            for (var j = 0; j < ow; j++)
            {
                double acc = max ? double.NegativeInfinity : 0;
                var count = 0;
                for (var a = 0; a < k; a++)
                    for (var b = 0; b < k; b++)
                    {
                        int r = i * s - p + a, c = j * s - p + b;
                        if (r < 0 || r >= h || c < 0 || c >= w) continue;
                        acc = max ? Math.Max(acc, img[r * w + c]) : acc + img[r * w + c];
                        count++;
                    }
                y[i * ow + j] = max ? acc : acc / (countPad ? k * k : count);
            }
        return y;
    }

    [Theory]
    [InlineData(2, 2, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(3, 1, 1)]
    public void MaxAndAvgPool_MatchWindowFormulas(int k, int s, int p)
    {
        using var scope = NewDisposeScope();
        var img = Values(5 * 6, 8);
        var x = F64(img, 1, 1, 5, 6);
        var max = Pool(img, 5, 6, k, s, p, true, true, out var oh, out var ow);
        var y = F.max_pool2d(x, k, s, p);
        Assert.Equal(new long[] { 1, 1, oh, ow }, y.shape);
        AssertClose(max, y);
        AssertClose(Pool(img, 5, 6, k, s, p, false, true, out _, out _), F.avg_pool2d(x, k, s, p));
        AssertClose(Pool(img, 5, 6, k, s, p, false, false, out _, out _), F.avg_pool2d(x, k, s, p, count_include_pad: false));
    }

    [Fact]
    public void AdaptivePools_UseFloorAndCeilWindowBounds()
    {
        using var scope = NewDisposeScope();
        var img = Values(5 * 7, 9);
        var x = F64(img, 1, 1, 5, 7);
        int oh = 3, ow = 4;
        var avg = F.adaptive_avg_pool2d(x, (oh, ow)).data<double>();
        var max = F.adaptive_max_pool2d(x, (oh, ow)).data<double>();
        for (var i = 0; i < oh; i++)
            for (var j = 0; j < ow; j++)
            {
                int r0 = i * 5 / oh, r1 = (int)Math.Ceiling((i + 1) * 5.0 / oh);
                int c0 = j * 7 / ow, c1 = (int)Math.Ceiling((j + 1) * 7.0 / ow);
                var window = new List<double>();
                for (var r = r0; r < r1; r++)
                    for (var c = c0; c < c1; c++) window.Add(img[r * 7 + c]);
                AssertClose(window.Average(), avg[i * ow + j], what: "adaptive avg");
                Assert.Equal(window.Max(), max[i * ow + j]);
            }
        Assert.Equal(new long[] { 1, 1, 1, 1 }, F.adaptive_avg_pool2d(x, 1).shape);
        AssertClose(img.Average(), F.adaptive_avg_pool2d(x, 1).item<double>());
    }

    [Theory]
    [InlineData(nn.PaddingModes.Constant)]
    [InlineData(nn.PaddingModes.Reflect)]
    [InlineData(nn.PaddingModes.Replicate)]
    [InlineData(nn.PaddingModes.Circular)]
    public void Pad_MapsEveryOutputToTheRightSource(nn.PaddingModes mode)
    {
        using var scope = NewDisposeScope();
        int h = 3, w = 4, left = 2, right = 1, top = 1, bottom = 2;
        var img = Enumerable.Range(1, h * w).Select(v => (double)v).ToArray();
        var y = F.pad(F64(img, 1, 1, h, w), new long[] { left, right, top, bottom }, mode, value: -7).data<double>();
        int oh = h + top + bottom, ow = w + left + right;
        Assert.Equal(oh * ow, y.Length);
        static int Map(int i, int n, nn.PaddingModes m) => m switch
        {
            nn.PaddingModes.Reflect => i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i,
            nn.PaddingModes.Replicate => Math.Clamp(i, 0, n - 1),
            nn.PaddingModes.Circular => ((i % n) + n) % n,
            _ => i,
        };
        for (var i = 0; i < oh; i++)
            for (var j = 0; j < ow; j++)
            {
                int r = Map(i - top, h, mode), c = Map(j - left, w, mode);
                var expected = r < 0 || r >= h || c < 0 || c >= w ? -7 : img[r * w + c];
                Assert.Equal(expected, y[i * ow + j]);
            }
    }

    public static IEnumerable<object[]> Activations()
    {
        static double Softplus(double x, double beta, double threshold) => beta * x > threshold ? x : Math.Log(1 + Math.Exp(beta * x)) / beta;
        var c = Math.Sqrt(2 / Math.PI);
        var cases = new (string name, Func<Tensor, Tensor> f, Func<double, double> g)[]
        {
            ("relu", F.relu, x => Math.Max(0, x)),
            ("leaky_relu", x => F.leaky_relu(x, 0.2), x => x > 0 ? x : 0.2 * x),
            ("sigmoid", F.sigmoid, Sigmoid),
            ("tanh", F.tanh, Math.Tanh),
            ("silu", F.silu, x => x * Sigmoid(x)),
            ("gelu", x => F.gelu(x), x => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)))),
            ("gelu_tanh", x => F.gelu(x, true), x => 0.5 * x * (1 + Math.Tanh(c * (x + 0.044715 * x * x * x)))),
            ("elu", x => F.elu(x, 0.7), x => x > 0 ? x : 0.7 * (Math.Exp(x) - 1)),
            ("softplus", x => F.softplus(x, 2, 3), x => Softplus(x, 2, 3)),
            ("hardtanh", x => F.hardtanh(x, -0.5, 1.5), x => Math.Clamp(x, -0.5, 1.5)),
            ("relu6", F.relu6, x => Math.Clamp(x, 0, 6)),
            ("logsigmoid", F.logsigmoid, x => Math.Log(Sigmoid(x))),
            ("module LeakyReLU", x => nn.LeakyReLU(0.1).forward(x), x => x > 0 ? x : 0.1 * x),
            ("module SiLU", x => nn.SiLU().forward(x), x => x * Sigmoid(x)),
            ("module ELU", x => nn.ELU().forward(x), x => x > 0 ? x : Math.Exp(x) - 1),
        };
        return cases.Select(k => new object[] { k.name, k.f, k.g });
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Activation_MatchesFormula(string name, Func<Tensor, Tensor> f, Func<double, double> g)
    {
        using var scope = NewDisposeScope();
        // |x| < 4 keeps erf's series accurate; softplus's threshold (βx > 3) is crossed inside it.
        var x = Values(40, 11, 4).Append(0.0).Append(3.9).Append(-2.9).ToArray();
        AssertClose(x.Select(g).ToArray(), f(F64(x, x.Length)), 1e-12, 1e-12, name);
    }

    [Fact]
    public void SoftmaxAndLogSoftmax_MatchFormula()
    {
        using var scope = NewDisposeScope();
        var x = Values(12, 12, 5);
        var soft = F.softmax(F64(x, 3, 4), 1).data<double>();
        var logSoft = F.log_softmax(F64(x, 3, 4), 1).data<double>();
        for (var r = 0; r < 3; r++)
        {
            var row = x.Skip(r * 4).Take(4).ToArray();
            var z = row.Sum(Math.Exp);
            for (var j = 0; j < 4; j++)
            {
                AssertClose(Math.Exp(row[j]) / z, soft[r * 4 + j]);
                AssertClose(row[j] - Math.Log(z), logSoft[r * 4 + j]);
            }
        }
    }

    [Fact]
    public void Normalize_DividesByTheNormAlongADimension()
    {
        using var scope = NewDisposeScope();
        var x = Values(6, 13);
        var y = F.normalize(F64(x, 2, 3), dim: 1).data<double>();
        for (var r = 0; r < 2; r++)
        {
            var norm = Math.Sqrt(x.Skip(r * 3).Take(3).Sum(v => v * v));
            for (var j = 0; j < 3; j++) AssertClose(x[r * 3 + j] / norm, y[r * 3 + j]);
        }
    }
}
