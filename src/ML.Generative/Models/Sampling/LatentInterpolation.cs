using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Models.Sampling;

/// <summary>How to walk between two latent codes.</summary>
public enum Interpolation
{
    /// <summary>Straight line: (1−t)·a + t·b.</summary>
    Linear,

    /// <summary>Great circle (slerp, Shoemake 1985): keeps the norm typical of Gaussian codes, as White
    /// (2016) recommends for sampling generative models.</summary>
    Spherical,
}

/// <summary>Paths between latent codes, for interpolation and analogy grids.</summary>
public static class LatentInterpolation
{
    /// <summary><paramref name="steps"/> codes from <paramref name="a"/> to <paramref name="b"/> inclusive: (d) → (steps, d).</summary>
    public static Tensor Path(Tensor a, Tensor b, int steps, Interpolation kind)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "an interpolation needs at least 2 steps");
        if (a.Dimensions != 1 || !a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"interpolation needs two latent vectors of the same size, got ({string.Join(", ", a.shape)}) and ({string.Join(", ", b.shape)})");
        using var scope = NewDisposeScope();
        var t = linspace(0, 1, steps, ScalarType.Float64).unsqueeze(1);
        var a64 = a.to(ScalarType.Float64).unsqueeze(0);
        var b64 = b.to(ScalarType.Float64).unsqueeze(0);
        Tensor path;
        var cos = (a64 * b64).sum() / (a64.norm() * b64.norm());
        var omega = Math.Acos(Math.Clamp(cos.ToDouble(), -1, 1));
        if (kind == Interpolation.Linear || Math.Sin(omega) < 1e-6)
            path = a64 * (1 - t) + b64 * t; // nearly parallel codes: slerp degenerates to the line
        else
        {
            var sinOmega = Math.Sin(omega);
            var wa = ((1 - t) * omega).sin() / sinOmega;
            var wb = (t * omega).sin() / sinOmega;
            path = a64 * wa + b64 * wb;
        }
        return path.to(a.dtype).MoveToOuterDisposeScope();
    }
}
