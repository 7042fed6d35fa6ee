using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Tensors;

/// <summary>Device names as options and the command line write them.</summary>
public static class Devices
{
    /// <summary>Parses <c>"cpu"</c>, <c>"cuda"</c> or <c>"cuda:N"</c>, with an error naming what was given
    /// (TorchSharp's own parser accepts more and says less).</summary>
    public static Device Parse(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var parts = description.Trim().ToLowerInvariant().Split(':');
        var type = parts[0] switch
        {
            "cpu" => DeviceType.CPU,
            "cuda" => DeviceType.CUDA,
            _ => throw new ArgumentException($"unknown device '{description}': expected 'cpu', 'cuda' or 'cuda:N'", nameof(description)),
        };
        if (parts.Length == 1) return type == DeviceType.CPU ? CPU : new Device(type);
        if (parts.Length == 2 && int.TryParse(parts[1], out var i) && i >= 0) return new Device(type, i);
        throw new ArgumentException($"unknown device '{description}': expected 'cpu', 'cuda' or 'cuda:N'", nameof(description));
    }
}
