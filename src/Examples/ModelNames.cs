using ML.Generative.Models;
using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Vae;
using ML.Generative.Models.VaeGan;
using ML.Generative.Models.Wae;

namespace ML.Generative.Cli;

/// <summary>The models the CLI trains, by the names commands accept; one list for train, compare and anomaly.</summary>
internal static class ModelNames
{
    internal sealed record Entry(string Name, string Description, Func<AutoencoderOptions> Create);

    internal static readonly IReadOnlyList<Entry> All = new Entry[]
    {
        new("ae", "plain convolutional autoencoder (bootstrap or uniform sampling; Shake-Shake blocks optional)", () => new AeOptions()),
        new("vae", "variational autoencoder: BCE + KL, beta and KL warm-up", () => new VaeOptions()),
        new("wae-mmd", "Wasserstein autoencoder, MMD penalty (inverse multiquadric or RBF kernel)", () => new WaeOptions()),
        new("wae-gan", "Wasserstein autoencoder with a latent adversary (AAE-style)", () => new WaeOptions { Penalty = WaePenalty.Adversarial }),
        new("vaegan", "VAE whose decoder is also a GAN generator (lambda_VAE 1.0, lambda_GAN 0.1)", () => new VaeGanOptions()),
        new("unet-vaegan", "VAE-GAN whose decoder also receives the encoder's skip features", () => new VaeGanOptions { UNet = true }),
    };

    /// <summary>Aliases accepted beside the names above.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["wae"] = "wae-mmd", ["aae"] = "wae-gan", ["vae-gan"] = "vaegan", ["unet-vae-gan"] = "unet-vaegan",
    };

    internal static Entry Find(string name)
    {
        var key = Aliases.TryGetValue(name, out var a) ? a : name;
        return All.FirstOrDefault(e => e.Name.Equals(key, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"unknown model '{name}': use one of {string.Join(", ", All.Select(e => e.Name))}");
    }

    internal static string Listing() =>
        string.Join(Environment.NewLine, All.Select(e => $"  {e.Name,-12} {e.Description}"));
}
