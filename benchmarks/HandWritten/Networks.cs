using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace HandWritten;

// The reference architecture (benchmarks/reference/models.py, and the library's ConvEncoder/ConvDecoder/
// ImageDiscriminator) written the way TorchSharp's examples write networks: modules with RegisterComponents,
// Sequential blocks, forward passes that leave every intermediate to the caller's dispose scope.

internal static class Stages
{
    /// <summary>The 3x3 stages (channels, stride) after the 1x1 stem: 28 and 32 downsample 4x, 64 adds a stage.</summary>
    public static (long Channels, long Stride)[] For(int size) =>
        size >= 64 ? [(64, 1), (128, 2), (256, 2), (256, 2)] : [(64, 1), (128, 2), (256, 2)];

    public const long Stem = 32;

    /// <summary>Height and width at the bottleneck.</summary>
    public static long Bottleneck(int size) => size / (1L << For(size).Count(s => s.Stride == 2));

    /// <summary>Flattened features at the bottleneck.</summary>
    public static long Features(int size) => For(size)[^1].Channels * Bottleneck(size) * Bottleneck(size);
}

internal sealed class Encoder : Module<Tensor, Tensor>
{
    private readonly ModuleList<Sequential> blocks = new();

    public Encoder(int channels, int size) : base(nameof(Encoder))
    {
        blocks.Add(Sequential(Conv2d(channels, Stages.Stem, 1, bias: false), BatchNorm2d(Stages.Stem), ReLU()));
        var c = Stages.Stem;
        foreach (var (o, s) in Stages.For(size))
        {
            blocks.Add(Sequential(Conv2d(c, o, 3, stride: s, padding: 1, bias: false), BatchNorm2d(o), ReLU()));
            c = o;
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var b in blocks) x = b.forward(x);
        return x;
    }

    /// <summary>Every block's output, stem first (the U-Net decoder's skips); the last is the encoder's output.</summary>
    public List<Tensor> ForwardAll(Tensor x)
    {
        var outputs = new List<Tensor>();
        foreach (var b in blocks) outputs.Add(x = b.forward(x));
        return outputs;
    }
}

internal sealed class Decoder : Module<Tensor, Tensor>
{
    private readonly Linear fc;
    private readonly ModuleList<Sequential> blocks = new();
    private readonly ConvTranspose2d output;
    private readonly long channels, side;

    /// <param name="skips">U-Net: each block and the output layer also take the encoder's features of their resolution.</param>
    public Decoder(int imageChannels, int size, int latent, bool skips = false) : base(nameof(Decoder))
    {
        var stages = Stages.For(size);
        var f = skips ? 2 : 1;
        channels = stages[^1].Channels;
        side = Stages.Bottleneck(size);
        fc = Linear(latent, Stages.Features(size));
        for (var i = stages.Length - 1; i >= 0; i--)
        {
            var (c, s) = stages[i];
            var o = i == 0 ? Stages.Stem : stages[i - 1].Channels;
            blocks.Add(Sequential(ConvTranspose2d(c * f, o, s, stride: s, bias: false), BatchNorm2d(o), ReLU()));
        }
        output = ConvTranspose2d(Stages.Stem * f, imageChannels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor z) => Decode(z, null);

    public Tensor Decode(Tensor z, IReadOnlyList<Tensor>? skips)
    {
        var x = functional.relu(fc.forward(z)).view(-1, channels, side, side);
        var i = skips?.Count ?? 0;
        foreach (var b in blocks)
        {
            if (skips is not null) x = cat([x, skips[--i]], 1);
            x = b.forward(x);
        }
        if (skips is not null) x = cat([x, skips[0]], 1);
        return sigmoid(output.forward(x));
    }
}

internal sealed class Vae : Module<Tensor, (Tensor Mu, Tensor Logvar, Tensor Reconstruction)>
{
    private readonly Encoder encoder;
    private readonly Linear fc_mu, fc_logvar;
    private readonly Decoder decoder;
    private readonly bool unet;

    public Vae(int channels, int size, int latent, bool unet = false) : base(nameof(Vae))
    {
        encoder = new Encoder(channels, size);
        fc_mu = Linear(Stages.Features(size), latent);
        fc_logvar = Linear(Stages.Features(size), latent);
        decoder = new Decoder(channels, size, latent, unet);
        this.unet = unet;
        Latent = latent;
        RegisterComponents();
    }

    public int Latent { get; }

    public Decoder Decoder => decoder;

    /// <summary>μ, log σ², and (U-Net) the encoder blocks' outputs.</summary>
    public (Tensor Mu, Tensor Logvar, List<Tensor>? Skips) Encode(Tensor x)
    {
        var skips = unet ? encoder.ForwardAll(x) : null;
        var h = (skips is null ? encoder.forward(x) : skips[^1]).flatten(1);
        return (fc_mu.forward(h), fc_logvar.forward(h), skips);
    }

    public override (Tensor Mu, Tensor Logvar, Tensor Reconstruction) forward(Tensor x)
    {
        var (mu, logvar, skips) = Encode(x);
        var z = mu + exp(0.5 * logvar) * randn_like(mu);
        return (mu, logvar, decoder.Decode(z, skips));
    }
}

internal sealed class Autoencoder : Module<Tensor, (Tensor Code, Tensor Reconstruction)>
{
    private readonly Encoder encoder;
    private readonly Linear fc_code;
    private readonly Decoder decoder;

    public Autoencoder(int channels, int size, int latent) : base(nameof(Autoencoder))
    {
        encoder = new Encoder(channels, size);
        fc_code = Linear(Stages.Features(size), latent);
        decoder = new Decoder(channels, size, latent);
        RegisterComponents();
    }

    public Decoder Decoder => decoder;

    public override (Tensor Code, Tensor Reconstruction) forward(Tensor x)
    {
        var code = fc_code.forward(encoder.forward(x).flatten(1));
        return (code, decoder.forward(code));
    }
}

/// <summary>DCGAN-style: 4x4 stride-2 convolutions (batch norm after all but the first), LeakyReLU(0.2), one logit.</summary>
internal sealed class Discriminator : Module<Tensor, Tensor>
{
    private readonly Sequential features = Sequential();
    private readonly Linear classifier;

    public Discriminator(int channels, int size, long width = 64) : base(nameof(Discriminator))
    {
        long c = channels, o = width;
        while (size % 2 == 0 && size > 4)
        {
            features.append(Conv2d(c, o, 4, stride: 2, padding: 1));
            if (features.Count > 1) features.append(BatchNorm2d(o));
            features.append(LeakyReLU(0.2));
            size /= 2;
            (c, o) = (o, o * 2);
        }
        classifier = Linear(c * size * size, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => classifier.forward(features.forward(x).flatten(1));
}
