using ML.Generative.Models.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ML.Generative.Models.Vae;

/// <summary>A VAE forward pass: the posterior's parameters, the sampled code and the reconstruction.</summary>
public sealed record VaeOutput(Tensor Mu, Tensor Logvar, Tensor Z, Tensor Reconstruction) : IDisposable
{
    public void Dispose()
    {
        Mu.Dispose();
        Logvar.Dispose();
        Z.Dispose();
        Reconstruction.Dispose();
    }
}

/// <summary>
/// The convolutional VAE (Kingma &amp; Welling 2014): encoder → (μ, log σ²) heads → z = μ + σε → decoder.
/// Keys: <c>encoder.*</c>, <c>fc_mu.*</c>, <c>fc_logvar.*</c>, <c>decoder.*</c>. In U-Net mode the decoder
/// also receives the encoder's features at each resolution (4 skips for the reference architecture).
/// </summary>
public sealed class VaeNetwork : nn.Module<Tensor, VaeOutput>
{
    private readonly nn.Module<Tensor, Tensor> encoder;
    private readonly Linear fc_mu;
    private readonly Linear fc_logvar;
    private readonly nn.Module<Tensor, Tensor> decoder;
    private readonly OutputActivation? customActivation;

    /// <param name="arch">The built-in encoder/decoder's architecture (and the image shape for custom networks).</param>
    /// <param name="latentSize">Size of the latent code.</param>
    /// <param name="output">The decoder's output activation.</param>
    /// <param name="unet">U-Net mode (built-in networks only): the decoder receives the encoder's features.</param>
    /// <param name="encoderNetwork">A registered custom encoder (<see cref="CustomNetworks"/>), or null.</param>
    /// <param name="decoderNetwork">A registered custom decoder, or null.</param>
    public VaeNetwork(ConvArchitecture arch, int latentSize, OutputActivation output, bool unet = false,
        string? encoderNetwork = null, string? decoderNetwork = null) : base("VaeNetwork")
    {
        LatentSize = latentSize;
        (encoder, var features) = CustomParts.Encoder(arch, latentSize, encoderNetwork, unet);
        fc_mu = nn.Linear(features, latentSize);
        fc_logvar = nn.Linear(features, latentSize);
        (decoder, var custom) = CustomParts.Decoder(arch, latentSize, output, decoderNetwork, unet);
        customActivation = custom ? output : null;
        RegisterComponents();
    }

    public int LatentSize { get; }

    /// <summary>True when the decoder takes skip features (U-Net VAE-GAN).</summary>
    public bool UNet => decoder is ConvDecoder { UsesSkips: true };
    public nn.Module<Tensor, Tensor> Encoder => encoder;
    public nn.Module<Tensor, Tensor> Decoder => decoder;

    /// <summary>(B, C, H, W) → μ, log σ² each (B, latent).</summary>
    public (Tensor mu, Tensor logvar) Encode(Tensor images)
    {
        using var scope = NewDisposeScope();
        var h = encoder.forward(images).flatten(1);
        return (fc_mu.forward(h).MoveToOuterDisposeScope(), fc_logvar.forward(h).MoveToOuterDisposeScope());
    }

    /// <summary>μ, log σ² and the encoder blocks' outputs (stem first) for the U-Net decoder.</summary>
    public (Tensor mu, Tensor logvar, Tensor[] skips) EncodeWithSkips(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (h, skips) = ((ConvEncoder)encoder).ForwardWithSkips(images);
        var flat = h.flatten(1);
        foreach (var s in skips) s.MoveToOuterDisposeScope();
        return (fc_mu.forward(flat).MoveToOuterDisposeScope(), fc_logvar.forward(flat).MoveToOuterDisposeScope(), skips);
    }

    /// <summary>(B, latent) → (B, C, H, W); the U-Net decoder also needs <paramref name="skips"/>.</summary>
    public Tensor Decode(Tensor z, IReadOnlyList<Tensor>? skips = null)
    {
        if (UNet) return ((ConvDecoder)decoder).ForwardWithSkips(z, skips ?? throw new ArgumentException("the U-Net decoder needs skip features", nameof(skips)));
        return CustomParts.Decode(decoder, customActivation, z);
    }

    public override VaeOutput forward(Tensor images)
    {
        if (!UNet)
        {
            var (mu, logvar) = Encode(images);
            var z = Losses.VaeLosses.Reparameterize(mu, logvar);
            return new VaeOutput(mu, logvar, z, Decode(z));
        }
        var (m, lv, skips) = EncodeWithSkips(images);
        try
        {
            var z = Losses.VaeLosses.Reparameterize(m, lv);
            return new VaeOutput(m, lv, z, Decode(z, skips));
        }
        finally
        {
            foreach (var s in skips) s.Dispose();
        }
    }
}
