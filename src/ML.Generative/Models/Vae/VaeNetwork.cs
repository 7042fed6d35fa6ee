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
/// Keys: <c>encoder.*</c>, <c>fc_mu.*</c>, <c>fc_logvar.*</c>, <c>decoder.*</c>.
/// </summary>
public sealed class VaeNetwork : nn.Module<Tensor, VaeOutput>
{
    private readonly ConvEncoder encoder;
    private readonly Linear fc_mu;
    private readonly Linear fc_logvar;
    private readonly ConvDecoder decoder;

    public VaeNetwork(ConvArchitecture arch, int latentSize, OutputActivation output) : base("VaeNetwork")
    {
        LatentSize = latentSize;
        encoder = new ConvEncoder(arch);
        fc_mu = nn.Linear(arch.BottleneckFeatures, latentSize);
        fc_logvar = nn.Linear(arch.BottleneckFeatures, latentSize);
        decoder = new ConvDecoder(arch, latentSize, output);
        RegisterComponents();
    }

    public int LatentSize { get; }
    public ConvEncoder Encoder => encoder;
    public ConvDecoder Decoder => decoder;

    /// <summary>(B, C, H, W) → μ, log σ² each (B, latent).</summary>
    public (Tensor mu, Tensor logvar) Encode(Tensor images)
    {
        using var scope = NewDisposeScope();
        var h = encoder.forward(images).flatten(1);
        return (fc_mu.forward(h).MoveToOuterDisposeScope(), fc_logvar.forward(h).MoveToOuterDisposeScope());
    }

    /// <summary>(B, latent) → (B, C, H, W).</summary>
    public Tensor Decode(Tensor z) => decoder.forward(z);

    public override VaeOutput forward(Tensor images)
    {
        var (mu, logvar) = Encode(images);
        var z = Losses.VaeLosses.Reparameterize(mu, logvar);
        return new VaeOutput(mu, logvar, z, decoder.forward(z));
    }
}
