namespace ML.Generative.Fid.Npz;

/// <summary>Size limits for reading untrusted .npz files; anything larger is refused, not allocated.</summary>
public sealed class NpzReadOptions
{
    /// <summary>The defaults: 2 GiB files, 1 GiB arrays, 1024 entries, 64 KiB headers.</summary>
    public static NpzReadOptions Default { get; } = new();

    /// <summary>Largest file accepted.</summary>
    public long MaxFileBytes { get; init; } = 2L << 30;

    /// <summary>Largest array (one .npy entry, header included), in bytes.</summary>
    public long MaxArrayBytes { get; init; } = 1L << 30;

    /// <summary>Largest number of zip entries.</summary>
    public int MaxEntries { get; init; } = 1024;

    /// <summary>Largest .npy header, in bytes (NumPy itself refuses more than 10000 by default).</summary>
    public int MaxHeaderBytes { get; init; } = 1 << 16;

    /// <summary>Largest number of dimensions.</summary>
    public int MaxRank { get; init; } = 32;
}
