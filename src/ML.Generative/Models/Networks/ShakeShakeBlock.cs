using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ML.Generative.Models.Networks;

/// <summary>
/// A Shake-Shake residual block (Gastaldi 2017): x + α·b₁(x) + (1−α)·b₂(x), with α ~ U(0,1) per sample in the
/// forward pass and an independent β ~ U(0,1) in the backward pass; α = ½ in eval mode. Each branch is
/// ReLU → 3x3 conv → BN → ReLU → 3x3 conv → BN. Shape-preserving: (B, C, H, W) → (B, C, H, W).
/// </summary>
public sealed class ShakeShakeBlock : nn.Module<Tensor, Tensor>
{
    private readonly Sequential branch1;
    private readonly Sequential branch2;

    public ShakeShakeBlock(int channels) : base("ShakeShakeBlock")
    {
        branch1 = Branch(channels);
        branch2 = Branch(channels);
        RegisterComponents();
    }

    private static Sequential Branch(int c) => nn.Sequential(
        nn.ReLU(), nn.Conv2d(c, c, 3, padding: 1, bias: false), nn.BatchNorm2d(c),
        nn.ReLU(), nn.Conv2d(c, c, 3, padding: 1, bias: false), nn.BatchNorm2d(c));

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1.forward(x);
        var b2 = branch2.forward(x);
        Tensor mixed;
        if (!training) mixed = (b1 + b2) * 0.5;
        else
        {
            var n = x.shape[0];
            var alpha = rand(new[] { n, 1L, 1, 1 }, x.dtype, x.device);
            var beta = rand(new[] { n, 1L, 1, 1 }, x.dtype, x.device);
            // Value: α·b₁ + (1−α)·b₂. Gradient: that of β·b₁ + (1−β)·b₂, since the correction term is detached.
            var backwardMix = beta * b1 + (1 - beta) * b2;
            var correction = ((alpha - beta) * (b1 - b2)).detach();
            mixed = backwardMix + correction;
        }
        return (x + mixed).MoveToOuterDisposeScope();
    }
}
