using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Models.Sampling;

/// <summary>Where a plain autoencoder draws latent codes from (it has no prior of its own).</summary>
public enum AutoencoderSampling
{
    /// <summary>Each latent dimension drawn independently from the codes of training images (a bootstrap of the
    /// marginals): plausible values per dimension, but their joint structure is lost.</summary>
    Bootstrap,

    /// <summary>Uniform in [−1, 1] per dimension: shows how little of that box a plain AE's decoder has learned.</summary>
    Uniform,
}

/// <summary>Latent codes for sampling. Every draw takes an explicit seed: the same seed gives the same codes.</summary>
public static class LatentSampler
{
    /// <summary>z ~ N(0, I): (count, size).</summary>
    public static Tensor Gaussian(int count, int size, long seed)
    {
        CheckCount(count);
        var rng = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var values = new float[count * size];
        for (var i = 0; i < values.Length; i += 2)
        {
            // Box–Muller, from a .NET generator so the codes do not depend on libtorch's global state.
            var u1 = 1.0 - rng.NextDouble();
            var u2 = rng.NextDouble();
            var r = Math.Sqrt(-2 * Math.Log(u1));
            values[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < values.Length) values[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
        }
        return tensor(values, new long[] { count, size });
    }

    /// <summary>Codes for a plain autoencoder: <paramref name="latents"/> are cached training codes (N, d).</summary>
    public static Tensor ForAutoencoder(AutoencoderSampling kind, Tensor latents, int count, long seed)
    {
        CheckCount(count);
        var rng = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var (n, d) = (latents.shape[0], latents.shape[1]);
        var values = new float[count * d];
        if (kind == AutoencoderSampling.Uniform)
            for (var i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        else
        {
            if (n == 0) throw new InvalidOperationException("bootstrap sampling needs cached training latents, and there are none");
            using var onCpu = latents.to(CPU);
            var cache = onCpu.data<float>();
            for (var row = 0; row < count; row++)
                for (var j = 0; j < d; j++)
                    values[row * d + j] = cache[rng.NextInt64(n) * d + j];
        }
        return tensor(values, new long[] { count, d });
    }

    private static void CheckCount(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "sample count must be at least 1");
    }
}
