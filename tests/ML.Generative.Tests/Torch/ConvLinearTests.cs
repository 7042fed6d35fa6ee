using ML.Generative.Torch;
using ML.Generative.Torch.Modules;
using static ML.Generative.Tests.Torch.Reference;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Tests.Torch;

/// <summary>Linear, Conv2d and ConvTranspose2d against direct loops of their textbook definitions.</summary>
public class ConvLinearTests
{
    [Fact]
    public void Linear_MatchesXWtPlusB_For2dAnd3dInputs()
    {
        using var scope = NewDisposeScope();
        var layer = nn.Linear(4, 3, dtype: ScalarType.Float64);
        var w = Values(12, 1);
        var b = Values(3, 2);
        layer.weight.copy_(F64(w, 3, 4));
        layer.bias!.copy_(F64(b, 3));

        var x = Values(2 * 5 * 4, 3);
        var y = layer.forward(F64(x, 2, 5, 4));
        Assert.Equal(new long[] { 2, 5, 3 }, y.shape);
        AssertClose(Linear(x, 10, 4, w, 3, b), y);

        var noBias = nn.Linear(4, 3, hasBias: false, dtype: ScalarType.Float64);
        Assert.Null(noBias.bias);
        noBias.weight.copy_(F64(w, 3, 4));
        AssertClose(Linear(x, 10, 4, w, 3, null), noBias.forward(F64(x, 10, 4)));
    }

    [Fact]
    public void Linear_DefaultInit_IsBoundedByOneOverSqrtFanIn()
    {
        using var layer = nn.Linear(16, 32);
        var bound = 1 / Math.Sqrt(16);
        var w = layer.weight.data<float>();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.All(layer.bias!.data<float>(), v => Assert.InRange(v, -bound, bound));
        // Uniform on ±bound has standard deviation bound/√3; 512 draws land close to it.
        var sd = Math.Sqrt(w.Select(v => (double)v * v).Average());
        Assert.InRange(sd, 0.8 * bound / Math.Sqrt(3), 1.2 * bound / Math.Sqrt(3));
    }

    [Fact]
    public void ConvLayers_DefaultInit_UseFanInOfWeightDimensionOne_AsPyTorch()
    {
        // PyTorch computes fan_in from dim 1 times the kernel area for both layouts, so a transposed convolution
        // (C_in, C_out/g, k, k) gets fan_in = C_out/g·k², not C_in·k².
        using var conv = nn.Conv2d(8, 2, 4);
        using var deconv = nn.ConvTranspose2d(8, 2, 4);
        foreach (var (layer, fanIn) in new[] { ((WeightedLayer)conv, 8 * 16), (deconv, 2 * 16) })
        {
            var bound = 1 / Math.Sqrt(fanIn);
            var w = layer.weight.data<float>();
            Assert.All(w, v => Assert.InRange(v, -bound, bound));
            Assert.All(layer.bias!.data<float>(), v => Assert.InRange(v, -bound, bound));
            // 256 uniform draws reach close to the bound.
            Assert.True(w.Max(Math.Abs) > 0.9 * bound, $"{layer.name}: max |w| {w.Max(Math.Abs)} vs bound {bound}");
        }
    }

