using ML.Generative.Models.Losses;

namespace ML.Generative.Models.Vae;

/// <summary>Options of the (β-)VAE. Defaults: the reference experiment (latent 64, BCE, β = 1).</summary>
public record VaeOptions : AutoencoderOptions
{
    public VaeOptions() => ReconstructionLoss = ReconstructionLoss.BinaryCrossEntropy;

    /// <summary>Weight β of the KL term (β-VAE, Higgins et al. 2017); 1 is the plain VAE.</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>Share of training over which the KL weight rises linearly from 0 to β (0 = no warm-up).</summary>
    public double KlWarmupFraction { get; init; }

    public override void Validate()
    {
        base.Validate();
        if (!(Beta >= 0) || double.IsInfinity(Beta)) throw new ArgumentOutOfRangeException(nameof(Beta), Beta, "Beta must be a number >= 0");
        if (KlWarmupFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(KlWarmupFraction), KlWarmupFraction, "KlWarmupFraction must be in [0, 1]");
    }
}
