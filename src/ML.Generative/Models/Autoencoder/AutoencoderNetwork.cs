using ML.Generative.Models.Networks;
using ML.Generative.Torch;
using ML.Generative.Torch.Modules;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Models.Autoencoder;

/// <summary>
/// A deterministic convolutional autoencoder (the plain AE and the WAE's encoder/decoder): encoder,
/// optional Shake-Shake residual blocks at the bottleneck, a linear code layer <c>fc_code</c>, decoder.
/// </summary>
public sealed class AutoencoderNetwork : nn.Module<Tensor, (Tensor code, Tensor reconstruction)>
{
    private readonly ConvEncoder encoder;
    private readonly Sequential residual;
    private readonly Linear fc_code;
    private readonly ConvDecoder decoder;

    public AutoencoderNetwork(ConvArchitecture arch, int latentSize, OutputActivation output, int shakeShakeBlocks = 0) : base("AutoencoderNetwork")
    {
        if (shakeShakeBlocks < 0) throw new ArgumentOutOfRangeException(nameof(shakeShakeBlocks), shakeShakeBlocks, "block count must be >= 0");
        LatentSize = latentSize;
        encoder = new ConvEncoder(arch);
        residual = nn.Sequential(Enumerable.Range(0, shakeShakeBlocks)
            .Select(_ => (nn.Module<Tensor, Tensor>)new ShakeShakeBlock(arch.BottleneckChannels)).ToArray());
        fc_code = nn.Linear(arch.BottleneckFeatures, latentSize);
        decoder = new ConvDecoder(arch, latentSize, output);
        RegisterComponents();
    }

    public int LatentSize { get; }

    /// <summary>(B, C, H, W) → (B, latent).</summary>
    public Tensor Encode(Tensor images)
    {
        using var scope = NewDisposeScope();
        var h = residual.forward(encoder.forward(images)).flatten(1);
        return fc_code.forward(h).MoveToOuterDisposeScope();
    }

    /// <summary>(B, latent) → (B, C, H, W).</summary>
    public Tensor Decode(Tensor code) => decoder.forward(code);

    public override (Tensor code, Tensor reconstruction) forward(Tensor images)
    {
        var code = Encode(images);
        return (code, decoder.forward(code));
    }
}
