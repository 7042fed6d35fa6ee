using ML.Generative.Models;
using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Vae;
using ML.Generative.Models.VaeGan;
using ML.Generative.Models.Wae;
using ML.Generative.Pipeline;

namespace ML.Generative;

/// <summary>The autoencoder family in <c>ctx.Generative</c>: each model with simple arguments, and with an
/// options object (ML.NET's catalog pattern).</summary>
public static class GenerativeCatalogExtensions
{
    /// <summary>A (β-)VAE on an image column; see <see cref="VaeOptions"/>.</summary>
    public static AutoencoderEstimator Vae(this GenerativeCatalog catalog, VaeOptions options) => new(Seeded(catalog, options));

    /// <summary>A VAE with the reference architecture: BCE reconstruction (pixels in [0, 1]) and the KL term.</summary>
    public static AutoencoderEstimator Vae(this GenerativeCatalog catalog, string inputColumn = "Pixels", int latentSize = 64, int epochs = 10, int batchSize = 128) =>
        catalog.Vae(new VaeOptions { InputColumn = inputColumn, LatentSize = latentSize, Epochs = epochs, BatchSize = batchSize });

    /// <summary>A plain convolutional autoencoder (optionally with Shake-Shake blocks); see <see cref="AeOptions"/>.</summary>
    public static AutoencoderEstimator Autoencoder(this GenerativeCatalog catalog, AeOptions options) => new(Seeded(catalog, options));

    public static AutoencoderEstimator Autoencoder(this GenerativeCatalog catalog, string inputColumn = "Pixels", int latentSize = 64, int epochs = 10) =>
        catalog.Autoencoder(new AeOptions { InputColumn = inputColumn, LatentSize = latentSize, Epochs = epochs });

    /// <summary>A Wasserstein autoencoder (MMD or adversarial penalty; the latter is the AAE); see <see cref="WaeOptions"/>.</summary>
    public static AutoencoderEstimator Wae(this GenerativeCatalog catalog, WaeOptions options) => new(Seeded(catalog, options));

    public static AutoencoderEstimator Wae(this GenerativeCatalog catalog, string inputColumn = "Pixels", int latentSize = 8, int epochs = 10) =>
        catalog.Wae(new WaeOptions { InputColumn = inputColumn, LatentSize = latentSize, Epochs = epochs });

    /// <summary>A VAE-GAN, or with <see cref="VaeGanOptions.UNet"/> the U-Net VAE-GAN; see <see cref="VaeGanOptions"/>.</summary>
    public static AutoencoderEstimator VaeGan(this GenerativeCatalog catalog, VaeGanOptions options) => new(Seeded(catalog, options));

    // A context created with a seed seeds models whose options leave the seed at its default.
    private static T Seeded<T>(GenerativeCatalog catalog, T options) where T : AutoencoderOptions =>
        options.Seed == new VaeOptions().Seed && catalog.Context.Seed is int s ? options with { Seed = s } : options;
}
