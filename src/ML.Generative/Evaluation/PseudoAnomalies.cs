using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Evaluation;

/// <summary>
/// Stand-in anomalies made from normal images alone, so a one-class score can be chosen without ever seeing a real
/// anomaly (or the test set): image i becomes, by i mod 4, upside down, rotated a quarter turn, a 50/50 blend with
/// the next image, or its top and bottom halves swapped. Each keeps the normal class's pixel statistics but breaks
/// its shape, as images of other classes do.
/// </summary>
public static class PseudoAnomalies
{
    /// <summary>(N, C, H, W) square images → the same number of pseudo-anomalies.</summary>
    public static Tensor Make(Tensor normal)
    {
        if (normal.Dimensions != 4 || normal.shape[2] != normal.shape[3])
            throw new ArgumentException($"pseudo-anomalies need square images (N, C, H, W), got ({string.Join(", ", normal.shape)})");
        var n = normal.shape[0];
        if (n < 2) throw new ArgumentException("pseudo-anomalies need at least 2 normal images (one kind blends neighbours)");
        using var scope = NewDisposeScope();
        var next = cat(new[] { normal.narrow(0, 1, n - 1), normal.narrow(0, 0, 1) });
        var half = normal.shape[2] / 2;
        var swapped = cat(new[] { normal.narrow(2, half, normal.shape[2] - half), normal.narrow(2, 0, half) }, 2);
        var kinds = new[]
        {
            normal.flip(2),                        // upside down
            normal.transpose(2, 3).flip(3),        // a quarter turn
            (normal + next) * 0.5,                 // blended with another image
            swapped,                               // halves swapped
        };
        var kind = arange(n).remainder(4).view(n, 1, 1, 1);
        var result = zeros_like(normal);
        for (var k = 0; k < kinds.Length; k++)
            result = where(kind.eq(k), kinds[k], result);
        return result.MoveToOuterDisposeScope();
    }
}
