using ML.Generative.Models.Sampling;

namespace ML.Generative.Models.Autoencoder;

/// <summary>Options of the plain convolutional autoencoder.</summary>
public record AeOptions : AutoencoderOptions
{
    /// <summary>Shake-Shake residual blocks at the bottleneck (0 = none).</summary>
    public int ShakeShakeBlocks { get; init; }

    /// <summary>How <c>Sample</c> draws codes, since a plain AE has no prior.</summary>
    public AutoencoderSampling Sampling { get; init; } = AutoencoderSampling.Bootstrap;

    /// <summary>Training codes cached for bootstrap sampling (at most this many).</summary>
    public int CachedLatents { get; init; } = 10_000;

    public override void Validate()
    {
        base.Validate();
        if (ShakeShakeBlocks is < 0 or > 16) throw new ArgumentOutOfRangeException(nameof(ShakeShakeBlocks), ShakeShakeBlocks, "ShakeShakeBlocks must be in [0, 16]");
        if (ShakeShakeBlocks > 0 && EncoderNetwork is not null)
            throw new ArgumentException("ShakeShakeBlocks sit at the built-in encoder's bottleneck: leave EncoderNetwork unset with them", nameof(ShakeShakeBlocks));
        if (CachedLatents < 1) throw new ArgumentOutOfRangeException(nameof(CachedLatents), CachedLatents, "CachedLatents must be at least 1");
    }
}
