using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Evaluation;

/// <summary>
/// How close generated images lie to a set of real ones: for each image, the mean squared pixel difference to its
/// nearest neighbour in the reference set. Far below what held-out real images score against the training set, it
/// says the model copies training images rather than generating new ones.
/// </summary>
public static class NearestNeighbours
{
    /// <summary>(n, …) images and (m, …) references of the same shape → (n) per-pixel MSE to the nearest reference.</summary>
    public static double[] MinMeanSquaredError(Tensor images, Tensor references)
    {
        if (images.Dimensions < 2 || !images.shape.Skip(1).SequenceEqual(references.shape.Skip(1)))
            throw new ArgumentException($"images ({string.Join(", ", images.shape)}) and references ({string.Join(", ", references.shape)}) must have the same shape per image");
        if (references.shape[0] == 0) throw new ArgumentException("there are no reference images", nameof(references));
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        var x = images.flatten(1).to(ScalarType.Float64);
        var pixels = x.shape[1];
        var best = full(new[] { x.shape[0] }, double.PositiveInfinity, ScalarType.Float64);
        var xx = (x * x).sum(1, keepdim: true);
        // ‖x − r‖² = ‖x‖² + ‖r‖² − 2 x·r, a block of references at a time to bound memory.
        for (long start = 0; start < references.shape[0]; start += 4096)
        {
            using var block = NewDisposeScope();
            var r = references.narrow(0, start, Math.Min(4096, references.shape[0] - start)).flatten(1).to(ScalarType.Float64);
            var d = (xx + (r * r).sum(1).unsqueeze(0) - 2 * x.matmul(r.t())).clamp_min(0);
            best = best.minimum(d.min(1).values).MoveToOuterDisposeScope();
        }
        return (best / pixels).data<double>().ToArray();
    }
}
