using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TorchSharp;
using ML.Generative.Serialization;

namespace ML.Generative.Pipeline;

/// <summary>
/// What one stage writes into the model zip: its component <see cref="Kind"/> (the name it is registered
/// under in <see cref="ModelComponentRegistry"/>), its options as JSON, and named binary entries (weights,
/// statistics). Entries are byte arrays or streams, so weight formats (safetensors) plug in as helpers.
/// </summary>
public sealed partial class ModelSaveContext
{
    private readonly Dictionary<string, byte[]> entries = new(StringComparer.Ordinal);

    internal ModelSaveContext(int stageIndex) => StageIndex = stageIndex;

    /// <summary>The stage's position in the pipeline (0 = first).</summary>
    public int StageIndex { get; }

    /// <summary>The stable kind name the stage is loaded back by; required.</summary>
    public string? Kind { get; private set; }

    /// <summary>The stage's options, as JSON.</summary>
    public JsonNode? Options { get; private set; }

    internal IReadOnlyDictionary<string, byte[]> Entries => entries;

    /// <summary>Sets the kind name (letters, digits, '.', '-', '_'; registered in <see cref="ModelComponentRegistry"/>).</summary>
    public ModelSaveContext SetKind(string kind)
    {
        if (!ModelComponentRegistry.IsValidKind(kind)) throw new ArgumentException($"'{kind}' is not a valid component kind name", nameof(kind));
        Kind = kind;
        return this;
    }

    /// <summary>Stores <paramref name="options"/> serialized with System.Text.Json (public properties).</summary>
    public ModelSaveContext SetOptions<T>(T options)
    {
        Options = JsonSerializer.SerializeToNode(options, ModelJson.Options);
        return this;
    }

    /// <summary>Adds a named binary entry (name: letters, digits, '.', '-', '_'; at most 100 characters).</summary>
    public ModelSaveContext AddEntry(string name, byte[] data)
    {
        CheckEntryName(name);
        if (!entries.TryAdd(name, data)) throw new ArgumentException($"stage {StageIndex} already has an entry '{name}'", nameof(name));
        return this;
    }

    /// <summary>Adds a named binary entry written by <paramref name="write"/>.</summary>
    public ModelSaveContext AddEntry(string name, Action<Stream> write)
    {
        using var ms = new MemoryStream();
        write(ms);
        return AddEntry(name, ms.ToArray());
    }

    /// <summary>Adds named tensors (weights) as one safetensors entry; read them back with <see cref="ModelLoadContext.ReadTensors"/>.</summary>
    public ModelSaveContext AddTensors(string name, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AddEntry(name, s => SafeTensors.Save(s, tensors, metadata));

    internal static void CheckEntryName(string name)
    {
        if (name is null || !EntryName().IsMatch(name) || name.Contains(".."))
            throw new ArgumentException($"'{name}' is not a valid entry name (letters, digits, '.', '-', '_', at most 100, no '..')", nameof(name));
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex EntryName();
}

/// <summary>What a stage's loader reads back: its kind, options and entries, checked and bounded.</summary>
public sealed class ModelLoadContext
{
    private readonly IReadOnlyDictionary<string, byte[]> entries;

    internal ModelLoadContext(int stageIndex, string kind, JsonNode? options, IReadOnlyDictionary<string, byte[]> entries,
        DataViewSchema inputSchema, int formatVersion)
    {
        (StageIndex, Kind, Options, this.entries, InputSchema, FormatVersion) = (stageIndex, kind, options, entries, inputSchema, formatVersion);
    }

    /// <summary>The stage's position in the pipeline.</summary>
    public int StageIndex { get; }
    /// <summary>The kind name it was saved under.</summary>
    public string Kind { get; }
    /// <summary>The options JSON as saved (may be null).</summary>
    public JsonNode? Options { get; }
    /// <summary>The schema the stage receives.</summary>
    public DataViewSchema InputSchema { get; }
    /// <summary>The model zip format version of the file being read.</summary>
    public int FormatVersion { get; }
    /// <summary>The names of the stage's entries.</summary>
    public IEnumerable<string> EntryNames => entries.Keys;

    /// <summary>The options deserialized as <typeparamref name="T"/>; a clear error when they do not fit.</summary>
    public T GetOptions<T>() where T : class
    {
        try
        {
            return Options?.Deserialize<T>(ModelJson.Options)
                   ?? throw new InvalidDataException($"stage {StageIndex} ({Kind}) has no options");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"stage {StageIndex} ({Kind}): its options do not read as {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>True when the stage has an entry named <paramref name="name"/>.</summary>
    public bool HasEntry(string name) => entries.ContainsKey(name);

    /// <summary>The bytes of entry <paramref name="name"/>; a clear error when it is missing.</summary>
    public byte[] ReadEntry(string name) => entries.TryGetValue(name, out var b)
        ? b : throw new InvalidDataException($"stage {StageIndex} ({Kind}) has no entry '{name}' (entries: {string.Join(", ", entries.Keys)})");

    /// <summary>The tensors of a safetensors entry written by <see cref="ModelSaveContext.AddTensors"/>, on <paramref name="device"/>
    /// (default CPU). The entry is untrusted: the safetensors reader checks its header, offsets and sizes.</summary>
    public Dictionary<string, torch.Tensor> ReadTensors(string name, torch.Device? device = null)
    {
        try
        {
            return SafeTensors.Load(OpenEntry(name), $"stage {StageIndex} ({Kind}) entry '{name}'", device);
        }
        catch (Exception e) when (e is not InvalidDataException and (IOException or FormatException or ArgumentException or ExternalException))
        {
            throw new InvalidDataException($"stage {StageIndex} ({Kind}) entry '{name}' is not valid safetensors: {e.Message}", e);
        }
    }

    /// <summary>Entry <paramref name="name"/> as a read-only stream.</summary>
    public Stream OpenEntry(string name) => new MemoryStream(ReadEntry(name), writable: false);
}

internal static class ModelJson
{
    internal static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        // Options from a file are untrusted: bounded depth, no polymorphic type names.
        MaxDepth = 32,
    };
}
