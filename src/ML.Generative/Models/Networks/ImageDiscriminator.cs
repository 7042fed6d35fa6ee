using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ML.Generative.Models.Networks;

/// <summary>
/// A DCGAN-style discriminator (Radford et al. 2016): 4x4 stride-2 convolutions with LeakyReLU(0.2) and
/// batch-norm after the first, halving the image down to at most 7x7 or 4x4, then a linear layer to one
/// logit per image. (B, C, H, W) → (B, 1).
/// </summary>
public sealed class ImageDiscriminator : nn.Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly nn.Module<Tensor, Tensor> classifier;

    public ImageDiscriminator(int channels, int imageSize, int width = 64, bool spectralNorm = false) : base("ImageDiscriminator")
    {
        if (imageSize < 8) throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "images of at least 8x8");
        features = nn.Sequential();
        int size = imageSize, inChannels = channels, outChannels = width;
        while (size % 2 == 0 && size > 4)
        {
            var conv = nn.Conv2d(inChannels, outChannels, 4, stride: 2, padding: 1);
            features.append(spectralNorm ? new SpectralNorm(conv) : conv);
            // Spectral normalisation replaces batch-norm as the discriminator's regulariser.
            if (features.Count > 1 && !spectralNorm) features.append(nn.BatchNorm2d(outChannels));
            features.append(nn.LeakyReLU(0.2));
            size /= 2;
            inChannels = outChannels;
            outChannels *= 2;
        }
        FeatureCount = (long)inChannels * size * size;
        var fc = nn.Linear(FeatureCount, 1);
        classifier = spectralNorm ? new SpectralNorm(fc) : fc;
        RegisterComponents();
    }

    /// <summary>Features before the final linear layer.</summary>
    public long FeatureCount { get; }

    public override Tensor forward(Tensor images)
    {
        using var h = features.forward(images);
        using var flat = h.flatten(1);
        return classifier.forward(flat);
    }
}

/// <summary>A discriminator on latent codes (AAE, WAE-GAN): an MLP d → width → width → 1 logit with ReLU.</summary>
public sealed class LatentDiscriminator : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public LatentDiscriminator(int latentSize, int width = 512) : base("LatentDiscriminator")
    {
        layers = nn.Sequential(nn.Linear(latentSize, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor codes) => layers.forward(codes);
}
