using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Tensors;

/// <summary>
/// Channels-last layout for 4-D tensors, which TorchSharp 0.107 cannot ask for (no memory-format argument).
/// A tensor made contiguous as (N, H, W, C) and permuted back to (N, C, H, W) has exactly the strides of
/// PyTorch's <c>torch.channels_last</c>, and libtorch picks its layout from the strides: oneDNN's convolutions
/// then run in their fast layout, and their outputs stay channels-last.
/// </summary>
public static class ChannelsLast
{
    /// <summary>A channels-last copy of a 4-D tensor (the same values, NHWC in memory).</summary>
    public static Tensor To(Tensor x)
    {
        if (x.dim() != 4) throw new ArgumentException($"channels-last needs a 4-D tensor, not [{string.Join(", ", x.shape)}]", nameof(x));
        using var nhwc = x.permute(0, 2, 3, 1);
        using var packed = nhwc.contiguous();
        return packed.permute(0, 3, 1, 2);
    }

    /// <summary>Whether a 4-D tensor's strides are channels-last's (dimensions of size 1 match any stride, as in libtorch).</summary>
    public static bool Is(Tensor x)
    {
        if (x.dim() != 4) return false;
        var s = x.shape;
        var st = x.stride();
        // Expected strides, innermost first: C (1), W (C), H (W·C), N (H·W·C).
        long expected = 1;
        foreach (var d in new[] { 1, 3, 2, 0 })
        {
            if (s[d] != 1 && st[d] != expected) return false;
            expected *= s[d];
        }
        return true;
    }

    /// <summary>Lays every 4-D parameter and buffer of <paramref name="module"/> out channels-last, in place
    /// (values unchanged), like PyTorch's <c>module.to(memory_format=torch.channels_last)</c>.</summary>
    public static void Apply(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (_, p) in module.named_parameters())
            if (p.dim() == 4 && !Is(p)) { using var c = To(p); p.set_(c); }
        foreach (var (_, b) in module.named_buffers())
            if (b.dim() == 4 && !Is(b)) { using var c = To(b); b.set_(c); }
    }
}
