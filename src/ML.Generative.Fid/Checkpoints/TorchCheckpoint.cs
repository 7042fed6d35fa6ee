namespace ML.Generative.Fid.Checkpoints;

/// <summary>
/// Reads PyTorch state dicts (<c>torch.save(model.state_dict(), path)</c>) without Python and without
/// running any code from the file: both the zip format (PyTorch 1.6+) and the legacy pickle format
/// (that of pytorch-fid's <c>pt_inception-2015-12-05-6726825d.pth</c>).
/// </summary>
/// <remarks>
/// The pickle is interpreted by a restricted unpickler that knows only the opcodes and the handful of
/// globals a state dict needs (collections.OrderedDict, torch._utils._rebuild_tensor_v2 and
/// _rebuild_parameter, the typed storage classes); anything else is refused by name. Tensor views
/// (offsets, strides, several tensors sharing a storage) are materialised as contiguous row-major copies.
/// </remarks>
public static class TorchCheckpoint
{
    /// <summary>Reads the state dict in a checkpoint file.</summary>
    /// <exception cref="CheckpointFormatException">The file is not a state dict this reader accepts; the message says why.</exception>
    /// <exception cref="IOException">The file cannot be read (e.g. <see cref="FileNotFoundException"/>).</exception>
    public static StateDict Load(string path, CheckpointReadOptions? options = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Load(stream, options, $"checkpoint '{path}'");
    }

    /// <summary>Reads a state dict from a stream (read to its end; a non-seekable stream is buffered within the size limit).</summary>
    /// <param name="stream">The checkpoint bytes.</param>
    /// <param name="options">Size limits; <see cref="CheckpointReadOptions.Default"/> when null.</param>
    /// <param name="sourceName">How error messages name the source.</param>
    /// <exception cref="CheckpointFormatException">The data is not a state dict this reader accepts; the message says why.</exception>
    public static StateDict Load(Stream stream, CheckpointReadOptions? options = null, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= CheckpointReadOptions.Default;
        string source = sourceName ?? "checkpoint stream";
        long maxFile = Math.Min(options.MaxFileBytes, Array.MaxLength);
        if (!stream.CanSeek) stream = new MemoryStream(ReadAll(stream, maxFile, source), writable: false);
        long remaining = stream.Length - stream.Position;
        if (remaining > maxFile)
            throw new CheckpointFormatException($"{source}: {remaining} bytes exceed the {maxFile}-byte limit");

        Span<byte> head = stackalloc byte[4];
        long start = stream.Position;
        int got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = start;
        if (got >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
            return ZipCheckpointReader.Read(stream, options, source);
        if (got >= 2 && head[0] == 0x80) // PROTO: the legacy format starts with the pickled magic number
            return LegacyCheckpointReader.Read(ReadAll(stream, maxFile, source), options, source);
        throw new CheckpointFormatException(got == 0
            ? $"{source}: the file is empty"
            : $"{source}: not a PyTorch checkpoint (starts with {Convert.ToHexString(head[..got])}; expected a zip archive or a pickle)");
    }

    private static byte[] ReadAll(Stream stream, long max, string source)
    {
        if (stream.CanSeek)
        {
            // One exact-size buffer: a legacy checkpoint is held whole while its storages are sliced out.
            var data = new byte[stream.Length - stream.Position];
            stream.ReadExactly(data);
            return data;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > max) throw new CheckpointFormatException($"{source}: more than the {max}-byte limit");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
