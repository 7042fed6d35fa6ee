using ML.Generative.Serialization;
using SkiaSharp;

namespace ML.Generative.Data;

/// <summary>The channels an image is decoded to.</summary>
public enum ImageColorMode
{
    /// <summary>As stored: gray stays gray, RGB stays RGB, RGBA stays RGBA; gray+alpha becomes gray.</summary>
    Auto,
    /// <summary>One channel (luma, ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B).</summary>
    Gray,
    /// <summary>Three channels.</summary>
    Rgb,
    /// <summary>Four channels (opaque alpha added where there is none).</summary>
    Rgba,
}

/// <summary>What happens to an alpha channel when the target has none.</summary>
public enum AlphaHandling
{
    /// <summary>Blend the pixel over the background colour: c·a + bg·(1 − a).</summary>
    Composite,
    /// <summary>Ignore alpha and keep the colour as stored.</summary>
    Drop,
}

/// <summary>How images are decoded.</summary>
public sealed record ImageDecodeOptions
{
    /// <summary>The channels to decode to (default: as stored).</summary>
    public ImageColorMode ColorMode { get; init; } = ImageColorMode.Auto;
    /// <summary>Alpha compositing or dropping (default: composite).</summary>
    public AlphaHandling Alpha { get; init; } = AlphaHandling.Composite;
    /// <summary>The background RGB colour for compositing (default: white).</summary>
    public (byte R, byte G, byte B) Background { get; init; } = (255, 255, 255);
    /// <summary>Images larger than this many pixels are rejected before decoding (default 64 megapixels).</summary>
    public long MaxPixels { get; init; } = 64L << 20;
}

