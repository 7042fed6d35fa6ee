namespace ML.Generative.Fid.Npz;

/// <summary>
/// An .npy or .npz file is not one this reader accepts: truncated or corrupt, an unsupported version,
/// dtype or layout, or a size beyond the limits in <see cref="NpzReadOptions"/>. The message names the
/// file (when known), the entry and what was wrong.
/// </summary>
public sealed class NpzFormatException : IOException
{
    /// <summary>Creates the exception with a message.</summary>
    public NpzFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public NpzFormatException(string message, Exception? inner) : base(message, inner) { }
}
