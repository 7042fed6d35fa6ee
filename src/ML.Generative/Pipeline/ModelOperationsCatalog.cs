using ML.Generative.Pipeline;

namespace ML.Generative;

/// <summary>Saving fitted pipelines to one model zip and loading them back (see DESIGN.md, "The model zip").</summary>
public sealed class ModelOperationsCatalog : CatalogBase
{
    internal ModelOperationsCatalog(GenerativeContext context) : base(context) { }

    /// <summary>The largest entry a model zip may hold by default (2 GiB − 1, the size of one .NET array).</summary>
    public const long DefaultMaxEntryBytes = int.MaxValue;

    /// <summary>
    /// Saves <paramref name="model"/> (a transformer or a chain) with the schema it expects as one zip: a manifest
    /// (format version, stages with their kinds, options and schemas) and each stage's entries. The write is atomic:
    /// a failure leaves any existing file unchanged and no temp file behind.
    /// </summary>
    public void Save(ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ModelZipWriter.Save(model, inputSchema, filePath);
    }

    /// <summary>
    /// Loads a model zip: the stages in order as a chain, and the schema it expects. A file that is not a model zip,
    /// is truncated or corrupt, names an unknown component kind or needs a newer format gives an
    /// <see cref="InvalidDataException"/> saying which file and what is wrong.
    /// </summary>
    public TransformerChain<ITransformer> Load(string filePath, out DataViewSchema inputSchema, long maxEntryBytes = DefaultMaxEntryBytes)
    {
        if (!File.Exists(filePath)) throw new FileNotFoundException($"model file not found: {filePath}", filePath);
        using var s = File.OpenRead(filePath);
        return ModelZipReader.Load(s, filePath, out inputSchema, maxEntryBytes);
    }

    /// <summary>Loads a model zip from a seekable stream (see <see cref="Load(string, out DataViewSchema, long)"/>).</summary>
    public TransformerChain<ITransformer> Load(Stream stream, out DataViewSchema inputSchema, long maxEntryBytes = DefaultMaxEntryBytes) =>
        ModelZipReader.Load(stream, "model stream", out inputSchema, maxEntryBytes);
}
