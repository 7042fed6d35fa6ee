using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ML.Generative.Models.Losses;

/// <summary>How a reconstruction is compared with its input.</summary>
public enum ReconstructionLoss
{
    /// <summary>Binary cross-entropy (pixels in [0, 1], sigmoid output): the Bernoulli likelihood of the reference VAE.</summary>
    BinaryCrossEntropy,

    /// <summary>Squared error: a Gaussian likelihood.</summary>
    MeanSquaredError,

    /// <summary>Absolute error: a Laplace likelihood.</summary>
    L1,
}

/// <summary>The loss terms of the VAE family (Kingma &amp; Welling 2014), summed per image as the reference
/// implementations do, then averaged over the batch.</summary>
public static class VaeLosses
{
    /// <summary>Reconstruction loss per image: (B, C, H, W) → (B). Summed over pixels.</summary>
    public static Tensor ReconstructionPerImage(Tensor reconstruction, Tensor target, ReconstructionLoss kind)
    {
        using var scope = NewDisposeScope();
        var perPixel = kind switch
        {
            ReconstructionLoss.BinaryCrossEntropy => F.binary_cross_entropy(reconstruction, target, reduction: nn.Reduction.None),
            ReconstructionLoss.MeanSquaredError => F.mse_loss(reconstruction, target, nn.Reduction.None),
            ReconstructionLoss.L1 => F.l1_loss(reconstruction, target, nn.Reduction.None),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown reconstruction loss"),
        };
        return perPixel.flatten(1).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>KL(N(μ, σ²) ‖ N(0, I)) per image = −½ Σ (1 + log σ² − μ² − σ²): (B, d) → (B).</summary>
    public static Tensor KlDivergencePerImage(Tensor mu, Tensor logvar)
    {
        using var scope = NewDisposeScope();
        var kl = (1 + logvar - mu.square() - logvar.exp()).sum(1) * -0.5;
        return kl.MoveToOuterDisposeScope();
    }

    /// <summary>z = μ + σ·ε with ε ~ N(0, I): the reparameterisation that lets gradients reach μ and σ.</summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logvar)
    {
        using var scope = NewDisposeScope();
        var std = (logvar * 0.5).exp();
        return (mu + std * randn_like(std)).MoveToOuterDisposeScope();
    }
}
