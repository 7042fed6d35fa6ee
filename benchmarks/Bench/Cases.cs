using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Losses;
using ML.Generative.Models.Networks;
using ML.Generative.Models.Vae;
using ML.Generative.Models.VaeGan;
using ML.Generative.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Benchmarks;

/// <summary>The reference cases, built with the library's own models and defaults (benchmarks/reference/models.py mirrors them).</summary>
internal static class Cases
{
    /// <param name="Decode">The generator used for sampling: prior codes (n, Latent) → images; null where the case has none.</param>
    internal sealed record Case(string Name, int Channels, int Size, int Batch, ITrainable Model, int Latent = 0, Func<Tensor, Tensor>? Decode = null);

    internal static Case Build(string name)
    {
        var adam = new OptimizerOptions { LearningRate = 1e-3 };
        switch (name)
        {
            case "vae28":
            case "vae32":
            {
                var (c, s) = name == "vae28" ? (1, 28) : (3, 32);
                var net = new VaeNetwork(ConvArchitecture.ForImage(c, s), 64, OutputActivation.Sigmoid);
                return new Case(name, c, s, 128, new VaeObjective(net, ReconstructionLoss.BinaryCrossEntropy, 1.0, 0, adam), 64, z => net.Decode(z));
            }
            case "vaegan32":
            case "unetvaegan32":
            {
                var vae = new VaeNetwork(ConvArchitecture.ForImage(3, 32), 64, OutputActivation.Sigmoid, unet: name == "unetvaegan32");
                var net = new VaeGanNetwork(vae, new ImageDiscriminator(3, 32));
                return new Case(name, 3, 32, 64, new VaeGanObjective(net, adam, adam));
            }
            case "wae64":
            {
                var net = new AutoencoderNetwork(ConvArchitecture.ForImage(3, 64), 8, OutputActivation.Sigmoid);
                return new Case(name, 3, 64, 64, new AutoencoderObjective(net, ReconstructionLoss.MeanSquaredError, adam, new MmdPenalty()), 8, z => net.Decode(z));
            }
            default:
                throw new ArgumentException($"unknown case '{name}' (vae28, vae32, vaegan32, unetvaegan32, wae64)");
        }
    }
}