    public static IEnumerable<object[]> ConvCases() => new[]
    {
        // n, c, h, w, o, kh, kw, stride, padding, dilation, groups, bias
        new object[] { 1, 1, 4, 4, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, true },
        new object[] { 2, 3, 5, 6, 4, 3, 2, 2, 1, 1, 2, 1, 1, 1, true },
        new object[] { 2, 4, 5, 6, 6, 3, 2, 2, 1, 1, 2, 1, 2, 2, false },
        new object[] { 1, 4, 7, 7, 4, 3, 3, 2, 2, 2, 1, 2, 2, 4, true },
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2d_MatchesDirectConvolution(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph,
        int pw, int dh, int dw, int groups, bool bias)
    {
        using var scope = NewDisposeScope();
        var conv = new Conv2d(c, o, (kh, kw), (sh, sw), (ph, pw), (dh, dw), groups, bias, dtype: ScalarType.Float64);
        var weight = Values(o * (c / groups) * kh * kw, 10 + c);
        var b = Values(o, 20 + o);
        conv.weight.copy_(F64(weight, o, c / groups, kh, kw));
        if (bias) conv.bias!.copy_(F64(b, o));
        var x = Values(n * c * h * w, 30 + h);

        var expected = Reference.Conv2d(x, n, c, h, w, weight, o, kh, kw, bias ? b : null, (sh, sw), (ph, pw), (dh, dw), groups,
            out var oh, out var ow);
        var y = conv.forward(F64(x, n, c, h, w));
        Assert.Equal(new long[] { n, o, oh, ow }, y.shape);
        AssertClose(expected, y);

        // Float32 gives the same values to single precision.
        var y32 = nn.functional.conv2d(F32(x, n, c, h, w), conv.weight.to(ScalarType.Float32),
            bias ? conv.bias!.to(ScalarType.Float32) : null, (sh, sw), (ph, pw), (dh, dw), groups);
        AssertClose(expected, y32, rtol: 1e-5, atol: 1e-5);
    }

    [Fact]
    public void Conv2d_HandComputedThreeByThree()
    {
        using var scope = NewDisposeScope();
        // x = 1..9 as a 3x3 image, kernel [[1,0],[0,-1]]: y[i,j] = x[i,j] - x[i+1,j+1] = -4 everywhere.
        var x = tensor(Enumerable.Range(1, 9).Select(v => (double)v).ToArray(), new long[] { 1, 1, 3, 3 });
        var k = tensor(new double[] { 1, 0, 0, -1 }, new long[] { 1, 1, 2, 2 });
        Assert.Equal(new double[] { -4, -4, -4, -4 }, nn.functional.conv2d(x, k).data<double>());
        // Padding 1, stride 2: 2x2 windows of the zero-padded 5x5 image at rows/cols {0, 2}.
        var y = nn.functional.conv2d(x, k, stride: (2, 2), padding: (1, 1)).data<double>();
        // windows at padded (0,0),(0,2),(2,0),(2,2): top-left - bottom-right of each 2x2 window
        //   (0,0): 0 - x[0][0]=1 -> -1;  (0,2): 0 - x[0][2]=3 -> -3;  (2,0): 0 - x[2][0]=7 -> -7;  (2,2): x[1][1]=5 - x[2][2]=9 -> -4
        Assert.Equal(new double[] { -1, -3, -7, -4 }, y);
    }

    public static IEnumerable<object[]> ConvTransposeCases() => new[]
    {
        // n, c, h, w, o, kh, kw, stride, padding, output_padding, dilation, groups
        new object[] { 1, 1, 2, 2, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1 },
        new object[] { 2, 4, 3, 2, 6, 3, 3, 2, 3, 1, 1, 1, 2, 1, 1, 2 },
        new object[] { 1, 2, 3, 3, 3, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1 },
        new object[] { 2, 3, 2, 3, 2, 2, 3, 1, 2, 0, 1, 0, 1, 2, 2, 1 },
    };

    [Theory]
    [MemberData(nameof(ConvTransposeCases))]
    public void ConvTranspose2d_MatchesScatterDefinition(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw,
        int ph, int pw, int oph, int opw, int dh, int dw, int groups)
    {
        using var scope = NewDisposeScope();
        var layer = new ConvTranspose2d(c, o, (kh, kw), (sh, sw), (ph, pw), (oph, opw), groups, true, (dh, dw), dtype: ScalarType.Float64);
        var weight = Values(c * (o / groups) * kh * kw, 40 + c);
        var b = Values(o, 50 + o);
        layer.weight.copy_(F64(weight, c, o / groups, kh, kw));
        layer.bias!.copy_(F64(b, o));
        var x = Values(n * c * h * w, 60 + w);

        var expected = Reference.ConvTranspose2d(x, n, c, h, w, weight, o, kh, kw, b, (sh, sw), (ph, pw), (oph, opw), (dh, dw),
            groups, out var oh, out var ow);
        var y = layer.forward(F64(x, n, c, h, w));
        Assert.Equal(new long[] { n, o, oh, ow }, y.shape);
        AssertClose(expected, y);
    }

    [Fact]
    public void ConvTranspose2d_HandComputed_StrideTwoSpreadsTheKernel()
    {
        using var scope = NewDisposeScope();
        // Two pixels (1 and 10) with a 2x2 kernel of ones and stride 2: each pixel paints its own 2x2 block.
        var x = tensor(new double[] { 1, 10 }, new long[] { 1, 1, 1, 2 });
        var k = ones(new long[] { 1, 1, 2, 2 }, ScalarType.Float64);
        var y = nn.functional.conv_transpose2d(x, k, stride: (2, 2));
        Assert.Equal(new long[] { 1, 1, 2, 4 }, y.shape);
        Assert.Equal(new double[] { 1, 1, 10, 10, 1, 1, 10, 10 }, y.data<double>());
        // Stride 1 overlaps the blocks in the middle column.
        Assert.Equal(new double[] { 1, 11, 10, 1, 11, 10 }, nn.functional.conv_transpose2d(x, k).data<double>());
    }
}
