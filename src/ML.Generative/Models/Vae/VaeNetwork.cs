using ML.Generative.Models.Networks;
using ML.Generative.Torch;
using ML.Generative.Torch.Modules;
using static ML.Generative.Torch.torch;

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
    private readonly ConvEncoder encoder;
    private readonly Linear fc_mu;
    private readonly Linear fc_logvar;
    private readonly ConvDecoder decoder;

    public VaeNetwork(ConvArchitecture arch, int latentSize, OutputActivation output, bool unet = false) : base("VaeNetwork")
    {
        LatentSize = latentSize;
        encoder = new ConvEncoder(arch);
        fc_mu = nn.Linear(arch.BottleneckFeatures, latentSize);
        fc_logvar = nn.Linear(arch.BottleneckFeatures, latentSize);
        decoder = new ConvDecoder(arch, latentSize, output, skips: unet);
        RegisterComponents();
    }

    public int LatentSize { get; }

    /// <summary>True when the decoder takes skip features (U-Net VAE-GAN).</summary>
    public bool UNet => decoder.UsesSkips;
    public ConvEncoder Encoder => encoder;
    public ConvDecoder Decoder => decoder;

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
        var (h, skips) = encoder.ForwardWithSkips(images);
        var flat = h.flatten(1);
        foreach (var s in skips) s.MoveToOuterDisposeScope();
        return (fc_mu.forward(flat).MoveToOuterDisposeScope(), fc_logvar.forward(flat).MoveToOuterDisposeScope(), skips);
    }

    /// <summary>(B, latent) → (B, C, H, W); the U-Net decoder also needs <paramref name="skips"/>.</summary>
    public Tensor Decode(Tensor z, IReadOnlyList<Tensor>? skips = null) =>
        UNet ? decoder.ForwardWithSkips(z, skips ?? throw new ArgumentException("the U-Net decoder needs skip features", nameof(skips))) : decoder.forward(z);

    public override VaeOutput forward(Tensor images)
    {
        if (!UNet)
        {
            var (mu, logvar) = Encode(images);
            var z = Losses.VaeLosses.Reparameterize(mu, logvar);
            return new VaeOutput(mu, logvar, z, decoder.forward(z));
        }
        var (m, lv, skips) = EncodeWithSkips(images);
        try
        {
            var z = Losses.VaeLosses.Reparameterize(m, lv);
            return new VaeOutput(m, lv, z, decoder.ForwardWithSkips(z, skips));
        }
        finally
        {
            foreach (var s in skips) s.Dispose();
        }
    }
}
