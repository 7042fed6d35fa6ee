using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ML.Generative.Models.Losses;

/// <summary>Per-image reconstruction errors for scoring (anomaly detection), averaged over pixels so that
/// scores compare across image sizes.</summary>
public static class ReconstructionErrors
{
    /// <summary>(B, C, H, W) × 2 → (B).</summary>
    public static Tensor PerImage(Tensor reconstruction, Tensor target, ReconstructionErrorMetric metric)
    {
        using var scope = NewDisposeScope();
        var perPixel = metric switch
        {
            ReconstructionErrorMetric.MeanSquaredError => (reconstruction - target).square(),
            ReconstructionErrorMetric.L1 => (reconstruction - target).abs(),
            ReconstructionErrorMetric.BinaryCrossEntropy => F.binary_cross_entropy(reconstruction.clamp(1e-6, 1 - 1e-6), target.clamp(0, 1), reduction: nn.Reduction.None),
            ReconstructionErrorMetric.Ssim => 1 - SsimMap(reconstruction, target),
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown reconstruction error metric"),
        };
        return perPixel.flatten(1).mean(1).MoveToOuterDisposeScope();
    }

    /// <summary>The SSIM map (Wang et al. 2004) with a 7x7 uniform window, C₁ = (0.01·L)², C₂ = (0.03·L)², L = 1.</summary>
    public static Tensor SsimMap(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        Tensor Mean(Tensor t) => F.avg_pool2d(t, 7, 1, 3, count_include_pad: false);
        var mx = Mean(x);
        var my = Mean(y);
        var vx = Mean(x * x) - mx * mx;
        var vy = Mean(y * y) - my * my;
        var cxy = Mean(x * y) - mx * my;
        var ssim = (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        return ssim.MoveToOuterDisposeScope();
    }
}
