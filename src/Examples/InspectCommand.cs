using System.CommandLine;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ML.Generative.Cli;

/// <summary><c>mlgen inspect model.zip</c>: format version, input schema, stages with their options, entries and sizes,
/// and whether the zip loads in this library.</summary>
internal static class InspectCommand
{
    internal static Command Create()
    {
        var model = new Argument<string>("model") { Description = "a model zip" };
        var json = new Option<bool>("--json") { Description = "print the manifest as JSON" };
        var command = new Command("inspect", "show what a model zip holds: stages, schema, options, sizes, format version") { model, json };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(json)));
        return command;
    }

    private static int Run(string path, bool json)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file not found: {Path.GetFullPath(path)}", path);
        JsonNode manifest;
        List<(string Name, long Size)> entries;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            entries = zip.Entries.Select(e => (e.FullName, e.Length)).ToList();
            var entry = zip.GetEntry("manifest.json") ?? throw new InvalidDataException($"{path} is not a model zip: it has no manifest.json");
            using var stream = entry.Open();
            manifest = JsonNode.Parse(stream) ?? throw new InvalidDataException($"{path}: manifest.json is empty");
        }
        catch (InvalidDataException e) when (!e.Message.Contains("manifest", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} is not a readable zip file ({e.Message})");
        }
        // Loading checks what reading the manifest cannot: known kinds, weights, sizes.
        string loads;
        try
        {
            new GenerativeContext().Model.Load(path, out _).OfType<IDisposable>().ToList().ForEach(s => s.Dispose());
            loads = "yes";
        }
        catch (Exception e)
        {
            loads = "no: " + e.Message;
        }
        if (json)
        {
            Console.WriteLine(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        Console.WriteLine($"{Path.GetFullPath(path)}: {new FileInfo(path).Length / 1048576.0:F1} MB");
        Console.WriteLine($"format {manifest["format"]} version {manifest["formatVersion"]} (readers from version {manifest["minReaderVersion"]}), written by ML.Generative {manifest["libraryVersion"]}");
        Console.WriteLine($"loads here: {loads}");
        Console.WriteLine("input schema: " + Schema(manifest["inputSchema"]));
        var stages = manifest["stages"]?.AsArray() ?? new JsonArray();
        var table = new Table().AddColumns("#", "kind", "options", "entries");
        for (var i = 0; i < stages.Count; i++)
        {
            var s = stages[i]!;
            var prefix = $"stages/{i:D3}/";
            var files = entries.Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Select(e => $"{e.Name[prefix.Length..]} {Size(e.Size)}");
            table.AddRow(Markup.Escape(i.ToString()), Markup.Escape(s["kind"]?.ToString() ?? "?"),
                Markup.Escape(Options(s["options"])), Markup.Escape(string.Join(", ", files)));
        }
        AnsiConsole.Write(table);
        if (stages.Count > 0) Console.WriteLine("output schema: " + Schema(stages[^1]!["outputSchema"]));
        return 0;
    }

    private static string Schema(JsonNode? schema) => schema is JsonArray a
        ? string.Join(", ", a.Select(c => $"{c!["name"]} ({Type(c["type"])})"))
        : "(none)";

    private static string Type(JsonNode? t) => t?["kind"]?.ToString() switch
    {
        "image" => $"image {t["channels"]}x{t["height"]}x{t["width"]}",
        "vector" => $"vector {t["item"]} [{string.Join(", ", t["dims"]!.AsArray().Select(d => d!.ToString()))}]",
        "key" => $"key of {t["count"]}",
        var k => k ?? "?",
    };

    // Options other than null ones, one "name=value" each; nested objects inline.
    private static string Options(JsonNode? options) => options is JsonObject o
        ? string.Join(" ", o.Where(kv => kv.Value is not null).Select(kv => $"{kv.Key}={kv.Value!.ToJsonString()}"))
        : "";

    private static string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:F1} MB" : bytes >= 1024 ? $"{bytes / 1024.0:F1} KB" : $"{bytes} B";
}
