using ML.Generative.Models.Losses;
using ML.Generative.Training;

namespace ML.Generative.Models.Wae;

/// <summary>How a WAE makes its codes match the prior.</summary>
public enum WaePenalty
{
    /// <summary>Maximum mean discrepancy (WAE-MMD).</summary>
    Mmd,

    /// <summary>A discriminator in latent space (WAE-GAN; the adversarial autoencoder).</summary>
    Adversarial,
}

/// <summary>Options of the Wasserstein autoencoder (Tolstikhin et al. 2018) and the adversarial autoencoder.</summary>
public record WaeOptions : AutoencoderOptions
{
    public WaePenalty Penalty { get; init; } = WaePenalty.Mmd;

    /// <summary>Weight λ of the penalty (10 for MMD as in the paper; use about 1 for the adversarial penalty).</summary>
    public double Lambda { get; init; } = 10.0;

    /// <summary>Kernel of the MMD penalty.</summary>
    public MmdKernel Kernel { get; init; } = MmdKernel.InverseMultiquadric;

    /// <summary>Variance σ² of the Gaussian prior N(0, σ²I).</summary>
    public double PriorVariance { get; init; } = 1.0;

    /// <summary>The latent discriminator's optimizer (adversarial penalty only).</summary>
    public OptimizerOptions DiscriminatorOptimizer { get; init; } = new() { LearningRate = 5e-4, Beta1 = 0.5 };

    public override void Validate()
    {
        base.Validate();
        if (!(Lambda >= 0) || double.IsInfinity(Lambda)) throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "Lambda must be a number >= 0");
        if (!(PriorVariance > 0)) throw new ArgumentOutOfRangeException(nameof(PriorVariance), PriorVariance, "PriorVariance must be > 0");
        DiscriminatorOptimizer.Validate(nameof(DiscriminatorOptimizer));
    }
}
