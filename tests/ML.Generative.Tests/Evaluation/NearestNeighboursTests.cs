using ML.Generative.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Evaluation;

public class NearestNeighboursTests
{
    [Fact]
    public void MinMse_IsTheBruteForceMinimumOverReferences_AndZeroForACopy()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var images = rand(5, 1, 3, 3);
        var references = rand(4100, 1, 3, 3);   // more than one block of 4,096
        var got = NearestNeighbours.MinMeanSquaredError(images, references);
        var x = images.ToFloats().ToArray();
        var r = references.ToFloats().ToArray();
        for (var i = 0; i < 5; i++)
        {
            var best = double.PositiveInfinity;
            for (var j = 0; j < 4100; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < 9; k++) sum += Math.Pow(x[i * 9 + k] - r[j * 9 + k], 2);
                best = Math.Min(best, sum / 9);
            }
            Assert.Equal(best, got[i], 9);
        }
        var copy = NearestNeighbours.MinMeanSquaredError(references.narrow(0, 4097, 2), references);
        Assert.All(copy, d => Assert.Equal(0, d, 12));
        Assert.Throws<ArgumentException>(() => NearestNeighbours.MinMeanSquaredError(images, rand(3, 1, 4, 4)));
    }
}
