namespace ML.Generative.Models.Networks;

/// <summary>
/// The shape of the convolutional encoder/decoder pair shared by the autoencoder family. The default is the
/// reference architecture: a 1x1 convolution to 32 channels, then 3x3 convolutions to 64 (stride 1), 128
/// (stride 2) and 256 (stride 2), mirrored by the decoder with transposed convolutions whose kernel equals
/// their stride. Larger images add stride-2 stages (<see cref="ForImage"/>).
/// </summary>
public sealed record ConvArchitecture
{
    /// <summary>Input channels (1 for grayscale, 3 for colour).</summary>
    public int ImageChannels { get; init; } = 1;

    /// <summary>Input height and width (square images).</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>Channels after the 1x1 stem convolution.</summary>
    public int StemChannels { get; init; } = 32;

    /// <summary>The 3x3 stages: output channels and stride of each.</summary>
    public IReadOnlyList<(int Channels, int Stride)> Stages { get; init; } = new[] { (64, 1), (128, 2), (256, 2) };

    /// <summary>Whether each convolution is followed by batch normalisation (the reference does).</summary>
    public bool BatchNorm { get; init; } = true;

    /// <summary>The reference stages for an image size: 28 and 32 downsample 4x, 64 adds a stage (8x).</summary>
    public static ConvArchitecture ForImage(int channels, int size, int width = 1)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "images have 1 or 3 channels");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "width multiplier must be at least 1");
        var stages = new List<(int, int)> { (64 * width, 1), (128 * width, 2), (256 * width, 2) };
        if (size >= 64) stages.Add((256 * width, 2));
        var arch = new ConvArchitecture { ImageChannels = channels, ImageSize = size, StemChannels = 32 * width, Stages = stages };
        arch.Validate();
        return arch;
    }

    /// <summary>The spatial size after the encoder (each stride-2 stage halves it; sizes must divide evenly).</summary>
    public int BottleneckSize => ImageSize / Stages.Aggregate(1, (f, s) => f * s.Stride);

    /// <summary>Channels at the bottleneck.</summary>
    public int BottleneckChannels => Stages.Count == 0 ? StemChannels : Stages[^1].Channels;

    /// <summary>Elements of the flattened bottleneck (the encoder's output features).</summary>
    public long BottleneckFeatures => (long)BottleneckChannels * BottleneckSize * BottleneckSize;

    internal void Validate()
    {
        if (ImageSize < 1) throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "image size must be positive");
        var size = ImageSize;
        foreach (var (c, s) in Stages)
        {
            if (c < 1 || s is < 1 or > 2) throw new ArgumentException($"stage ({c} channels, stride {s}) is invalid: channels >= 1, stride 1 or 2");
            if (size % s != 0)
                throw new ArgumentException($"image size {ImageSize} cannot be halved evenly by the stride-2 stages (reached {size}); use 28, 32 or 64");
            size /= s;
        }
    }
}
