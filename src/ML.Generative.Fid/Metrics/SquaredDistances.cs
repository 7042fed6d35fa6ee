using static TorchSharp.torch;

namespace ML.Generative.Fid.Metrics;

/// <summary>Squared Euclidean distances between a block of rows and a whole set, by one matrix product.</summary>
internal static class SquaredDistances
{
    /// <summary>‖a‖² + ‖b‖² − 2abᵀ, clamped at 0: (rows, d) and (n, d) with their squared norms (rows) and (n)
    /// give (rows, n). Rounding can leave a tiny negative value where the distance is 0; the clamp removes it.</summary>
    public static Tensor Block(Tensor a, Tensor aSquaredNorms, Tensor b, Tensor bSquaredNorms)
    {
        var d = a.mm(b.t());
        d.mul_(-2.0);
        using (var column = aSquaredNorms.unsqueeze(1)) d.add_(column);
        using (var row = bSquaredNorms.unsqueeze(0)) d.add_(row);
        return d.clamp_(min: 0);
    }

    /// <summary>The squared norm of each row: (n, d) → (n).</summary>
    public static Tensor RowNorms(Tensor x)
    {
        using var squares = x.square();
        return squares.sum(1);
    }
}
