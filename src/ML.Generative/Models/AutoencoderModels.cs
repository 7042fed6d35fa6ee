using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Sampling;
using ML.Generative.Models.Vae;
using ML.Generative.Models.VaeGan;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Models;

/// <summary>A VAE (or a VAE-GAN's VAE, U-Net or not) seen through <see cref="IAutoencoderModel"/>.</summary>
internal sealed class VaeModel : IAutoencoderModel
{
    private const int ReferenceImageCount = 256;
    private const int StatisticsImageCount = 2048;
    private readonly VaeNetwork vae;
    private readonly double skipNoise;
    private readonly SkipSampling defaultSkips;
    private Tensor? referenceImages;
    private Tensor[]? skipMeans, skipStds;

    public VaeModel(nn.Module network, VaeNetwork vae, double skipNoise = 0.1, SkipSampling skipSampling = SkipSampling.ReferenceImages)
    {
        Network = network;
        this.vae = vae;
        this.skipNoise = skipNoise;
        defaultSkips = skipSampling;
    }

    public nn.Module Network { get; }
    public int LatentSize => vae.LatentSize;
    public bool UsesSkips => vae.UNet;

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

    public Tensor Decode(Tensor codes, long seed, SkipSampling? skipSampling = null)
    {
        if (!vae.UNet) return vae.Decode(codes);
        using var scope = NewDisposeScope();
        var skips = (skipSampling ?? defaultSkips) == SkipSampling.SkipStatistics
            ? StatisticalSkips(codes.shape[0], seed)
            : ReferenceSkips(codes.shape[0], seed);
        return vae.Decode(codes, skips).MoveToOuterDisposeScope();
    }

    // The reference's rule: skip features of reference training images, perturbed as skip·(1 + α·ε).
    private Tensor[] ReferenceSkips(long n, long seed)
    {
        if (referenceImages is null) throw new InvalidOperationException("this U-Net VAE has no reference images to take skip features from");
        var rng = new Random(unchecked((int)seed));
        var pick = tensor(Enumerable.Range(0, (int)n).Select(_ => rng.NextInt64(referenceImages.shape[0])).ToArray()).to(referenceImages.device);
        var (_, _, skips) = vae.EncodeWithSkips(referenceImages.index_select(0, pick));
        var noise = Noise(skips.Select(s => s.shape).ToArray(), seed, referenceImages.device);
        return skips.Select((s, i) => s * (1 + noise[i] * skipNoise)).ToArray();
    }

    // No image needed: each skip feature drawn from N(mean, std²) of the training set's features at that channel and position.
    internal Tensor[] StatisticalSkips(long n, long seed)
    {
        if (skipMeans is null || skipStds is null)
            throw new InvalidOperationException("this U-Net VAE has no skip-feature statistics (a model saved before they were recorded); sample with SkipSampling.ReferenceImages");
        var noise = Noise(skipMeans.Select(m => new[] { n }.Concat(m.shape).ToArray()).ToArray(), seed, skipMeans[0].device);
        return skipMeans.Select((m, i) => m.unsqueeze(0) + skipStds[i].unsqueeze(0) * noise[i]).ToArray();
    }

    // Standard normal noise of the given shapes from one seeded .NET draw (independent of libtorch's generator).
    private static Tensor[] Noise(long[][] shapes, long seed, Device device)
    {
        var sizes = shapes.Select(s => s.Aggregate(1L, (a, b) => a * b)).ToArray();
        var all = LatentSampler.Gaussian((int)sizes.Sum(), 1, seed ^ 0x5EED).flatten().to(device);
        var offset = 0L;
        return shapes.Select((shape, i) =>
        {
            var part = all.narrow(0, offset, sizes[i]).view(shape);
            offset += sizes[i];
            return part;
        }).ToArray();
    }

    public Tensor PriorCodes(int count, long seed) => LatentSampler.Gaussian(count, LatentSize, seed);

    public IReadOnlyDictionary<string, Tensor> CaptureSamplingState(Tensor trainingImages)
    {
        if (!vae.UNet) return new Dictionary<string, Tensor>();
        referenceImages = trainingImages.narrow(0, 0, Math.Min(ReferenceImageCount, trainingImages.shape[0])).clone().DetachFromDisposeScope();
        (skipMeans, skipStds) = SkipStatistics(trainingImages.narrow(0, 0, Math.Min(StatisticsImageCount, trainingImages.shape[0])));
        var state = new Dictionary<string, Tensor> { ["reference_images"] = referenceImages };
        for (var i = 0; i < skipMeans.Length; i++)
        {
            state[$"skip_mean.{i}"] = skipMeans[i];
            state[$"skip_std.{i}"] = skipStds[i];
        }
        return state;
    }

    // Per-element mean and standard deviation of each skip feature map over the images, accumulated in float64.
    private (Tensor[] means, Tensor[] stds) SkipStatistics(Tensor images)
    {
        using var scope = NewDisposeScope();
        Tensor[]? sum = null, sumSq = null;
        using (inference_mode())
            foreach (var batch in images.split(256))
            {
                var (_, _, skips) = vae.EncodeWithSkips(batch);
                var d = skips.Select(s => s.to(ScalarType.Float64)).ToArray();
                sum = sum is null ? d.Select(s => s.sum(dim: 0)).ToArray() : sum.Select((t, i) => t + d[i].sum(dim: 0)).ToArray();
                sumSq = sumSq is null ? d.Select(s => (s * s).sum(dim: 0)).ToArray() : sumSq.Select((t, i) => t + (d[i] * d[i]).sum(dim: 0)).ToArray();
            }
        var n = (double)images.shape[0];
        var means = sum!.Select(s => s / n).ToArray();
        var stds = sumSq!.Select((s, i) => (s / n - means[i] * means[i]).clamp_min(0).sqrt()).ToArray();
        return (Keep(means), Keep(stds));
    }

    private static Tensor[] Keep(Tensor[] tensors) =>
        tensors.Select(t => t.to(ScalarType.Float32).MoveToOuterDisposeScope().DetachFromDisposeScope()).ToArray();

    public void RestoreSamplingState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (state.TryGetValue("reference_images", out var r)) referenceImages = r.alias().DetachFromDisposeScope();
        var count = state.Keys.Count(k => k.StartsWith("skip_mean.", StringComparison.Ordinal));
        if (count == 0) return;
        skipMeans = Enumerable.Range(0, count).Select(i => state[$"skip_mean.{i}"].alias().DetachFromDisposeScope()).ToArray();
        skipStds = Enumerable.Range(0, count).Select(i => state[$"skip_std.{i}"].alias().DetachFromDisposeScope()).ToArray();
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

    // sampling: null for a model with a Gaussian prior (WAE/AAE); else how a plain AE samples.
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

    public Tensor Decode(Tensor codes, long seed, SkipSampling? skipSampling = null) => autoencoder.Decode(codes);
    public bool UsesSkips => false;

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
