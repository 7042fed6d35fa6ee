namespace ML.Generative.Data;

/// <summary>Channel conversions between gray, gray+alpha, RGB and RGBA, on float samples (either bit depth).</summary>
internal static class ImageConversions
{
    // ITU-R BT.601 luma weights, as PIL's "L" mode and most image libraries use.
    internal const float WR = 0.299f, WG = 0.587f, WB = 0.114f;

    /// <summary>Converts interleaved samples with <paramref name="c"/> channels (1–4) to the options' mode.</summary>
    internal static ImageData Convert(float[] v, int w, int h, int c, int bitDepth, ImageDecodeOptions o, string? source)
    {
        var max = bitDepth == 16 ? 65535f : 255f;
        var target = o.ColorMode switch
        {
            ImageColorMode.Gray => 1,
            ImageColorMode.Rgb => 3,
            ImageColorMode.Rgba => 4,
            _ => c == 2 ? 1 : c,
        };
        var hasAlpha = c is 2 or 4;
        var colorChannels = c <= 2 ? 1 : 3;
        var bg = new[] { o.Background.R * max / 255f, o.Background.G * max / 255f, o.Background.B * max / 255f };
        var n = w * h;
        var output = new float[n * target];
        Span<float> rgb = stackalloc float[3];
        for (var i = 0; i < n; i++)
        {
            var s = i * c;
            for (var k = 0; k < 3; k++) rgb[k] = v[s + (colorChannels == 1 ? 0 : k)];
            var alpha = hasAlpha ? v[s + c - 1] : max;
            if (hasAlpha && target != 4 && o.Alpha == AlphaHandling.Composite)
            {
                var a = alpha / max;
                for (var k = 0; k < 3; k++) rgb[k] = rgb[k] * a + bg[colorChannels == 1 && target == 1 ? 0 : k] * (1 - a);
                if (colorChannels == 1 && target == 1) rgb[0] = v[s] * a + Luma(bg[0], bg[1], bg[2]) * (1 - a);
            }
            var d = i * target;
            if (target == 1) output[d] = colorChannels == 1 ? rgb[0] : Luma(rgb[0], rgb[1], rgb[2]);
            else
            {
                for (var k = 0; k < 3; k++) output[d + k] = rgb[k];
                if (target == 4) output[d + 3] = alpha;
            }
        }
        return ImageData.FromFloats(w, h, target, output, bitDepth, source);
    }

    internal static float Luma(float r, float g, float b) => WR * r + WG * g + WB * b;

    /// <summary>The image with one luma channel (alpha composited on white when present).</summary>
    internal static ImageData ToGray(ImageData img)
    {
        if (img.Channels == 1) return img;
        var v = new float[img.Width * img.Height * img.Channels];
        for (var i = 0; i < v.Length; i++) v[i] = img.Sample(i);
        return Convert(v, img.Width, img.Height, img.Channels, img.BitDepth, new ImageDecodeOptions { ColorMode = ImageColorMode.Gray }, img.Source);
    }
}
