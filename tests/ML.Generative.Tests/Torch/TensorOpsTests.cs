using ML.Generative.Torch;
using static ML.Generative.Tests.Torch.Reference;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Tests.Torch;

/// <summary>Tensor operations the layers rely on: scalar type promotion and symmetric eigendecomposition.</summary>
public class TensorOpsTests
{
    [Fact]
    public void IntegerScalars_KeepIntegerTensorsIntegral_InPlaceAndNot()
    {
        using var scope = NewDisposeScope();
        var counter = zeros(new long[0], ScalarType.Int64);
        counter.add_(1);
        counter.add_(2);
        Assert.Equal(ScalarType.Int64, counter.dtype);
        Assert.Equal(3L, counter.item<long>());
        var t = arange(0, 4);
        Assert.Equal(ScalarType.Int64, (t + 1).dtype);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, (t + 1).data<long>());
        Assert.Equal(new long[] { 0, 3, 6, 9 }, (3 * t).data<long>());
        Assert.Equal(new long[] { 5, 4, 3, 2 }, (5 - t).data<long>());
        var u = arange(10, 14);
        u.add_(t).sub_(t, 2);
        Assert.Equal(new long[] { 10, 10, 10, 10 }, u.data<long>());
        Assert.Equal(new long[] { 10, 9, 8, 7 }, (u - t).data<long>());
        // A float scalar promotes, as in PyTorch.
        Assert.Equal(ScalarType.Float32, (t + 0.5).dtype);
        Assert.Equal(new float[] { 1.5f, 2.5f }, (arange(1, 3, dtype: ScalarType.Float32) + 0.5).data<float>());
        Assert.Throws<TorchException>(() => counter.add_(0.5));
    }

    [Fact]
    public void Item_IsExactForInt64_AndConvertsLikeTo()
    {
        using var scope = NewDisposeScope();
        const long big = (1L << 53) + 1;   // not representable as a double
        Assert.Equal(big, tensor(new[] { big }).item<long>());
        Assert.Equal(long.MinValue, tensor(new[] { long.MinValue }).item<long>());
        // Conversions agree with the tensor's own conversion (truncation toward zero), as data<T>() does.
        var x = tensor(new[] { 2.7f });
        Assert.Equal(x.data<long>()[0], x.item<long>());
        Assert.Equal(2L, x.item<long>());
        Assert.Equal(-2, tensor(new[] { -2.7 }).item<int>());
        Assert.Equal(2.7f, x.item<float>());
        Assert.True(tensor(new[] { 0.5 }).item<bool>());
        Assert.False(tensor(new[] { 0.0 }).item<bool>());
        Assert.Equal(0.1, tensor(new[] { 0.1 }).item<double>());
    }

    [Fact]
    public void LinalgEigh_HandComputedTwoByTwo()
    {
        using var scope = NewDisposeScope();
        // [[2,1],[1,2]] has eigenvalues 1 and 3 with eigenvectors (1,-1)/√2 and (1,1)/√2.
        var (values, vectors) = linalg.eigh(tensor(new double[] { 2, 1, 1, 2 }, new long[] { 2, 2 }));
        AssertClose(new[] { 1.0, 3.0 }, values, 1e-12, 1e-12);
        var v = vectors.data<double>();
        AssertClose(1 / Math.Sqrt(2), Math.Abs(v[0]), 1e-12);
        AssertClose(-v[0], v[2], 1e-12, 1e-12);
        AssertClose(v[1], v[3], 1e-12, 1e-12);
    }

    [Fact]
    public void LinalgEigh_SatisfiesAvEqualsLambdaV_WithOrthonormalV_ReadingTheLowerTriangle()
    {
        using var scope = NewDisposeScope();
        const int n = 5;
        var r = Values(n * n, 3);
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++) a[i * n + j] = r[i * n + j] + r[j * n + i];
        // Garbage above the diagonal must be ignored.
        var lowerOnly = (double[])a.Clone();
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++) lowerOnly[i * n + j] = 1000;
        var (values, vectors) = linalg.eigh(F64(lowerOnly, n, n));
        var l = values.data<double>();
        var v = vectors.data<double>();
        for (var k = 1; k < n; k++) Assert.True(l[k - 1] <= l[k], "eigenvalues ascend");
        for (var k = 0; k < n; k++)
            for (var i = 0; i < n; i++)
            {
                double av = 0;
                for (var j = 0; j < n; j++) av += a[i * n + j] * v[j * n + k];
                AssertClose(l[k] * v[i * n + k], av, 1e-9, 1e-11, $"(A v{k})[{i}]");
            }
        for (var p = 0; p < n; p++)
            for (var q = 0; q < n; q++)
            {
                double dot = 0;
                for (var i = 0; i < n; i++) dot += v[i * n + p] * v[i * n + q];
                AssertClose(p == q ? 1 : 0, dot, 1e-12, 1e-12, $"v{p}·v{q}");
            }
        AssertClose(Enumerable.Range(0, n).Sum(i => a[i * n + i]), l.Sum(), 1e-12, 1e-12, "trace");
    }
}