/// <summary>An image file that could not be decoded; the message names the file and the decoder's reason.</summary>
public sealed class ImageDecodeException(string? source, string reason)
    : IOException($"{source ?? "image"}: cannot decode image: {reason}")
{
    /// <summary>The file (or other source) of the image.</summary>
    public string? FilePath { get; } = source;
    /// <summary>The decoder's reason.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// Decodes PNG (8- and 16-bit), JPEG, BMP, GIF (first frame), WebP, ICO and WBMP with SkiaSharp (16-bit PNG with a
/// small reader of its own, as Skia keeps only 8 of its bits), and encodes PNG, JPEG and BMP. Decoded files are
/// untrusted: the header is read first and the size bounded before any pixel memory is allocated.
/// </summary>
public static unsafe class ImageCodec
{
    /// <summary>Decodes an image file's bytes; <paramref name="source"/> names it in errors.</summary>
    public static ImageData Decode(ReadOnlySpan<byte> bytes, string? source = null, ImageDecodeOptions? options = null)
    {
        options ??= new ImageDecodeOptions();
        if (bytes.Length == 0) throw new ImageDecodeException(source, "the file is empty");
        var png = PngHeader.TryRead(bytes);
        if (png is { BitDepth: 16 } header)
        {
            CheckSize(header.Width, header.Height, options, source);
            ushort[] raw;
            int channels;
            try { raw = Png16Decoder.Decode(bytes, header, out channels); }
            catch (InvalidDataException e) { throw new ImageDecodeException(source, e.Message); }
            return AsStored(channels, options) ? new ImageData(header.Width, header.Height, channels, raw, source)
                : ImageConversions.Convert(Array.ConvertAll(raw, v => (float)v), header.Width, header.Height, channels, 16, options, source);
        }

        fixed (byte* p = bytes)
        {
            // The SKData borrows the caller's bytes (no copy); the codec and it are gone before the pin is released.
            using var data = SKData.Create((IntPtr)p, bytes.Length);
            using var codec = SKCodec.Create(new SKMemoryStream(data), out var created)
                ?? throw new ImageDecodeException(source, CreateError(created));
            var info = codec.Info;  // from the header only; no pixels are decoded yet
            int w = info.Width, h = info.Height;
            CheckSize(w, h, options, source);
            // Channels as stored. Skia reports gray+alpha (and gray with a tRNS colour key) as RGBA, so a PNG's
            // colour type decides gray-or-colour; alpha is there when the header says so or Skia reports some.
            var gray = png is { } h8 ? h8.IsGray : info.ColorType == SKColorType.Gray8;
            var alpha = png is { ColorType: PngHeader.GrayAlpha or PngHeader.Rgba } || info.AlphaType != SKAlphaType.Opaque;
            var c = gray ? (alpha ? 2 : 1) : (alpha ? 4 : 3);

            // Gray8 for gray files (their exact values); otherwise unpremultiplied RGBA, so colours are the file's
            // and not scaled by alpha. No colour space on the target: pixels are not colour-managed (as before).
            var target = new SKImageInfo(w, h, c == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, c == 1 ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
            if ((long)w * h * target.BytesPerPixel > Array.MaxLength)
                throw new ImageDecodeException(source, $"{w}x{h} pixels are too many to hold in memory");
            var decoded = new byte[(long)w * h * target.BytesPerPixel];
            var result = codec.GetPixels(target, decoded);
            // Skia fills what it could not read and reports IncompleteInput; a partial image is an error here.
            if (result != SKCodecResult.Success) throw new ImageDecodeException(source, DecodeError(result));

            if (c == 1) return AsStored(1, options) ? new ImageData(w, h, 1, decoded, source) : Convert(decoded, w, h, 1, 1, options, source);
            // Opaque RGB asked for as RGBA is already that: Skia wrote alpha 255, as the conversion would.
            if ((c == 4 && AsStored(4, options)) || (c == 3 && options.ColorMode == ImageColorMode.Rgba)) return new ImageData(w, h, 4, decoded, source);
            if (c == 3 && AsStored(3, options)) return new ImageData(w, h, 3, Pick(decoded, w * h, 3), source);
            return Convert(decoded, w, h, 4, c, options, source);
        }
    }

    /// <summary>Reads and decodes the image file at <paramref name="path"/>.</summary>
    public static ImageData Load(string path, ImageDecodeOptions? options = null)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new ImageDecodeException(path, e.Message); }
        return Decode(bytes, path, options);
    }

    /// <summary>PNG bytes of <paramref name="image"/> (16-bit images are written as 8-bit).</summary>
    public static byte[] EncodePng(ImageData image) =>
        Encode(image, image.Channels, pixmap => pixmap.Encode(SKPngEncoderOptions.Default), "PNG");

    /// <summary>JPEG bytes of <paramref name="image"/> at <paramref name="quality"/> (1–100); alpha is dropped by JPEG.</summary>
    public static byte[] EncodeJpeg(ImageData image, int quality = 95)
    {
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), "JPEG quality is 1 to 100");
        // Full-resolution chroma above quality 90, 4:2:0 at or below it (the split the stb encoder used before).
        var options = new SKJpegEncoderOptions(quality, quality > 90 ? SKJpegEncoderDownsample.Downsample444 : SKJpegEncoderDownsample.Downsample420,
            SKJpegEncoderAlphaOption.Ignore);
        return Encode(image, image.Channels == 1 ? 1 : 3, pixmap => pixmap.Encode(options), "JPEG");
    }

    /// <summary>BMP bytes of <paramref name="image"/> (24-bit; 32-bit with alpha for RGBA images).</summary>
    public static byte[] EncodeBmp(ImageData image) => BmpWriter.Encode(Pixels8(image), image.Width, image.Height, image.Channels);

    /// <summary>Writes <paramref name="image"/> as a PNG file, atomically (a temp file then a rename).</summary>
    public static void SavePng(ImageData image, string path)
    {
        var png = EncodePng(image);
        AtomicFile.Write(path, s => s.Write(png));
    }

    /// <summary>Encodes through a Skia pixmap of <paramref name="channels"/> (1 gray, 3 opaque RGB, 4 RGBA).</summary>
    private static byte[] Encode(ImageData image, int channels, Func<SKPixmap, SKData?> encode, string format)
    {
        if ((long)image.Width * image.Height * 4 > Array.MaxLength) throw new InvalidOperationException($"{image} is too large to encode");
        var pixels = Pixels8(image);
        // Skia has no 3-byte pixel format: RGB goes in as RGBX, which its encoders write as RGB (no alpha).
        if (channels == 3) pixels = Widen(pixels, image.Width * image.Height, image.Channels);
        var info = channels switch
        {
            1 => new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque),
            3 => new SKImageInfo(image.Width, image.Height, SKColorType.Rgb888x, SKAlphaType.Opaque),
            _ => new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul),
        };
        fixed (byte* p = pixels)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)p, info.RowBytes);
            using var data = encode(pixmap) ?? throw new InvalidOperationException($"encoding {image} as {format} failed");
            return data.ToArray();
        }
    }

    private static byte[] Pixels8(ImageData image) => image.Pixels ?? Array.ConvertAll(image.Pixels16!, v => (byte)((v + 128) / 257));

    /// <summary>RGBX pixels (X = 255) from interleaved RGB or RGBA.</summary>
    private static byte[] Widen(byte[] pixels, int count, int channels)
    {
        var rgbx = new byte[count * 4];
        for (int i = 0, s = 0, d = 0; i < count; i++, s += channels, d += 4)
        {
            rgbx[d] = pixels[s];
            rgbx[d + 1] = pixels[s + 1];
            rgbx[d + 2] = pixels[s + 2];
            rgbx[d + 3] = 255;
        }
        return rgbx;
    }

    /// <summary>Whether the stored channels are already the options' mode (then no conversion pass is made).</summary>
    private static bool AsStored(int channels, ImageDecodeOptions options) =>
        channels == options.ColorMode switch { ImageColorMode.Gray => 1, ImageColorMode.Rgb => 3, ImageColorMode.Rgba => 4, _ => channels == 2 ? -1 : channels };

    /// <summary>The first <paramref name="channels"/> of each RGBA pixel.</summary>
    private static byte[] Pick(byte[] rgba, int count, int channels)
    {
        var output = new byte[count * channels];
        for (var i = 0; i < count; i++) rgba.AsSpan(i * 4, channels).CopyTo(output.AsSpan(i * channels));
        return output;
    }

    /// <summary>Converts decoded pixels (<paramref name="decodedChannels"/> per pixel: 1 gray, 4 RGBA) holding
    /// <paramref name="c"/> stored channels (gray+alpha sits in R and A) to the options' mode.</summary>
    private static ImageData Convert(byte[] decoded, int w, int h, int decodedChannels, int c, ImageDecodeOptions options, string? source)
    {
        var n = w * h;
        var values = new float[(long)n * c];
        for (var i = 0; i < n; i++)
        {
            var s = i * decodedChannels;
            var d = i * c;
            switch (c)
            {
                case 1: values[d] = decoded[s]; break;
                case 2: values[d] = decoded[s]; values[d + 1] = decoded[s + 3]; break;
                default: for (var k = 0; k < c; k++) values[d + k] = decoded[s + k]; break;
            }
        }
        return ImageConversions.Convert(values, w, h, c, 8, options, source);
    }

    /// <summary>Rejects an image over the options' pixel limit, from its header alone.</summary>
    private static void CheckSize(int w, int h, ImageDecodeOptions options, string? source)
    {
        if ((long)w * h > options.MaxPixels)
            throw new ImageDecodeException(source, $"{w}x{h} pixels exceeds the limit of {options.MaxPixels}");
    }

    // Skia names no format when none matches; a file it half recognises (TGA looks like WBMP to it) fails as
    // invalid input, and too few bytes to recognise anything as incomplete input.
    private static string CreateError(SKCodecResult result) =>
        "not a supported image format (PNG, JPEG, BMP, GIF, WebP, ICO, WBMP), or its header is " +
        $"{(result == SKCodecResult.IncompleteInput ? "cut short" : "corrupt")} (Skia: {result})";

    private static string DecodeError(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the image data ends early (truncated file)",
        SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput => $"the image data is corrupt (Skia: {result})",
        _ => $"decoding failed (Skia: {result})",
    };
}
