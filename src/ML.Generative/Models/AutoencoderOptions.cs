using ML.Generative.Models.Losses;
using ML.Generative.Models.Networks;
using ML.Generative.Training;

namespace ML.Generative.Models;

/// <summary>How the fitted transformer scores each image's reconstruction (the <c>ReconstructionError</c> column).</summary>
public enum ReconstructionErrorMetric
{
    /// <summary>Mean squared error per pixel.</summary>
    MeanSquaredError,

    /// <summary>Binary cross-entropy per pixel (pixels in [0, 1]).</summary>
    BinaryCrossEntropy,

    /// <summary>Mean absolute error per pixel.</summary>
    L1,

    /// <summary>1 − SSIM (structural similarity, Wang et al. 2004; 7x7 uniform window), averaged over the image.</summary>
    Ssim,
}

/// <summary>
/// Options shared by the autoencoder family. Plain, JSON-serialisable, validated by <see cref="Validate"/>;
/// each model's options add only what differs (as pythae's configs do).
/// </summary>
public abstract record AutoencoderOptions : TrainerOptions
{
    /// <summary>The image column to train on: a float vector [C, H, W] (after ExtractPixels/NormalizePixels).</summary>
    public string InputColumn { get; init; } = "Pixels";

    /// <summary>Size of the latent code (1 upward; 2 for plots of the latent space).</summary>
    public int LatentSize { get; init; } = 64;

    /// <summary>Channel multiplier of the reference architecture (1 = 32/64/128/256 channels).</summary>
    public int Width { get; init; } = 1;

    /// <summary>The loss that trains the reconstruction.</summary>
    public ReconstructionLoss ReconstructionLoss { get; init; } = ReconstructionLoss.MeanSquaredError;

    /// <summary>The decoder's output activation; null picks it from the training data's range
    /// ([0, 1] → sigmoid, [−1, 1] → tanh, otherwise none).</summary>
    public OutputActivation? OutputActivation { get; init; }

    /// <summary>What the <c>ReconstructionError</c> column reports.</summary>
    public ReconstructionErrorMetric ErrorMetric { get; init; } = ReconstructionErrorMetric.MeanSquaredError;

    /// <summary>Share of the training rows held out for per-epoch validation losses (0 = none).</summary>
    public double ValidationFraction { get; init; }

    /// <summary>The optimizer of the (encoder/decoder) network.</summary>
    public OptimizerOptions Optimizer { get; init; } = new();

    /// <summary>Images to decode at the end of every epoch from one fixed latent batch (seeded by <see cref="TrainerOptions.Seed"/>),
    /// kept as a PNG grid in the training history (<see cref="EpochRecord.SampleGrid"/>) so a report shows how samples
    /// evolved; 0 = none.</summary>
    public int EpochSamples { get; init; }

    /// <summary>A TorchSharp encoder of your own, by the name it was registered under with
    /// <see cref="CustomNetworks.Register"/> (null: the built-in convolutional encoder). It maps images to features
    /// of any size; the model's linear heads take the flattened features to the latent code.</summary>
    public string? EncoderNetwork { get; init; }

    /// <summary>A TorchSharp decoder of your own, by its registered name (null: the built-in one). It maps codes to
    /// images; the model applies <see cref="OutputActivation"/> to its output.</summary>
    public string? DecoderNetwork { get; init; }

    /// <summary>Device to train on: "cpu", "cuda" or "cuda:N". The fitted transformer runs on the CPU.</summary>
    public string Device { get; init; } = "cpu";

    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(InputColumn)) throw new ArgumentException("InputColumn must name the image column", nameof(InputColumn));
        if (LatentSize < 1) throw new ArgumentOutOfRangeException(nameof(LatentSize), LatentSize, "LatentSize must be at least 1");
        if (Width is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(Width), Width, "Width must be between 1 and 8");
        if (ValidationFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 1)");
        if (ReconstructionLoss == ReconstructionLoss.BinaryCrossEntropy && OutputActivation is { } a && a != Networks.OutputActivation.Sigmoid)
            throw new ArgumentException($"ReconstructionLoss BinaryCrossEntropy needs pixels in [0, 1] and a sigmoid output, but OutputActivation is {a}");
        if (EpochSamples is < 0 or > 256) throw new ArgumentOutOfRangeException(nameof(EpochSamples), EpochSamples, "EpochSamples must be in [0, 256]");
        Optimizer.Validate(GetType().Name);
        _ = Tensors.Devices.Parse(Device);
        if (EncoderNetwork is { } e && !CustomNetworks.IsRegistered(NetworkRole.Encoder, e))
            throw new ArgumentException($"EncoderNetwork '{e}' is not registered: call CustomNetworks.Register(NetworkRole.Encoder, \"{e}\", …) first", nameof(EncoderNetwork));
        if (DecoderNetwork is { } d && !CustomNetworks.IsRegistered(NetworkRole.Decoder, d))
            throw new ArgumentException($"DecoderNetwork '{d}' is not registered: call CustomNetworks.Register(NetworkRole.Decoder, \"{d}\", …) first", nameof(DecoderNetwork));
    }
}
