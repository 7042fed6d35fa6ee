using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ML.Generative.Pipeline;

/// <summary>
/// Writes the model zip. Layout (kept in sync with <see cref="ModelZipReader"/>):
/// <code>
/// manifest.json                 {"format": "ML.Generative.Model", "formatVersion": 1, "minReaderVersion": 1,
///                                "libraryVersion": "0.1.0", "inputSchema": [{"name", "type"}...],
///                                "stages": [{"kind", "options", "outputSchema",
///                                            "entries": [{"name", "path", "size", "sha256"}...]}...]}
/// stages/000/&lt;entry name&gt;       binary entries of stage 0 (weights as safetensors, statistics, ...)
/// stages/001/...
/// </code>
/// Every stage saves into memory first, so a stage that fails to save leaves the disk untouched; the file is then
/// written to a temp file in the target's folder, flushed and renamed over the target (atomic on one file system).
/// Entry times are fixed, so the same model gives the same bytes.
/// </summary>
internal static class ModelZipWriter
{
    internal const string Format = "ML.Generative.Model";
    /// <summary>The version this library writes.</summary>
    internal const int FormatVersion = 1;
    /// <summary>The oldest reader that can read what this library writes.</summary>
    internal const int MinReaderVersion = 1;
    internal static readonly DateTimeOffset EntryTime = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static string EntryPath(int stage, string name) => $"stages/{stage:D3}/{name}";

    internal static void Save(ITransformer model, DataViewSchema inputSchema, string path)
    {
        var stages = Flatten(model).ToList();
        var manifest = new JsonObject
        {
            ["format"] = Format,
            ["formatVersion"] = FormatVersion,
            ["minReaderVersion"] = MinReaderVersion,
            ["libraryVersion"] = typeof(ModelZipWriter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            ["inputSchema"] = SchemaJson.Write(inputSchema),
        };
        var stageNodes = new JsonArray();
        var contexts = new List<ModelSaveContext>();
        var schema = inputSchema;
        for (var i = 0; i < stages.Count; i++)
        {
            var ctx = new ModelSaveContext(i);
            stages[i].Save(ctx);
            if (ctx.Kind is null) throw new InvalidOperationException($"stage {i} ({stages[i].GetType().Name}) saved no component kind");
            if (!ModelComponentRegistry.IsRegistered(ctx.Kind))
                throw new InvalidOperationException($"stage {i} saved kind '{ctx.Kind}', which is not registered: it could not be loaded back");
            schema = stages[i].GetOutputSchema(schema);
            contexts.Add(ctx);
            stageNodes.Add(new JsonObject
            {
                ["kind"] = ctx.Kind,
                ["options"] = ctx.Options?.DeepClone(),
                ["outputSchema"] = SchemaJson.Write(schema),
                ["entries"] = new JsonArray(ctx.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (JsonNode)new JsonObject
                {
                    ["name"] = e.Key,
                    ["path"] = EntryPath(i, e.Key),
                    ["size"] = e.Value.LongLength,
                    ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(e.Value)),
                }).ToArray()),
            });
        }
        manifest["stages"] = stageNodes;
        var manifestBytes = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString(ModelJson.Options));
        Serialization.AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            Add(zip, "manifest.json", manifestBytes);
            foreach (var ctx in contexts)
                foreach (var (name, data) in ctx.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                    Add(zip, EntryPath(ctx.StageIndex, name), data);
        });
    }

    private static void Add(ZipArchive zip, string name, byte[] data)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTime;
        using var s = entry.Open();
        s.Write(data);
    }

    /// <summary>Chains are saved as their stages, in order (nested chains flattened).</summary>
    internal static IEnumerable<ITransformer> Flatten(ITransformer t) =>
        t is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : new[] { t };
}
