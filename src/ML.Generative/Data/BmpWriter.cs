using System.Buffers.Binary;

namespace ML.Generative.Data;

/// <summary>
/// Writes BMP files, which Skia cannot encode: gray and RGB as 24-bit BGR (a plain BITMAPINFOHEADER, readable
/// everywhere), RGBA as 32-bit BGRA with a BITMAPV4HEADER whose alpha mask tells readers the fourth byte is alpha.
/// Rows are stored bottom-up, each padded to a multiple of 4 bytes.
/// </summary>
internal static class BmpWriter
{
    private const int FileHeaderSize = 14, InfoHeaderSize = 40, V4HeaderSize = 108;
    private const int PixelsPerMetre = 2835;  // 72 dpi, the customary default
    private const uint BiRgb = 0, BiBitfields = 3, LcsSRgb = 0x73524742;  // 'sRGB'

    /// <summary>The BMP file of <paramref name="width"/> x <paramref name="height"/> interleaved 8-bit samples
    /// with 1, 3 or 4 channels (rows top to bottom).</summary>
    internal static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        var alpha = channels == 4;
        var bytesPerPixel = alpha ? 4 : 3;
        var stride = ((long)width * bytesPerPixel + 3) & ~3L;
        var headers = FileHeaderSize + (alpha ? V4HeaderSize : InfoHeaderSize);
        var size = headers + stride * height;
        // The header's size fields are 32-bit.
        if (size > uint.MaxValue || size > Array.MaxLength) throw new InvalidOperationException($"a {width}x{height} image is too large for a BMP file");

        var file = new byte[size];
        var s = file.AsSpan();
        s[0] = (byte)'B';
        s[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(s[2..], (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(s[10..], (uint)headers);  // offset of the pixel data

        var info = s[FileHeaderSize..];
        BinaryPrimitives.WriteInt32LittleEndian(info, alpha ? V4HeaderSize : InfoHeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(info[4..], width);
        BinaryPrimitives.WriteInt32LittleEndian(info[8..], height);  // positive: bottom-up rows
        BinaryPrimitives.WriteUInt16LittleEndian(info[12..], 1);     // planes
        BinaryPrimitives.WriteUInt16LittleEndian(info[14..], (ushort)(bytesPerPixel * 8));
        BinaryPrimitives.WriteUInt32LittleEndian(info[16..], alpha ? BiBitfields : BiRgb);
        BinaryPrimitives.WriteUInt32LittleEndian(info[20..], (uint)(stride * height));
        BinaryPrimitives.WriteInt32LittleEndian(info[24..], PixelsPerMetre);
        BinaryPrimitives.WriteInt32LittleEndian(info[28..], PixelsPerMetre);
        if (alpha)
        {
            // Channel masks of the little-endian 32-bit pixel B, G, R, A; then the colour space (sRGB, so the
            // endpoint and gamma fields that follow stay zero).
            BinaryPrimitives.WriteUInt32LittleEndian(info[40..], 0x00FF0000);
            BinaryPrimitives.WriteUInt32LittleEndian(info[44..], 0x0000FF00);
            BinaryPrimitives.WriteUInt32LittleEndian(info[48..], 0x000000FF);
            BinaryPrimitives.WriteUInt32LittleEndian(info[52..], 0xFF000000);
            BinaryPrimitives.WriteUInt32LittleEndian(info[56..], LcsSRgb);
        }

        for (var y = 0; y < height; y++)
        {
            var src = pixels.Slice(y * width * channels, width * channels);
            var dst = s.Slice((int)(headers + stride * (height - 1 - y)), width * bytesPerPixel);
            for (var x = 0; x < width; x++)
            {
                var p = src.Slice(x * channels, channels);
                var d = dst.Slice(x * bytesPerPixel, bytesPerPixel);
                if (channels == 1) d[0] = d[1] = d[2] = p[0];
                else
                {
                    (d[0], d[1], d[2]) = (p[2], p[1], p[0]);
                    if (alpha) d[3] = p[3];
                }
            }
        }
        return file;
    }
}
