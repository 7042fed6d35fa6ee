using ML.Generative.Models.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Models;

public class LatentInterpolationTests
{
    [Fact]
    public void Spherical_BetweenOrthogonalUnitVectors_FollowsTheGreatCircle()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 1.0, 0 });
        var b = tensor(new[] { 0.0, 1 });
        var path = LatentInterpolation.Path(a, b, 5, Interpolation.Spherical).ToDoubles();
        for (var k = 0; k < 5; k++)
        {
            var angle = Math.PI / 2 * k / 4; // slerp of orthogonal unit vectors = (cos θ, sin θ)
            Assert.Equal(Math.Cos(angle), path[2 * k], 12);
            Assert.Equal(Math.Sin(angle), path[2 * k + 1], 12);
        }
    }

    [Fact]
    public void Linear_IsTheStraightLineIncludingEndpoints()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 2.0f, -1, 0 });
        var b = tensor(new[] { 4.0f, 1, 3 });
        var path = LatentInterpolation.Path(a, b, 3, Interpolation.Linear);
        Assert.Equal(new float[] { 2, -1, 0, 3, 0, 1.5f, 4, 1, 3 }, path.ToFloats());
    }

    [Fact]
    public void GaussianCodes_AreReproducibleBySeed()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(LatentSampler.Gaussian(4, 3, 7).ToFloats(), LatentSampler.Gaussian(4, 3, 7).ToFloats());
        Assert.NotEqual(LatentSampler.Gaussian(4, 3, 7).ToFloats(), LatentSampler.Gaussian(4, 3, 8).ToFloats());
        var big = LatentSampler.Gaussian(4000, 5, 1);
        Assert.Equal(0, big.mean().ToDouble(), 1);
        Assert.Equal(1, big.std().ToDouble(), 1);
    }

    [Fact]
    public void Bootstrap_DrawsEachDimensionFromTheCachedValues()
    {
        using var scope = NewDisposeScope();
        var cache = tensor(new float[] { 1, 10, 2, 20, 3, 30 }, new long[] { 3, 2 });
        var codes = LatentSampler.ForAutoencoder(AutoencoderSampling.Bootstrap, cache, 50, 4).ToFloats();
        for (var i = 0; i < 50; i++)
        {
            Assert.Contains(codes[2 * i], new float[] { 1, 2, 3 });
            Assert.Contains(codes[2 * i + 1], new float[] { 10, 20, 30 });
        }
        var uniform = LatentSampler.ForAutoencoder(AutoencoderSampling.Uniform, cache, 100, 4).ToFloats();
        Assert.All(uniform, v => Assert.InRange(v, -1f, 1f));
    }
}
