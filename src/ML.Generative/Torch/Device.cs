namespace ML.Generative.Torch;

/// <summary>Where a tensor lives: <c>cpu</c>, or <c>cuda</c> with a device index.</summary>
public sealed record Device(DeviceType type, int index = -1)
{
    public static readonly Device CPU = new(DeviceType.CPU);

    /// <summary>Parses <c>"cpu"</c>, <c>"cuda"</c> or <c>"cuda:1"</c>.</summary>
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

    public override string ToString() => type == DeviceType.CPU ? "cpu" : index < 0 ? "cuda" : $"cuda:{index}";
}

public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
}

public static partial class torch
{
    public static readonly Device CPU = Device.CPU;
    public static Device device(string description) => Device.Parse(description);
}
