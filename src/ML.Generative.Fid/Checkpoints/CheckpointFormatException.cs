namespace ML.Generative.Fid.Checkpoints;

/// <summary>
/// A checkpoint file is not a PyTorch state dict this reader accepts: truncated or corrupt, a format or
/// pickle feature it does not support, a global outside its whitelist, or a size beyond the limits in
/// <see cref="CheckpointReadOptions"/>. The message names the file (when known) and what was wrong.
/// </summary>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception with a message.</summary>
    public CheckpointFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public CheckpointFormatException(string message, Exception inner) : base(message, inner) { }
}
