using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ML.Generative.Models.Losses;

/// <summary>The standard (non-saturating) GAN losses on logits (Goodfellow et al. 2014).</summary>
public static class GanLosses
{
    /// <summary>−E[log D(real)] − E[log(1 − D(fake))]: the discriminator's loss.</summary>
    public static Tensor Discriminator(Tensor realLogits, Tensor fakeLogits)
    {
        using var scope = NewDisposeScope();
        var real = F.binary_cross_entropy_with_logits(realLogits, ones_like(realLogits));
        var fake = F.binary_cross_entropy_with_logits(fakeLogits, zeros_like(fakeLogits));
        return (real + fake).MoveToOuterDisposeScope();
    }

    /// <summary>−E[log D(fake)]: the non-saturating generator loss.</summary>
    public static Tensor Generator(Tensor fakeLogits)
    {
        using var target = ones_like(fakeLogits);
        return F.binary_cross_entropy_with_logits(fakeLogits, target);
    }
}
