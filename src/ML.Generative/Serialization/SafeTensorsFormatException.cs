namespace ML.Generative.Serialization;

/// <summary>
/// A safetensors file (or byte buffer) that breaks the format: bad header length, invalid JSON, unknown dtype,
/// offsets outside the data, sizes that do not match shapes, overlapping ranges or holes, truncated data.
/// The message names the file (when known), the tensor (when one is at fault) and what was wrong.
/// </summary>
/// <remarks>An <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), so code that already
/// handles failed file reads handles this too.</remarks>
public sealed class SafeTensorsFormatException : IOException
{
    /// <summary>Creates the exception; the message is composed from the three parts.</summary>
    public SafeTensorsFormatException(string problem, string? fileName = null, string? tensorName = null, Exception? inner = null)
        : base(Compose(problem, fileName, tensorName), inner)
    {
        Problem = problem;
        FileName = fileName;
        TensorName = tensorName;
    }

    /// <summary>What was wrong, without the file and tensor names.</summary>
    public string Problem { get; }

    /// <summary>The file read, or null when the data came from a stream or buffer without a name.</summary>
    public string? FileName { get; }

    /// <summary>The tensor at fault, or null when the problem is with the file as a whole.</summary>
    public string? TensorName { get; }

    private static string Compose(string problem, string? fileName, string? tensorName)
    {
        var where = fileName is null ? "invalid safetensors data" : $"invalid safetensors file '{fileName}'";
        return tensorName is null ? $"{where}: {problem}" : $"{where}: tensor '{tensorName}': {problem}";
    }
}
