using ML.Generative.Data.Native;
using ML.Generative.Torch.Native;
using System.Runtime.InteropServices;

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
/// Decodes PNG (8- and 16-bit), JPEG, BMP, GIF (first frame), TGA, PSD and PNM with stb in the native shim,
/// and encodes PNG, JPEG and BMP. Decoded files are untrusted: the header is read first and the size bounded.
/// </summary>
public static unsafe class ImageCodec
{
    /// <summary>Decodes an image file's bytes; <paramref name="source"/> names it in errors.</summary>
    public static ImageData Decode(ReadOnlySpan<byte> bytes, string? source = null, ImageDecodeOptions? options = null)
    {
        options ??= new ImageDecodeOptions();
        if (bytes.Length == 0) throw new ImageDecodeException(source, "the file is empty");
        fixed (byte* p = bytes)
        {
            if (ImageNative.mlg_image_info(p, bytes.Length, out var w, out var h, out var c, out var is16) != 0)
                throw new ImageDecodeException(source, TakeError());
            if ((long)w * h > options.MaxPixels)
                throw new ImageDecodeException(source, $"{w}x{h} pixels exceeds the limit of {options.MaxPixels}");
            var samples = (long)w * h * c;
            // Decoded as stored when that is already what was asked for (no conversion pass).
            var asStored = c == options.ColorMode switch { ImageColorMode.Gray => 1, ImageColorMode.Rgb => 3, ImageColorMode.Rgba => 4, _ => c == 2 ? -1 : c };
            float[] values;
            if (is16 != 0)
            {
                var raw = new ushort[samples];
                fixed (ushort* o = raw)
                    if (ImageNative.mlg_image_decode(p, bytes.Length, c, 1, o, samples * 2) != 0) throw new ImageDecodeException(source, TakeError());
                if (asStored) return new ImageData(w, h, c, raw, source);
                values = Array.ConvertAll(raw, v => (float)v);
            }
            else
            {
                var raw = new byte[samples];
                fixed (byte* o = raw)
                    if (ImageNative.mlg_image_decode(p, bytes.Length, c, 0, o, samples) != 0) throw new ImageDecodeException(source, TakeError());
                if (asStored) return new ImageData(w, h, c, raw, source);
                values = Array.ConvertAll(raw, v => (float)v);
            }
            return ImageConversions.Convert(values, w, h, c, is16 != 0 ? 16 : 8, options, source);
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
    public static byte[] EncodePng(ImageData image) => Encode(image, 0, 0);

    /// <summary>JPEG bytes of <paramref name="image"/> at <paramref name="quality"/> (1–100); alpha is dropped by JPEG.</summary>
    public static byte[] EncodeJpeg(ImageData image, int quality = 95) =>
        Encode(image, 1, quality is >= 1 and <= 100 ? quality : throw new ArgumentOutOfRangeException(nameof(quality), "JPEG quality is 1 to 100"));

    /// <summary>BMP bytes of <paramref name="image"/>.</summary>
    public static byte[] EncodeBmp(ImageData image) => Encode(image, 2, 0);

    /// <summary>Writes <paramref name="image"/> as a PNG file, atomically (a temp file then a rename).</summary>
    public static void SavePng(ImageData image, string path)
    {
        var png = EncodePng(image);
        Torch.Serialization.AtomicFile.Write(path, s => s.Write(png));
    }

    private static byte[] Encode(ImageData image, int format, int quality)
    {
        var pixels = image.Pixels ?? Array.ConvertAll(image.Pixels16!, v => (byte)((v + 128) / 257));
        IntPtr buffer;
        fixed (byte* p = pixels)
            buffer = ImageNative.mlg_image_encode(p, image.Width, image.Height, image.Channels, format, quality);
        if (buffer == IntPtr.Zero) throw new InvalidOperationException($"encoding {image} failed: {TakeError()}");
        try
        {
            var result = new byte[ImageNative.mlg_buffer_size(buffer)];
            fixed (byte* d = result) ImageNative.mlg_buffer_copy(buffer, d);
            return result;
        }
        finally
        {
            ImageNative.mlg_buffer_free(buffer);
        }
    }

    private static string TakeError()
    {
        var ptr = RuntimeNative.mlg_last_error();
        var message = ptr == IntPtr.Zero ? "unknown reason" : Marshal.PtrToStringUTF8(ptr)!;
        RuntimeNative.mlg_clear_error();
        return message;
    }
}
