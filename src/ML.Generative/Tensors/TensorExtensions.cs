using static TorchSharp.torch;

namespace ML.Generative.Tensors;

/// <summary>
/// PyTorch's single-dimension reductions, which TorchSharp 0.107 offers only with a dimension array
/// (<c>mean(new long[] { 1 })</c>): C# picks these only where no TorchSharp overload applies, so they add
/// PyTorch's spelling without shadowing anything.
/// </summary>
public static class TensorExtensions
{
    /// <summary>Mean over one dimension.</summary>
    public static Tensor mean(this Tensor input, long dim, bool keepdim = false) => input.mean(new[] { dim }, keepdim);

    /// <summary>Standard deviation over one dimension.</summary>
    public static Tensor std(this Tensor input, long dim, bool unbiased = true, bool keepdim = false) =>
        input.std(new[] { dim }, unbiased, keepdim);

    /// <summary>Variance over one dimension.</summary>
    public static Tensor var(this Tensor input, long dim, bool unbiased = true, bool keepdim = false) =>
        input.var(new[] { dim }, unbiased, keepdim);

    /// <summary>Largest value over one dimension.</summary>
    public static Tensor amax(this Tensor input, long dim, bool keepdim = false) => input.amax(new[] { dim }, keepdim);

    /// <summary>Smallest value over one dimension.</summary>
    public static Tensor amin(this Tensor input, long dim, bool keepdim = false) => input.amin(new[] { dim }, keepdim);
}
