namespace ML.Generative.Torch;

/// <summary>An error raised inside libtorch (shape mismatch, wrong dtype, bad index, out of memory, ...),
/// carrying libtorch's own message.</summary>
public sealed class TorchException : Exception
{
    public TorchException(string message) : base(message) { }
}
