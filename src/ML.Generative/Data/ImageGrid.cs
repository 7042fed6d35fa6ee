using TorchSharp;

namespace ML.Generative.Data;

/// <summary>Turns float <c>[C, H, W]</c> values in [0, 1] into images, tiles them into a grid and writes PNGs.</summary>
public static class ImageGrid
{
    /// <summary>An 8-bit image from <c>[C, H, W]</c> values in [0, 1] (clamped, rounded).</summary>
    public static ImageData FromChw(ReadOnlySpan<float> chw, int channels, int height, int width)
    {
        if (chw.Length != channels * height * width) throw new ArgumentException($"{chw.Length} values do not make a {channels}x{height}x{width} image");
        var plane = height * width;
        var pixels = new byte[chw.Length];
        for (var c = 0; c < channels; c++)
            for (var i = 0; i < plane; i++)
                pixels[i * channels + c] = (byte)Math.Clamp(MathF.Round(chw[c * plane + i] * 255f), 0, 255);
        return new ImageData(width, height, channels, pixels);
    }

    /// <summary>Tiles equally sized images into rows of <paramref name="columns"/>, separated by <paramref name="padding"/> pixels of <paramref name="padValue"/>.</summary>
    public static ImageData Tile(IReadOnlyList<ImageData> images, int columns = 8, int padding = 2, byte padValue = 0)
    {
        if (images.Count == 0) throw new ArgumentException("no images to tile");
        var (h, w, c) = (images[0].Height, images[0].Width, images[0].Channels);
        foreach (var img in images)
            if (img.Height != h || img.Width != w || img.Channels != c)
                throw new ArgumentException($"a grid needs images of one size: {img} differs from {h}x{w}x{c}");
        columns = Math.Min(columns, images.Count);
        var rows = (images.Count + columns - 1) / columns;
        var (gw, gh) = (columns * w + (columns + 1) * padding, rows * h + (rows + 1) * padding);
        var grid = new byte[gw * gh * c];
        Array.Fill(grid, padValue);
        for (var n = 0; n < images.Count; n++)
        {
            var (oy, ox) = (padding + n / columns * (h + padding), padding + n % columns * (w + padding));
            var src = images[n].Pixels ?? Array.ConvertAll(images[n].Pixels16!, v => (byte)((v + 128) / 257));
            for (var y = 0; y < h; y++)
                Array.Copy(src, y * w * c, grid, ((oy + y) * gw + ox) * c, w * c);
        }
        return new ImageData(gw, gh, c, grid);
    }

    /// <summary>Writes a batch <c>[B, C, H, W]</c> of values in [0, 1] as one PNG grid.</summary>
    public static void Save(torch.Tensor batch, string path, int columns = 8, int padding = 2) =>
        ImageCodec.SavePng(FromBatch(batch, columns, padding), path);

    /// <summary>A batch <c>[B, C, H, W]</c> of values in [0, 1] as the bytes of one PNG grid.</summary>
    public static byte[] Png(torch.Tensor batch, int columns = 8, int padding = 2) =>
        ImageCodec.EncodePng(FromBatch(batch, columns, padding));

    private static ImageData FromBatch(torch.Tensor batch, int columns, int padding)
    {
        if (batch.dim() != 4) throw new ArgumentException($"a batch of images is [B, C, H, W], not [{string.Join(", ", batch.shape)}]");
        var s = batch.shape;
        var values = ML.Generative.Tensors.TensorData.ToFloats(batch);
        var size = (int)(s[1] * s[2] * s[3]);
        var images = Enumerable.Range(0, (int)s[0]).Select(i => FromChw(values.AsSpan(i * size, size), (int)s[1], (int)s[2], (int)s[3])).ToList();
        return Tile(images, columns, padding);
    }
}
