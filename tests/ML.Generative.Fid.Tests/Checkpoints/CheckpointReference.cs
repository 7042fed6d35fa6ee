using System.Text.Json;
using TorchSharp;

namespace ML.Generative.Fid.Tests.Checkpoints;

/// <summary>The checkpoints/ reference files: the expected tensors, in order, as manifest.json lists them.</summary>
internal static class CheckpointReference
{
    public static readonly Lazy<JsonElement> Manifest = new(() =>
        JsonDocument.Parse(File.ReadAllText(TestData.Path("checkpoints", "manifest.json"))).RootElement);

    public record Expected(string Key, torch.ScalarType DType, long[] Shape, byte[] Bytes);

    /// <summary>"tiny" or "shared": the expected tensors in state-dict order.</summary>
    public static List<Expected> Tensors(string model) =>
        Manifest.Value.GetProperty(model + "_keys").EnumerateArray().Select(k => new Expected(
            k.GetProperty("key").GetString()!,
            k.GetProperty("dtype").GetString() switch
            {
                "float32" => torch.ScalarType.Float32,
                "float64" => torch.ScalarType.Float64,
                "int64" => torch.ScalarType.Int64,
                var other => throw new InvalidDataException(other),
            },
            k.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()).ToArray(),
            File.ReadAllBytes(TestData.Path("checkpoints", k.GetProperty("file").GetString()!)))).ToList();

    public static byte[] Bytes(string name) => File.ReadAllBytes(TestData.Path("checkpoints", name));

    public static IEnumerable<object[]> Files() => new[]
    {
        new object[] { "tiny_legacy.pth", "tiny" }, new object[] { "tiny_zip.pth", "tiny" },
        new object[] { "shared_legacy.pth", "shared" }, new object[] { "shared_zip.pth", "shared" },
    };
}
