using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

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

    /// <param name="arch">The encoder's architecture, mirrored.</param>
    /// <param name="latentSize">Size of the latent code.</param>
    /// <param name="activation">Output activation.</param>
    /// <param name="skips">U-Net mode: each block (and the output layer) also receives the encoder's features
    /// of the same resolution, concatenated on channels (see <see cref="ForwardWithSkips"/>).</param>
    public ConvDecoder(ConvArchitecture arch, int latentSize, OutputActivation activation, bool skips = false) : base("ConvDecoder")
    {
        arch.Validate();
        if (latentSize < 1) throw new ArgumentOutOfRangeException(nameof(latentSize), latentSize, "latent size must be at least 1");
        Architecture = arch;
        this.activation = activation;
        UsesSkips = skips;
        var factor = skips ? 2 : 1;
        fc = nn.Linear(latentSize, arch.BottleneckFeatures);
        blocks = new ModuleList<Sequential>();
        for (var i = arch.Stages.Count - 1; i >= 0; i--)
        {
            var (channels, stride) = arch.Stages[i];
            var outChannels = i == 0 ? arch.StemChannels : arch.Stages[i - 1].Channels;
            var deconv = nn.ConvTranspose2d(channels * factor, outChannels, stride, stride: stride, bias: !arch.BatchNorm);
            blocks.append(arch.BatchNorm ? nn.Sequential(deconv, nn.BatchNorm2d(outChannels), nn.ReLU()) : nn.Sequential(deconv, nn.ReLU()));
        }
        output = nn.ConvTranspose2d(arch.StemChannels * factor, arch.ImageChannels, 1);
        RegisterComponents();
    }

    public ConvArchitecture Architecture { get; }

    /// <summary>True for the U-Net decoder, which needs the encoder's skip features.</summary>
    public bool UsesSkips { get; }

    public override Tensor forward(Tensor latent)
    {
        if (UsesSkips) throw new InvalidOperationException("this U-Net decoder needs the encoder's skip features: call ForwardWithSkips");
        return Run(latent, null);
    }

    /// <summary>U-Net decoding: <paramref name="skips"/> are the encoder blocks' outputs, stem first (as
    /// <see cref="ConvEncoder.ForwardWithSkips"/> returns them); the deepest is joined first.</summary>
    public Tensor ForwardWithSkips(Tensor latent, IReadOnlyList<Tensor> skips)
    {
        if (!UsesSkips) throw new InvalidOperationException("this decoder was built without skip connections");
        if (skips.Count != blocks.Count + 1)
            throw new ArgumentException($"the U-Net decoder needs {blocks.Count + 1} skip tensors, got {skips.Count}", nameof(skips));
        return Run(latent, skips);
    }

    private Tensor Run(Tensor latent, IReadOnlyList<Tensor>? skips)
    {
        var a = Architecture;
        using var scope = NewDisposeScope();
        // (B, latent) -> (B, C_last, s, s)
        var x = fc.forward(latent).relu_().view(-1, a.BottleneckChannels, a.BottleneckSize, a.BottleneckSize);
        var i = skips?.Count ?? 0;
        foreach (var block in blocks)
        {
            if (skips is not null) x = Next(x, cat(new[] { x, skips[--i] }, 1));
            x = Next(x, block.forward(x));
        }
        if (skips is not null) x = Next(x, cat(new[] { x, skips[0] }, 1));
        var y = Next(x, output.forward(x));
        var result = activation switch
        {
            OutputActivation.Sigmoid => y.sigmoid_(),
            OutputActivation.Tanh => y.tanh_(),
            _ => y,
        };
        return result.MoveToOuterDisposeScope();
    }

    // Each activation is released as soon as the next exists (autograd keeps what backward needs), so that a
    // decode holds about two activations at a time, as in PyTorch, rather than all of them until the end.
    private static Tensor Next(Tensor previous, Tensor next)
    {
        if (!ReferenceEquals(previous, next)) previous.Dispose();
        return next;
    }
}
