using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ML.Generative.Fid.Features;

/// <summary>
/// A small CNN classifier for 28x28 grayscale images whose penultimate layer gives features for FID/KID
/// and precision/recall within one domain (Fashion-MNIST, MNIST) when Inception weights are not at hand:
/// conv 3x3 32 → BN → ReLU → max-pool → conv 3x3 64 → BN → ReLU → max-pool → conv 3x3 128 → BN → ReLU →
/// global average pool → fc 128 (the features, after ReLU) → fc 10. Input (B, 1, 28, 28) in [0, 1].
/// </summary>
public sealed class DomainFeatureNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>Dimension of the features.</summary>
    public const int FeatureDimension = 128;

    private readonly Sequential features;
    private readonly Linear embedding;
    private readonly Linear classifier;

    /// <summary>A freshly initialised network with <paramref name="classes"/> outputs.</summary>
    public DomainFeatureNetwork(int classes = 10) : base("DomainFeatureNetwork")
    {
        features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding: 1, bias: false), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding: 1, bias: false), nn.BatchNorm2d(64), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3, padding: 1, bias: false), nn.BatchNorm2d(128), nn.ReLU());
        embedding = nn.Linear(128, FeatureDimension);
        classifier = nn.Linear(FeatureDimension, classes);
        RegisterComponents();
    }

    /// <summary>(B, 1, 28, 28) → (B, 128) features.</summary>
    public Tensor Features(Tensor images)
    {
        if (images.Dimensions != 4 || images.shape[1] != 1 || images.shape[2] != 28 || images.shape[3] != 28)
            throw new ArgumentException($"the domain feature network takes (B, 1, 28, 28) grayscale images in [0, 1], got ({string.Join(", ", images.shape)})", nameof(images));
        using var scope = NewDisposeScope();
        var h = F.adaptive_avg_pool2d(features.forward(images), 1).flatten(1);
        return embedding.forward(h).relu().MoveToOuterDisposeScope();
    }

    /// <summary>(B, 128) features → (B, classes) logits.</summary>
    public Tensor Classify(Tensor features) => classifier.forward(features);

    /// <summary>(B, 1, 28, 28) → (B, classes) logits.</summary>
    public override Tensor forward(Tensor images)
    {
        using var f = Features(images);
        return classifier.forward(f);
    }
}
