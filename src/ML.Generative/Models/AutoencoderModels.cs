using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Sampling;
using ML.Generative.Models.Vae;
using ML.Generative.Torch;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Models;

/// <summary>A VAE (or a VAE-GAN's VAE, U-Net or not) seen through <see cref="IAutoencoderModel"/>.</summary>
internal sealed class VaeModel : IAutoencoderModel
{
    private readonly VaeNetwork vae;
    private readonly double skipNoise;
    private Tensor? referenceImages;

    public VaeModel(nn.Module network, VaeNetwork vae, double skipNoise = 0.1)
    {
        Network = network;
        this.vae = vae;
        this.skipNoise = skipNoise;
    }

    public nn.Module Network { get; }
    public int LatentSize => vae.LatentSize;

    public Tensor Embed(Tensor images)
    {
        if (!vae.UNet)
        {
            var (mu, logvar) = vae.Encode(images);
            logvar.Dispose();
            return mu;
        }
        var (m, lv, skips) = vae.EncodeWithSkips(images);
        lv.Dispose();
        foreach (var s in skips) s.Dispose();
        return m;
    }

    public Tensor Reconstruct(Tensor images)
    {
        using var scope = NewDisposeScope();
        if (!vae.UNet)
        {
            var (mu, _) = vae.Encode(images);
            return vae.Decode(mu).MoveToOuterDisposeScope();
        }
        var (m, _, skips) = vae.EncodeWithSkips(images);
        return vae.Decode(m, skips).MoveToOuterDisposeScope();
    }

    public Tensor Decode(Tensor codes, long seed)
    {
        if (!vae.UNet) return vae.Decode(codes);
        // The reference's sampling rule: skip features of reference training images, perturbed as skip·(1 + α·ε).
        if (referenceImages is null) throw new InvalidOperationException("this U-Net VAE has no reference images to take skip features from");
        using var scope = NewDisposeScope();
        var n = codes.shape[0];
        var rng = new Random(unchecked((int)seed));
        var pick = tensor(Enumerable.Range(0, (int)n).Select(_ => rng.NextInt64(referenceImages.shape[0])).ToArray());
        var refs = referenceImages.index_select(0, pick);
        var (_, _, skips) = vae.EncodeWithSkips(refs);
        var noise = LatentSampler.Gaussian(skips.Sum(s => (int)s.numel()), 1, seed ^ 0x5EED).flatten();
        var offset = 0L;
        var noisy = skips.Select(s =>
        {
            var e = noise.narrow(0, offset, s.numel()).view(s.shape);
            offset += s.numel();
            return s * (1 + e * skipNoise);
        }).ToArray();
        return vae.Decode(codes, noisy).MoveToOuterDisposeScope();
    }

    public Tensor PriorCodes(int count, long seed) => LatentSampler.Gaussian(count, LatentSize, seed);

    public IReadOnlyDictionary<string, Tensor> CaptureSamplingState(Tensor trainingImages)
    {
        if (!vae.UNet) return new Dictionary<string, Tensor>();
        referenceImages = trainingImages.narrow(0, 0, Math.Min(256, trainingImages.shape[0])).clone().DetachFromDisposeScope();
        return new Dictionary<string, Tensor> { ["reference_images"] = referenceImages };
    }

    public void RestoreSamplingState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (state.TryGetValue("reference_images", out var r)) referenceImages = r.alias().DetachFromDisposeScope();
    }
}

/// <summary>A deterministic autoencoder (AE, WAE, AAE) seen through <see cref="IAutoencoderModel"/>.</summary>
internal sealed class CodeModel : IAutoencoderModel
{
    private readonly AutoencoderNetwork autoencoder;
    private readonly AutoencoderSampling? sampling;
    private readonly double priorVariance;
    private readonly int cacheSize;
    private Tensor? cachedCodes;

    /// <param name="sampling">Null for a model with a Gaussian prior (WAE/AAE); else how a plain AE samples.</param>
    public CodeModel(nn.Module network, AutoencoderNetwork autoencoder, AutoencoderSampling? sampling, double priorVariance = 1, int cacheSize = 10_000)
    {
        Network = network;
        this.autoencoder = autoencoder;
        this.sampling = sampling;
        this.priorVariance = priorVariance;
        this.cacheSize = cacheSize;
    }

    public nn.Module Network { get; }
    public int LatentSize => autoencoder.LatentSize;
    public Tensor Embed(Tensor images) => autoencoder.Encode(images);

    public Tensor Reconstruct(Tensor images)
    {
        using var code = autoencoder.Encode(images);
        return autoencoder.Decode(code);
    }

    public Tensor Decode(Tensor codes, long seed) => autoencoder.Decode(codes);

    public Tensor PriorCodes(int count, long seed)
    {
        if (sampling is null)
        {
            using var z = LatentSampler.Gaussian(count, LatentSize, seed);
            return z * Math.Sqrt(priorVariance);
        }
        if (sampling == AutoencoderSampling.Bootstrap && cachedCodes is null)
            throw new InvalidOperationException("bootstrap sampling needs the training codes cached when the model was fitted");
        return LatentSampler.ForAutoencoder(sampling.Value, cachedCodes ?? zeros(0, LatentSize), count, seed);
    }

    public IReadOnlyDictionary<string, Tensor> CaptureSamplingState(Tensor trainingImages)
    {
        if (sampling != AutoencoderSampling.Bootstrap) return new Dictionary<string, Tensor>();
        using var scope = NewDisposeScope();
        var n = Math.Min(cacheSize, trainingImages.shape[0]);
        var codes = new List<Tensor>();
        using (inference_mode())
            for (long start = 0; start < n; start += 256)
                codes.Add(autoencoder.Encode(trainingImages.narrow(0, start, Math.Min(256, n - start))).clone());
        cachedCodes = cat(codes).MoveToOuterDisposeScope().DetachFromDisposeScope();
        return new Dictionary<string, Tensor> { ["cached_codes"] = cachedCodes };
    }

    public void RestoreSamplingState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (state.TryGetValue("cached_codes", out var c)) cachedCodes = c.alias().DetachFromDisposeScope();
    }
}
