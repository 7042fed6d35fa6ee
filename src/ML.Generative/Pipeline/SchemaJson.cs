using System.Text.Json.Nodes;
using ML.Generative.Data;

namespace ML.Generative.Pipeline;

/// <summary>Column types to and from the model zip's JSON (a closed set of kinds; nothing else is accepted).</summary>
internal static class SchemaJson
{
    internal static JsonArray Write(DataViewSchema schema) =>
        new(schema.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = Write(c.Type) }).ToArray());

    internal static JsonObject Write(DataViewType type) => type switch
    {
        NumberDataViewType n => new JsonObject { ["kind"] = "number", ["raw"] = n.RawType.Name },
        TextDataViewType => new JsonObject { ["kind"] = "text" },
        BooleanDataViewType => new JsonObject { ["kind"] = "boolean" },
        KeyDataViewType k => new JsonObject { ["kind"] = "key", ["count"] = k.Count },
        VectorDataViewType v => new JsonObject { ["kind"] = "vector", ["item"] = v.ItemType.RawType.Name, ["dims"] = new JsonArray(v.Dimensions.Select(d => (JsonNode)d).ToArray()) },
        ImageDataViewType i => new JsonObject { ["kind"] = "image", ["height"] = i.Height, ["width"] = i.Width, ["channels"] = i.Channels },
        _ => throw new NotSupportedException($"column type {type} cannot be saved in a model zip"),
    };

    internal static DataViewSchema ReadSchema(JsonNode? node, string where)
    {
        if (node is not JsonArray columns) throw new InvalidDataException($"{where}: the schema is not a list of columns");
        if (columns.Count > 10_000) throw new InvalidDataException($"{where}: {columns.Count} columns is more than a model zip may hold");
        var b = new DataViewSchema.Builder();
        foreach (var c in columns)
        {
            var name = c?["name"]?.GetValue<string>() ?? throw new InvalidDataException($"{where}: a column has no name");
            try { b.AddColumn(name, ReadType(c["type"], $"{where}, column '{name}'")); }
            catch (ArgumentException e) { throw new InvalidDataException($"{where}: {e.Message}", e); }
        }
        return b.ToSchema();
    }

    private static DataViewType ReadType(JsonNode? t, string where)
    {
        try
        {
            return t?["kind"]?.GetValue<string>() switch
            {
                "number" => Number(t["raw"]?.GetValue<string>(), where),
                "text" => TextDataViewType.Instance,
                "boolean" => BooleanDataViewType.Instance,
                "key" => new KeyDataViewType(t["count"]!.GetValue<ulong>()),
                "vector" => new VectorDataViewType(Number(t["item"]?.GetValue<string>(), where),
                    (t["dims"] as JsonArray ?? new JsonArray()).Take(16).Select(d => d!.GetValue<int>()).ToArray()),
                "image" => new ImageDataViewType(t["height"]!.GetValue<int>(), t["width"]!.GetValue<int>(), t["channels"]!.GetValue<int>()),
                var k => throw new InvalidDataException($"{where}: unknown column type kind '{k}'"),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or NullReferenceException or OverflowException)
        {
            throw new InvalidDataException($"{where}: malformed column type: {e.Message}", e);
        }
    }

    private static NumberDataViewType Number(string? raw, string where) =>
        NumberDataViewType.All.FirstOrDefault(n => n.RawType.Name == raw) ?? throw new InvalidDataException($"{where}: unknown number type '{raw}'");
}
