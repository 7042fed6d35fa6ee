using ML.Generative.Torch;
using ML.Generative.Torch.Modules;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Models.Networks;

/// <summary>The activation on a decoder's output: it must match the range the images were normalised to.</summary>
public enum OutputActivation
{
    /// <summary>Pixels in [0, 1] (the reference VAE; required by the binary cross-entropy loss).</summary>
    Sigmoid,

    /// <summary>Pixels in [-1, 1].</summary>
    Tanh,

    /// <summary>Unbounded (per-channel mean/std normalisation).</summary>
    None,
}

/// <summary>
/// The mirror of <see cref="ConvEncoder"/>: a linear layer from the latent code to the bottleneck, then
/// transposed convolutions whose kernel equals their stride (each an exact 2x upsampling with no overlap),
/// conv-transpose → batch-norm → ReLU, and a 1x1 output layer with <see cref="OutputActivation"/>.
/// (B, latent) → (B, C, H, W).
/// </summary>
public sealed class ConvDecoder : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc;
    private readonly ModuleList<Sequential> blocks;
    private readonly ConvTranspose2d output;
    private readonly OutputActivation activation;

    public ConvDecoder(ConvArchitecture arch, int latentSize, OutputActivation activation) : base("ConvDecoder")
    {
        arch.Validate();
        if (latentSize < 1) throw new ArgumentOutOfRangeException(nameof(latentSize), latentSize, "latent size must be at least 1");
        Architecture = arch;
        this.activation = activation;
        fc = nn.Linear(latentSize, arch.BottleneckFeatures);
        blocks = new ModuleList<Sequential>();
        for (var i = arch.Stages.Count - 1; i >= 0; i--)
        {
            var (channels, stride) = arch.Stages[i];
            var outChannels = i == 0 ? arch.StemChannels : arch.Stages[i - 1].Channels;
            var deconv = nn.ConvTranspose2d(channels, outChannels, stride, stride: stride, bias: !arch.BatchNorm);
            blocks.append(arch.BatchNorm ? nn.Sequential(deconv, nn.BatchNorm2d(outChannels), nn.ReLU()) : nn.Sequential(deconv, nn.ReLU()));
        }
        output = nn.ConvTranspose2d(arch.StemChannels, arch.ImageChannels, 1);
        RegisterComponents();
    }

    public ConvArchitecture Architecture { get; }

    public override Tensor forward(Tensor latent)
    {
        var a = Architecture;
        using var scope = NewDisposeScope();
        // (B, latent) -> (B, C_last, s, s)
        var x = fc.forward(latent).relu_().view(-1, a.BottleneckChannels, a.BottleneckSize, a.BottleneckSize);
        foreach (var block in blocks) x = block.forward(x);
        var y = output.forward(x);
        var result = activation switch
        {
            OutputActivation.Sigmoid => y.sigmoid(),
            OutputActivation.Tanh => y.tanh(),
            _ => y,
        };
        return result.MoveToOuterDisposeScope();
    }
}
