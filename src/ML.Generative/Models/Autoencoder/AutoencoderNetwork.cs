using ML.Generative.Models.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ML.Generative.Models.Autoencoder;

/// <summary>
/// A deterministic convolutional autoencoder (the plain AE and the WAE's encoder/decoder): encoder,
/// optional Shake-Shake residual blocks at the bottleneck, a linear code layer <c>fc_code</c>, decoder.
/// </summary>
public sealed class AutoencoderNetwork : nn.Module<Tensor, (Tensor code, Tensor reconstruction)>
{
    private readonly nn.Module<Tensor, Tensor> encoder;
    private readonly Sequential residual;
    private readonly Linear fc_code;
    private readonly nn.Module<Tensor, Tensor> decoder;
    private readonly OutputActivation? customActivation;

    /// <param name="arch">The built-in encoder/decoder's architecture (and the image shape for custom networks).</param>
    /// <param name="latentSize">Size of the code.</param>
    /// <param name="output">The decoder's output activation.</param>
    /// <param name="shakeShakeBlocks">Residual blocks at the built-in encoder's bottleneck.</param>
    /// <param name="encoderNetwork">A registered custom encoder (<see cref="CustomNetworks"/>), or null.</param>
    /// <param name="decoderNetwork">A registered custom decoder, or null.</param>
    public AutoencoderNetwork(ConvArchitecture arch, int latentSize, OutputActivation output, int shakeShakeBlocks = 0,
        string? encoderNetwork = null, string? decoderNetwork = null) : base("AutoencoderNetwork")
    {
        if (shakeShakeBlocks < 0) throw new ArgumentOutOfRangeException(nameof(shakeShakeBlocks), shakeShakeBlocks, "block count must be >= 0");
        if (shakeShakeBlocks > 0 && encoderNetwork is not null)
            throw new ArgumentException("Shake-Shake blocks sit at the built-in encoder's bottleneck: leave EncoderNetwork unset with ShakeShakeBlocks");
        LatentSize = latentSize;
        (encoder, var features) = CustomParts.Encoder(arch, latentSize, encoderNetwork);
        residual = nn.Sequential(Enumerable.Range(0, shakeShakeBlocks)
            .Select(_ => (nn.Module<Tensor, Tensor>)new ShakeShakeBlock(arch.BottleneckChannels)).ToArray());
        fc_code = nn.Linear(features, latentSize);
        (decoder, var custom) = CustomParts.Decoder(arch, latentSize, output, decoderNetwork);
        customActivation = custom ? output : null;
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
    public Tensor Decode(Tensor code) => CustomParts.Decode(decoder, customActivation, code);

    public override (Tensor code, Tensor reconstruction) forward(Tensor images)
    {
        var code = Encode(images);
        return (code, Decode(code));
    }
}
