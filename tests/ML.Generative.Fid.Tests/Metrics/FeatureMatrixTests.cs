using ML.Generative.Fid.Metrics;
using TorchSharp;

namespace ML.Generative.Fid.Tests.Metrics;

public class FeatureMatrixTests
{
    [Fact]
    public void EveryConstructor_HoldsTheSameRowMajorValues()
    {
        var expected = new double[] { 1, 2, 3, 4, 5, 6.5 };
        var fromArray = new FeatureMatrix(new double[,] { { 1, 2, 3 }, { 4, 5, 6.5 } });
        var fromDoubles = FeatureMatrix.FromRows(expected, 2, 3);
        var fromFloats = FeatureMatrix.FromRows(new float[] { 1, 2, 3, 4, 5, 6.5f }, 2, 3);
        using var t = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6.5f }, new long[] { 2, 3 });
        var fromTensor = FeatureMatrix.FromTensor(t);

        foreach (var m in new[] { fromArray, fromDoubles, fromFloats, fromTensor })
        {
            Assert.Equal((2, 3), (m.Count, m.Dimension));
            Assert.Equal(expected, m.Values.ToArray());
            Assert.Equal(new double[] { 4, 5, 6.5 }, m.Row(1).ToArray());
        }
    }

    [Fact]
    public void Columns_TakesTheSameSliceOfEveryRow()
    {
        var m = new FeatureMatrix(new double[,] { { 1, 2, 3, 4 }, { 5, 6, 7, 8 } }).Columns(1, 2);
        Assert.Equal((2, 2), (m.Count, m.Dimension));
        Assert.Equal(new double[] { 2, 3, 6, 7 }, m.Values.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Columns(1, 2));
    }

    [Fact]
    public void InputIsCopied()
    {
        var values = new double[] { 1, 2 };
        var m = FeatureMatrix.FromRows(values, 1, 2);
        values[0] = 9;
        Assert.Equal(1, m.Values[0]);
    }

    [Fact]
    public void BadInput_GetsAClearError()
    {
        Assert.Contains("needs 6 values", Assert.Throws<ArgumentException>(() => FeatureMatrix.FromRows(new double[5], 2, 3)).Message);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => FeatureMatrix.FromRows(new[] { 1.0, double.NaN }, 1, 2)).Message);
        Assert.Throws<ArgumentException>(() => new FeatureMatrix(new double[0, 3]));
        using var v = torch.zeros(4);
        Assert.Contains("2-D", Assert.Throws<ArgumentException>(() => FeatureMatrix.FromTensor(v)).Message);
        using var i = torch.zeros(new long[] { 2, 2 }, torch.ScalarType.Int64);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => FeatureMatrix.FromTensor(i)).Message);
    }
}
