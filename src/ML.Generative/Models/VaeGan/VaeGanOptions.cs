using ML.Generative.Models.Losses;
using ML.Generative.Models.Vae;
using ML.Generative.Training;

namespace ML.Generative.Models.VaeGan;

/// <summary>Where the U-Net VAE-GAN's decoder gets skip features when sampling.</summary>
public enum SkipSampling
{
    /// <summary>As the reference: skipᵢ = Encoderᵢ(x_ref)·(1 + α·εᵢ) from reference images of the training split.</summary>
    ReferenceImages,

    /// <summary>Beyond the reference: skips drawn from per-channel Gaussian statistics of the training set's skip
    /// features, so no image is needed to sample.</summary>
    SkipStatistics,
}

/// <summary>Options of the VAE-GAN and the U-Net VAE-GAN.</summary>
public record VaeGanOptions : VaeOptions
{
    public VaeGanOptions() => ReconstructionLoss = ReconstructionLoss.MeanSquaredError;

    /// <summary>λ_VAE, the weight of MSE + KL.</summary>
    public double LambdaVae { get; init; } = 1.0;

    /// <summary>λ_GAN, the weight of the generator's adversarial loss.</summary>
    public double LambdaGan { get; init; } = 0.1;

    /// <summary>The discriminator's optimizer.</summary>
    public OptimizerOptions DiscriminatorOptimizer { get; init; } = new();

    /// <summary>Base channel width of the discriminator.</summary>
    public int DiscriminatorWidth { get; init; } = 64;

    /// <summary>U-Net decoder with the encoder's skip features at each resolution.</summary>
    public bool UNet { get; init; }

    /// <summary>α, the relative noise on reference skip features.</summary>
    public double SkipNoise { get; init; } = 0.1;

    /// <summary>How samples get skip features (U-Net only).</summary>
    public SkipSampling SkipSampling { get; init; } = SkipSampling.ReferenceImages;

    public override void Validate()
    {
        base.Validate();
        if (!(LambdaVae >= 0) || !(LambdaGan >= 0)) throw new ArgumentOutOfRangeException(nameof(LambdaGan), "LambdaVae and LambdaGan must be >= 0");
        if (DiscriminatorWidth is < 4 or > 512) throw new ArgumentOutOfRangeException(nameof(DiscriminatorWidth), DiscriminatorWidth, "DiscriminatorWidth must be in [4, 512]");
        if (!(SkipNoise >= 0)) throw new ArgumentOutOfRangeException(nameof(SkipNoise), SkipNoise, "SkipNoise must be >= 0");
        DiscriminatorOptimizer.Validate(nameof(DiscriminatorOptimizer));
        if (UNet && (EncoderNetwork is not null || DecoderNetwork is not null))
            throw new ArgumentException("UNet needs the built-in encoder and decoder (their skip connections): leave EncoderNetwork and DecoderNetwork unset", nameof(UNet));
    }
}
