using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ML.Generative.Models.Networks;

/// <summary>
/// Convolutional feature extractor: 1x1 stem then the 3x3 stages of a <see cref="ConvArchitecture"/>, each
/// conv → batch-norm → ReLU. (B, C, H, W) → (B, C_last, H/f, W/f). Also exposes each stage's output for the
/// U-Net decoder's skip connections.
/// </summary>
public sealed class ConvEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Sequential> blocks;

    public ConvEncoder(ConvArchitecture arch) : base("ConvEncoder")
    {
        arch.Validate();
        Architecture = arch;
        blocks = new ModuleList<Sequential>(Block(arch.ImageChannels, arch.StemChannels, 1, 1, arch.BatchNorm));
        var inChannels = arch.StemChannels;
        foreach (var (channels, stride) in arch.Stages)
        {
            blocks.append(Block(inChannels, channels, 3, stride, arch.BatchNorm));
            inChannels = channels;
        }
        RegisterComponents();
    }

    public ConvArchitecture Architecture { get; }

    private static Sequential Block(int inChannels, int outChannels, int kernel, int stride, bool batchNorm)
    {
        var conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, bias: !batchNorm);
        return batchNorm ? nn.Sequential(conv, nn.BatchNorm2d(outChannels), nn.ReLU()) : nn.Sequential(conv, nn.ReLU());
    }

    public override Tensor forward(Tensor input)
    {
        CheckInput(input);
        return RunBlocks(input, null);
    }

    /// <summary>The final features and every block's output (stem first), for skip connections.</summary>
    public (Tensor output, Tensor[] skips) ForwardWithSkips(Tensor input)
    {
        CheckInput(input);
        var skips = new List<Tensor>();
        var output = RunBlocks(input, skips);
        return (output, skips.ToArray());
    }

    // Each block's output is freed once the next block has consumed it, unless it is kept as a skip.
    private Tensor RunBlocks(Tensor input, List<Tensor>? keep)
    {
        Tensor? x = null;
        foreach (var block in blocks)
        {
            var next = block.forward(x ?? input);
            if (x is not null && keep is null) x.Dispose();
            x = next;
            keep?.Add(x);
        }
        return keep is null ? x! : x!.alias();
    }

    private void CheckInput(Tensor input)
    {
        var s = input.shape;
        var a = Architecture;
        if (s.Length != 4 || s[1] != a.ImageChannels || s[2] != a.ImageSize || s[3] != a.ImageSize)
            throw new ArgumentException(
                $"the encoder expects images of shape (B, {a.ImageChannels}, {a.ImageSize}, {a.ImageSize}), got ({string.Join(", ", s)})");
    }
}
