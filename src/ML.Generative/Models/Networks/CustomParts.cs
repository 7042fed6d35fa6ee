using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Models.Networks;

/// <summary>A model's encoder and decoder: the user's registered networks where the options name them, else the
/// built-in convolutional ones. One place that both the autoencoder and the VAE networks take them from.</summary>
internal static class CustomParts
{
    /// <summary>The encoder and its flattened features per image. Built before the model's heads and the decoder, in
    /// the order the built-in networks have always drawn their initial weights from the generator.</summary>
    public static (nn.Module<Tensor, Tensor> encoder, long features) Encoder(ConvArchitecture arch, int latentSize, string? name, bool skips = false)
    {
        if (name is null) return (new ConvEncoder(arch), arch.BottleneckFeatures);
        if (skips) throw new ArgumentException("the U-Net's skip connections need the built-in encoder and decoder: leave EncoderNetwork unset with UNet");
        var shape = new NetworkShape(arch.ImageChannels, arch.ImageSize, latentSize);
        var encoder = CustomNetworks.Create(NetworkRole.Encoder, name, shape);
        return (encoder, CustomNetworks.FeatureCount(encoder, shape));
    }

    /// <summary>The decoder; <c>custom</c> is true when it is the user's, and the model then applies the output
    /// activation itself.</summary>
    public static (nn.Module<Tensor, Tensor> decoder, bool custom) Decoder(ConvArchitecture arch, int latentSize, OutputActivation output,
        string? name, bool skips = false)
    {
        if (name is null) return (new ConvDecoder(arch, latentSize, output, skips), false);
        if (skips) throw new ArgumentException("the U-Net's skip connections need the built-in encoder and decoder: leave DecoderNetwork unset with UNet");
        return (CustomNetworks.Create(NetworkRole.Decoder, name, new NetworkShape(arch.ImageChannels, arch.ImageSize, latentSize)), true);
    }

    /// <summary>Decodes with <paramref name="decoder"/>, then applies <paramref name="customActivation"/> when the
    /// decoder is the user's (null: the built-in decoder, which applies its own).</summary>
    public static Tensor Decode(nn.Module<Tensor, Tensor> decoder, OutputActivation? customActivation, Tensor z)
    {
        if (customActivation is not { } activation) return decoder.forward(z);
        using var y = decoder.forward(z);
        return activation switch
        {
            OutputActivation.Sigmoid => y.sigmoid(),
            OutputActivation.Tanh => y.tanh(),
            _ => y.alias(),
        };
    }
}
