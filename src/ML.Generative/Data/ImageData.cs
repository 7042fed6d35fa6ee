namespace ML.Generative.Data;

/// <summary>
/// A decoded image: <see cref="Height"/> x <see cref="Width"/> pixels of <see cref="Channels"/> interleaved
/// samples (1 gray, 3 RGB, 4 RGBA), 8 bits (<see cref="Pixels"/>) or 16 bits (<see cref="Pixels16"/>) each,
/// rows top to bottom. The value type of <see cref="ImageDataViewType"/> columns.
/// </summary>
public sealed class ImageData
{
    /// <summary>An 8-bit image over <paramref name="pixels"/> (height x width x channels, not copied).</summary>
    public ImageData(int width, int height, int channels, byte[] pixels, string? source = null)
    {
        Check(width, height, channels, pixels.Length);
        (Width, Height, Channels, Pixels, Source) = (width, height, channels, pixels, source);
    }

    /// <summary>A 16-bit image over <paramref name="pixels"/> (height x width x channels, not copied).</summary>
    public ImageData(int width, int height, int channels, ushort[] pixels, string? source = null)
    {
        Check(width, height, channels, pixels.Length);
        (Width, Height, Channels, Pixels16, Source) = (width, height, channels, pixels, source);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>Samples per pixel: 1 (gray), 3 (RGB) or 4 (RGBA).</summary>
    public int Channels { get; }
    /// <summary>8 or 16.</summary>
    public int BitDepth => Pixels16 is not null ? 16 : 8;
    /// <summary>The largest sample value: 255 or 65535.</summary>
    public float MaxValue => Pixels16 is not null ? 65535f : 255f;
    /// <summary>The samples of an 8-bit image (null for 16-bit).</summary>
    public byte[]? Pixels { get; }
    /// <summary>The samples of a 16-bit image (null for 8-bit).</summary>
    public ushort[]? Pixels16 { get; }
    /// <summary>Where the image came from (a file path), for error messages; may be null.</summary>
    public string? Source { get; }

    /// <summary>The sample at row <paramref name="y"/>, column <paramref name="x"/>, channel <paramref name="c"/>.</summary>
    public int this[int y, int x, int c]
    {
        get
        {
            var i = (y * Width + x) * Channels + c;
            return Pixels16 is not null ? Pixels16[i] : Pixels![i];
        }
    }

    /// <summary>The sample at flat index <paramref name="i"/> as a float in 0 .. <see cref="MaxValue"/>.</summary>
    internal float Sample(int i) => Pixels16 is not null ? Pixels16[i] : Pixels![i];

    /// <summary>A new image of the same depth from float samples in 0 .. MaxValue (rounded, clamped).</summary>
    internal static ImageData FromFloats(int width, int height, int channels, ReadOnlySpan<float> samples, int bitDepth, string? source)
    {
        if (bitDepth == 16)
        {
            var p = new ushort[samples.Length];
            for (var i = 0; i < p.Length; i++) p[i] = (ushort)Math.Clamp(MathF.Round(samples[i]), 0, 65535);
            return new ImageData(width, height, channels, p, source);
        }
        var b = new byte[samples.Length];
        for (var i = 0; i < b.Length; i++) b[i] = (byte)Math.Clamp(MathF.Round(samples[i]), 0, 255);
        return new ImageData(width, height, channels, b, source);
    }

    private static void Check(int width, int height, int channels, int length)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} is not positive");
        if (channels is not (1 or 3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), $"images have 1, 3 or 4 channels, not {channels}");
        if ((long)width * height * channels != length)
            throw new ArgumentException($"{width}x{height}x{channels} needs {(long)width * height * channels} samples, {length} were given");
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Width}x{Height}x{Channels} ({BitDepth}-bit){(Source is not null ? " " + Source : "")}";
}
