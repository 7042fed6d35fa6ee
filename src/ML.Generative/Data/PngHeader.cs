using System.Buffers.Binary;

namespace ML.Generative.Data;

/// <summary>
/// The fields of a PNG file's IHDR chunk. Read by <see cref="ImageCodec"/> because Skia's decoder info hides two
/// things the codec needs: the bit depth (16-bit files go to <see cref="Png16Decoder"/>) and whether a file
/// stores gray+alpha (Skia reports it as RGBA).
/// </summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, int ColorType, int Compression, int Filter, int Interlace)
{
    /// <summary>PNG colour types (PNG spec, 11.2.2).</summary>
    internal const int Gray = 0, Rgb = 2, Palette = 3, GrayAlpha = 4, Rgba = 6;

    /// <summary>The 8-byte signature that starts every PNG file.</summary>
    internal static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Stored channels before any tRNS chunk: 1 gray, 2 gray+alpha, 3 RGB or palette, 4 RGBA.</summary>
    internal int Channels => ColorType switch { Gray => 1, GrayAlpha => 2, Rgba => 4, _ => 3 };

    /// <summary>True for gray and gray+alpha files.</summary>
    internal bool IsGray => ColorType is Gray or GrayAlpha;

    /// <summary>
    /// The header of <paramref name="bytes"/> when they start with the PNG signature and an IHDR chunk; null
    /// otherwise (not a PNG, or too short to tell; the decoder then reports the file's problem).
    /// </summary>
    internal static PngHeader? TryRead(ReadOnlySpan<byte> bytes)
    {
        // signature (8), chunk length (4) = 13, "IHDR" (4), then 13 bytes of fields.
        if (bytes.Length < 8 + 8 + 13 || !bytes[..8].SequenceEqual(Signature)) return null;
        if (BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]) != 13 || !bytes.Slice(12, 4).SequenceEqual("IHDR"u8)) return null;
        var f = bytes.Slice(16, 13);
        var width = BinaryPrimitives.ReadUInt32BigEndian(f);
        var height = BinaryPrimitives.ReadUInt32BigEndian(f[4..]);
        // The spec caps both at 2^31 - 1; zero is invalid. Out-of-range values are left to the decoder to reject.
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue) return null;
        return new PngHeader((int)width, (int)height, f[8], f[9], f[10], f[11], f[12]);
    }
}
