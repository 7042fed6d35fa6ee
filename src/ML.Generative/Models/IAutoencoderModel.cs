using ML.Generative.Models.VaeGan;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Models;

/// <summary>
/// What a fitted autoencoder-family transformer needs from its networks, whatever the family: the embedding,
/// a deterministic reconstruction, decoding, and codes to sample from. Images are (B, C, H, W) in the
/// training data's normalisation.
/// </summary>
public interface IAutoencoderModel
{
    /// <summary>The networks (for saving, device moves and eval mode).</summary>
    nn.Module Network { get; }

    int LatentSize { get; }

    /// <summary>The embedding: μ for VAEs, the code for AE/WAE. (B, C, H, W) → (B, d).</summary>
    Tensor Embed(Tensor images);

    /// <summary>The deterministic reconstruction (decoding the embedding).</summary>
    Tensor Reconstruct(Tensor images);

    /// <summary>(B, d) → (B, C, H, W). A decoder with skip inputs (U-Net) draws them by <paramref name="skipSampling"/>,
    /// or by its options when null; other models ignore it.</summary>
    Tensor Decode(Tensor codes, long seed, SkipSampling? skipSampling = null);

    /// <summary>True when decoding needs skip features besides the code (U-Net VAE-GAN).</summary>
    bool UsesSkips { get; }

    /// <summary>Codes to decode into new images: the prior for VAEs and WAEs, bootstrap or uniform for a plain AE.</summary>
    Tensor PriorCodes(int count, long seed);

    /// <summary>Called once after training with (a sample of) the training images, for anything sampling
    /// needs from them (cached codes, reference skip features). Returns tensors to save with the model.</summary>
    IReadOnlyDictionary<string, Tensor> CaptureSamplingState(Tensor trainingImages);

    /// <summary>Restores what <see cref="CaptureSamplingState"/> returned.</summary>
    void RestoreSamplingState(IReadOnlyDictionary<string, Tensor> state);
}
