using ML.Generative.Torch;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Tests.Torch;

public class TensorBasicsTests
{
    [Fact]
    public void FromArray_RoundTripsShapeDtypeAndValues()
    {
        using var t = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        Assert.Equal(new long[] { 2, 3 }, t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.data<float>());
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, t.data<double>());
    }

    [Fact]
    public void Arithmetic_MatchesHandComputedValues()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        var b = tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        Assert.Equal(new float[] { 6, 8, 10, 12 }, (a + b).data<float>());
        Assert.Equal(new float[] { -4, -4, -4, -4 }, (a - b).data<float>());
        Assert.Equal(new float[] { 5, 12, 21, 32 }, (a * b).data<float>());
        Assert.Equal(new float[] { 9, 8, 7, 6 }, (10 - a).data<float>());
        Assert.Equal(new float[] { 2, 1, 2f / 3, 0.5f }, (2 / a).data<float>());
        // [[1,2],[3,4]] @ [[5,6],[7,8]] = [[19,22],[43,50]]
        Assert.Equal(new float[] { 19, 22, 43, 50 }, a.matmul(b).data<float>());
        Assert.Equal(10f, a.sum().item<float>());
        Assert.Equal(new float[] { 4, 6 }, a.sum(0).data<float>());
        Assert.Equal(new float[] { 1.5f, 3.5f }, a.mean(1).data<float>());
        Assert.Equal(4f, a.max().item<float>());
        Assert.Equal(3L, a.argmax().item<long>());
        // sample std of 1,2,3,4 = sqrt(5/3)
        Assert.Equal(Math.Sqrt(5.0 / 3), a.std().item<double>(), 5);
        // logsumexp(1,2) = 2 + log(1 + e^-1)
        Assert.Equal(2 + Math.Log(1 + Math.Exp(-1)), a.logsumexp(1).data<float>()[0], 5);
    }

    [Fact]
    public void ShapeOps_ViewPermuteCatStackChunk()
    {
        using var scope = NewDisposeScope();
        var t = arange(0, 24).view(2, 3, 4);
        Assert.Equal(new long[] { 4, 3, 2 }, t.permute(2, 1, 0).shape);
        Assert.Equal(new long[] { 2, 12 }, t.flatten(1).shape);
        Assert.Equal(new long[] { 2, 1, 3, 4 }, t.unsqueeze(1).shape);
        Assert.Equal(new long[] { 4, 3, 4 }, cat(new[] { t, t }).shape);
        Assert.Equal(new long[] { 2, 2, 3, 4 }, stack(new[] { t, t }).shape);
        var parts = t.chunk(2, 2);
        Assert.Equal(2, parts.Length);
        Assert.Equal(new long[] { 0, 1, 4, 5, 8, 9 }, parts[0][0].data<long>());
        Assert.Equal(new long[] { 2, 3, 4 }, t.transpose(0, 1).contiguous().view(3, 2, 4).transpose(0, 1).shape);
    }

    [Fact]
    public void Indexing_SlicesSelectsAndAssigns()
    {
        using var scope = NewDisposeScope();
        var t = arange(0, 12).view(3, 4);
        Assert.Equal(new long[] { 4, 5, 6, 7 }, t[1].data<long>());
        Assert.Equal(new long[] { 1, 5, 9 }, t[TensorIndex.Colon, 1].data<long>());
        Assert.Equal(new long[] { 5, 6 }, t[1, 1..3].data<long>());
        Assert.Equal(new long[] { 3, 7, 11 }, t[TensorIndex.Ellipsis, ^1].data<long>());
        Assert.Equal(new long[] { 0, 2, 8, 10 }, t[TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 2)].data<long>());
        var mask = t > 9;
        Assert.Equal(new long[] { 10, 11 }, t[mask].data<long>());
        t[0] = zeros(new long[] { 4 }, ScalarType.Int64);
        Assert.Equal(new long[] { 0, 0, 0, 0 }, t[0].data<long>());
        t.index_put_(-1, TensorIndex.Colon, 0);
        Assert.Equal(new long[] { -1, -1, -1 }, t[TensorIndex.Colon, 0].data<long>());
    }

    [Fact]
    public void ManualSeed_GivesReproducibleDraws()
    {
        manual_seed(42);
        using var a = randn(5);
        manual_seed(42);
        using var b = randn(5);
        using var c = randn(5);
        Assert.Equal(a.data<float>(), b.data<float>());
        Assert.NotEqual(a.data<float>(), c.data<float>());
    }

    [Fact]
    public void Dtypes_ConvertAndReport()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new double[] { 1.5, -2.25 });
        foreach (var type in new[] { ScalarType.Float16, ScalarType.BFloat16, ScalarType.Float32, ScalarType.Int32, ScalarType.Int64, ScalarType.Byte, ScalarType.Bool })
            Assert.Equal(type, t.to(type).dtype);
        Assert.Equal(new long[] { 1, -2 }, t.to(ScalarType.Int64).data<long>());
        Assert.Equal(new float[] { 1.5f, -2.25f }, t.to(ScalarType.Float16).data<float>());
    }
}
