using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ML.Generative.Pipeline;

/// <summary>
/// Reads the model zip written by <see cref="ModelZipWriter"/> (see its layout). The file is untrusted:
/// the manifest is bounded (4 MiB, 1,000 stages), every path in the archive is checked (no "..", no absolute
/// path, no backslash), an entry's path must be exactly the one its stage and name give, its size must match
/// the manifest and stay under the limit (read through a bounded stream, so a zip bomb stops there), and its
/// SHA-256 must match. Kinds are resolved only in <see cref="ModelComponentRegistry"/>. Every problem with the
/// file is an <see cref="InvalidDataException"/> naming the file and what is wrong.
/// </summary>
internal static class ModelZipReader
{
    /// <summary>The oldest format version this library still reads.</summary>
    internal const int OldestReadableVersion = 1;
    internal const long MaxManifestBytes = 4 << 20;
    internal const int MaxStages = 1000;
    internal const int MaxArchiveEntries = 100_000;

    internal static TransformerChain<ITransformer> Load(Stream stream, string source, out DataViewSchema inputSchema, long maxEntryBytes)
    {
        try
        {
            return LoadChecked(stream, source, out inputSchema, maxEntryBytes);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        catch (Exception e) when (e is JsonException or EndOfStreamException or NotSupportedException or IOException and not FileNotFoundException)
        {
            throw new InvalidDataException($"{source}: not a readable model zip: {e.Message}", e);
        }
    }

    private static TransformerChain<ITransformer> LoadChecked(Stream stream, string source, out DataViewSchema inputSchema, long maxEntryBytes)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        if (zip.Entries.Count > MaxArchiveEntries) throw new InvalidDataException($"{zip.Entries.Count} archive entries is more than a model zip holds");
        foreach (var e in zip.Entries) CheckPath(e.FullName);
        var manifestEntry = zip.GetEntry("manifest.json") ?? throw new InvalidDataException("no manifest.json: not an ML.Generative model zip");
        var manifest = JsonNode.Parse(ReadBounded(manifestEntry, MaxManifestBytes, "manifest.json"), documentOptions: new JsonDocumentOptions { MaxDepth = 64 })
                       as JsonObject ?? throw new InvalidDataException("manifest.json is not a JSON object");

        if (manifest["format"]?.GetValue<string>() != ModelZipWriter.Format)
            throw new InvalidDataException($"manifest.json names format '{manifest["format"]}', not {ModelZipWriter.Format}");
        var version = manifest["formatVersion"]?.GetValue<int>() ?? throw new InvalidDataException("manifest.json has no formatVersion");
        var minReader = manifest["minReaderVersion"]?.GetValue<int>() ?? version;
        if (minReader > ModelZipWriter.FormatVersion)
            throw new InvalidDataException($"the model was written in format version {version} by ML.Generative {manifest["libraryVersion"]} and needs a reader of " +
                                           $"format {minReader} or newer; this library reads up to version {ModelZipWriter.FormatVersion}: upgrade ML.Generative to load it");
        if (version < OldestReadableVersion)
            throw new InvalidDataException($"format version {version} is older than the oldest this library reads ({OldestReadableVersion}); load and re-save it with an older ML.Generative");

        inputSchema = SchemaJson.ReadSchema(manifest["inputSchema"], "manifest.json inputSchema");
        var stages = manifest["stages"] as JsonArray ?? throw new InvalidDataException("manifest.json has no stages list");
        if (stages.Count > MaxStages) throw new InvalidDataException($"{stages.Count} stages is more than {MaxStages}");
        var loaded = new List<ITransformer>();
        var schema = inputSchema;
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i] as JsonObject ?? throw new InvalidDataException($"stage {i} is not a JSON object");
            var kind = stage["kind"]?.GetValue<string>();
            if (!ModelComponentRegistry.IsValidKind(kind)) throw new InvalidDataException($"stage {i} has no valid component kind");
            var entries = ReadEntries(zip, stage["entries"], i, maxEntryBytes);
            var transformer = ModelComponentRegistry.Load(new ModelLoadContext(i, kind!, stage["options"], entries, schema, version));
            schema = transformer.GetOutputSchema(schema);
            var saved = SchemaJson.ReadSchema(stage["outputSchema"], $"stage {i} outputSchema");
            if (!saved.Select(c => (c.Name, c.Type)).SequenceEqual(schema.Select(c => (c.Name, c.Type))))
                throw new InvalidDataException($"stage {i} ({kind}) now outputs [{schema}] but was saved outputting [{saved}]");
            loaded.Add(transformer);
        }
        return new TransformerChain<ITransformer>(loaded);
    }

    private static Dictionary<string, byte[]> ReadEntries(ZipArchive zip, JsonNode? node, int stage, long maxEntryBytes)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (node is null) return result;
        if (node is not JsonArray list) throw new InvalidDataException($"stage {stage}: entries is not a list");
        foreach (var e in list)
        {
            var name = e?["name"]?.GetValue<string>() ?? throw new InvalidDataException($"stage {stage}: an entry has no name");
            try { ModelSaveContext.CheckEntryName(name); }
            catch (ArgumentException ex) { throw new InvalidDataException($"stage {stage}: {ex.Message}"); }
            var path = e["path"]?.GetValue<string>();
            if (path != ModelZipWriter.EntryPath(stage, name)) throw new InvalidDataException($"stage {stage}: entry '{name}' has path '{path}', expected '{ModelZipWriter.EntryPath(stage, name)}'");
            var size = e["size"]?.GetValue<long>() ?? -1;
            if (size < 0 || size > maxEntryBytes) throw new InvalidDataException($"stage {stage}: entry '{name}' declares {size} bytes (limit {maxEntryBytes})");
            var zipEntry = zip.GetEntry(path) ?? throw new InvalidDataException($"stage {stage}: entry '{path}' is missing from the archive (truncated file?)");
            var data = ReadBounded(zipEntry, size, path);
            if (data.LongLength != size) throw new InvalidDataException($"'{path}' holds {data.LongLength} bytes, the manifest says {size}");
            if (Convert.ToHexStringLower(SHA256.HashData(data)) != e["sha256"]?.GetValue<string>())
                throw new InvalidDataException($"'{path}' is corrupt: its SHA-256 differs from the manifest's");
            if (!result.TryAdd(name, data)) throw new InvalidDataException($"stage {stage}: entry '{name}' appears twice");
        }
        return result;
    }

    /// <summary>The entry's bytes, reading at most <paramref name="limit"/> + 1 whatever its header claims.</summary>
    private static byte[] ReadBounded(ZipArchiveEntry entry, long limit, string what)
    {
        using var s = entry.Open();
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = s.Read(buffer, 0, (int)Math.Min(buffer.Length, limit + 1 - ms.Length))) > 0)
        {
            ms.Write(buffer, 0, n);
            if (ms.Length > limit) throw new InvalidDataException($"'{what}' is larger than its limit of {limit} bytes");
        }
        return ms.ToArray();
    }

    private static void CheckPath(string path)
    {
        if (path.Length == 0 || path.Length > 300 || path.StartsWith('/') || path.Contains('\\') || path.Contains(':')
            || path.Split('/').Any(p => p is ".." or ".") || Path.IsPathRooted(path))
            throw new InvalidDataException($"the archive holds an unsafe path '{path}'");
    }
}
