namespace ML.Generative.Fid.Checkpoints;

/// <summary>Size limits for reading untrusted checkpoint files; anything larger is refused, not allocated.</summary>
public sealed class CheckpointReadOptions
{
    /// <summary>The defaults: a file up to 2 GiB, a tensor up to 1 GiB, 4 GiB of tensors in all.</summary>
    public static CheckpointReadOptions Default { get; } = new();

    /// <summary>Largest file accepted (legacy files are read whole, so at most about 2 GiB).</summary>
    public long MaxFileBytes { get; init; } = 2L << 30;

    /// <summary>Largest pickle accepted (data.pkl of a zip checkpoint).</summary>
    public long MaxPickleBytes { get; init; } = 256L << 20;

    /// <summary>Largest single materialised tensor, in bytes.</summary>
    public long MaxTensorBytes { get; init; } = 1L << 30;

    /// <summary>Largest total of materialised tensor bytes (views of one storage can exceed the file size).</summary>
    public long MaxTotalTensorBytes { get; init; } = 4L << 30;

    /// <summary>Largest number of dimensions of a tensor.</summary>
    public int MaxRank { get; init; } = 32;
}
