using System.Buffers.Binary;
using System.IO.Compression;

namespace ML.Generative.Data;

/// <summary>
/// Decodes 16-bit PNG files (gray, gray+alpha, RGB, RGBA; Adam7 interlaced or not) to their full 16-bit samples.
/// Skia decodes 16-bit PNGs only to 8-bit or half-float pixels (both lose bits), so this small reader covers
/// that one case. The input is untrusted: every chunk is bounds- and CRC-checked, and the zlib stream is read
/// only as far as the header's size needs (no decompression bomb can make it allocate more).
/// </summary>
internal static class Png16Decoder
{
    // Adam7 passes: first column, first row, column step, row step (PNG spec, 8.2).
    private static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    private static readonly (int, int, int, int)[] Progressive = [(0, 0, 1, 1)];

    private static readonly uint[] CrcTable = MakeCrcTable();

    /// <summary>
    /// The interleaved samples of a 16-bit PNG (rows top to bottom), with <paramref name="channels"/> set to 1–4:
    /// the file's channels, plus alpha when a tRNS chunk names a transparent colour. The caller has bounded
    /// the header's size. Throws <see cref="InvalidDataException"/> with the reason for a malformed file.
    /// </summary>
    internal static ushort[] Decode(ReadOnlySpan<byte> bytes, PngHeader header, out int channels)
    {
        if (header.BitDepth != 16) throw new InvalidDataException($"expected a 16-bit PNG, not {header.BitDepth}-bit");
        if (header.ColorType is not (PngHeader.Gray or PngHeader.Rgb or PngHeader.GrayAlpha or PngHeader.Rgba))
            throw new InvalidDataException($"PNG colour type {header.ColorType} cannot be 16-bit");
        if (header.Compression != 0 || header.Filter != 0) throw new InvalidDataException("unknown PNG compression or filter method");
        if (header.Interlace is not (0 or 1)) throw new InvalidDataException($"unknown PNG interlace method {header.Interlace}");

        var (idat, key) = ReadChunks(bytes, header);
        var stored = header.Channels;
        channels = stored + (key != null ? 1 : 0);
        var bytesPerPixel = stored * 2;
        int w = header.Width, h = header.Height;
        if ((long)w * h * channels > Array.MaxLength || (long)w * bytesPerPixel + 1 > Array.MaxLength)
            throw new InvalidDataException($"{w}x{h} pixels are too many to hold in memory");

        var output = new ushort[(long)w * h * channels];
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        foreach (var (x0, y0, dx, dy) in header.Interlace == 1 ? Adam7 : Progressive)
        {
            // A pass with no columns or no rows has no data at all, not even filter bytes.
            int pw = w > x0 ? (w - x0 + dx - 1) / dx : 0, ph = h > y0 ? (h - y0 + dy - 1) / dy : 0;
            if (pw == 0 || ph == 0) continue;
            var row = new byte[1 + pw * bytesPerPixel];  // the filter type byte, then the filtered samples
            var prior = new byte[pw * bytesPerPixel];    // the previous row unfiltered (zeros above the first)
            for (var r = 0; r < ph; r++)
            {
                Read(z, row);
                var line = row.AsSpan(1);
                Unfilter(row[0], line, prior, bytesPerPixel);
                var dst = ((long)(y0 + r * dy) * w + x0) * channels;
                for (var x = 0; x < pw; x++, dst += (long)dx * channels)
                {
                    var transparent = key != null;
                    for (var k = 0; k < stored; k++)
                    {
                        var v = BinaryPrimitives.ReadUInt16BigEndian(line.Slice((x * stored + k) * 2));
                        output[dst + k] = v;
                        if (key != null && v != key[k]) transparent = false;
                    }
                    if (key != null) output[dst + stored] = transparent ? (ushort)0 : ushort.MaxValue;
                }
                line.CopyTo(prior);
            }
        }
        return output;
    }

    /// <summary>Walks the chunks: the IDAT data joined (at most the file's size) and the tRNS colour key, if any.</summary>
    private static (MemoryStream Idat, ushort[]? Key) ReadChunks(ReadOnlySpan<byte> bytes, PngHeader header)
    {
        var idat = new MemoryStream();
        ushort[]? key = null;
        bool seenIdat = false, idatEnded = false;
        var pos = 8;
        while (pos < bytes.Length)  // a file cut after its last IDAT is accepted if the image data is complete
        {
            if (bytes.Length - pos < 12) throw new InvalidDataException("the file ends inside a chunk header");
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes[pos..]);
            if (length > bytes.Length - pos - 12) throw new InvalidDataException("a chunk runs past the end of the file (truncated?)");
            var type = bytes.Slice(pos + 4, 4);
            var data = bytes.Slice(pos + 8, (int)length);
            if (Crc(bytes.Slice(pos + 4, 4 + (int)length)) != BinaryPrimitives.ReadUInt32BigEndian(bytes[(pos + 8 + (int)length)..]))
                throw new InvalidDataException($"the {System.Text.Encoding.ASCII.GetString(type)} chunk's CRC does not match (corrupt file)");
            var isIdat = type.SequenceEqual("IDAT"u8);
            if (isIdat)
            {
                if (idatEnded) throw new InvalidDataException("the IDAT chunks are not consecutive");
                idat.Write(data);
                seenIdat = true;
            }
            else if (seenIdat) idatEnded = true;

            if (type.SequenceEqual("IEND"u8)) break;
            if (type.SequenceEqual("IHDR"u8) && pos != 8) throw new InvalidDataException("a second IHDR chunk");
            if (type.SequenceEqual("tRNS"u8) && !seenIdat) key = ColourKey(data, header);
            // Ancillary chunks (lower-case first letter) may be skipped; an unknown critical one may not.
            else if (!isIdat && (type[0] & 0x20) == 0 && !type.SequenceEqual("IHDR"u8) && !type.SequenceEqual("PLTE"u8))
                throw new InvalidDataException($"unknown critical PNG chunk '{System.Text.Encoding.ASCII.GetString(type)}'");
            pos += 12 + (int)length;
        }
        if (!seenIdat) throw new InvalidDataException("the file has no image data (no IDAT chunk)");
        idat.Position = 0;
        return (idat, key);
    }

    /// <summary>The transparent colour of a gray or RGB file (one 16-bit value per channel); null where tRNS does
    /// not apply or is malformed, which decoders conventionally ignore.</summary>
    private static ushort[]? ColourKey(ReadOnlySpan<byte> data, PngHeader header)
    {
        var n = header.ColorType switch { PngHeader.Gray => 1, PngHeader.Rgb => 3, _ => 0 };
        if (n == 0 || data.Length != 2 * n) return null;
        var key = new ushort[n];
        for (var k = 0; k < n; k++) key[k] = BinaryPrimitives.ReadUInt16BigEndian(data[(2 * k)..]);
        return key;
    }

    private static void Read(Stream z, byte[] row)
    {
        try
        {
            z.ReadExactly(row);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("the image data ends early (truncated file)");
        }
        catch (Exception e) when (e is InvalidDataException or IOException)  // zlib's errors (ZLibException is an IOException)
        {
            throw new InvalidDataException($"corrupt compressed image data ({e.Message})");
        }
    }

    /// <summary>Undoes a row's filter in place (PNG spec, 9.2); <paramref name="bpp"/> is bytes per pixel.</summary>
    private static void Unfilter(byte filter, Span<byte> line, ReadOnlySpan<byte> prior, int bpp)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (var i = bpp; i < line.Length; i++) line[i] += line[i - bpp];
                break;
            case 2:
                for (var i = 0; i < line.Length; i++) line[i] += prior[i];
                break;
            case 3:
                for (var i = 0; i < line.Length; i++) line[i] += (byte)(((i >= bpp ? line[i - bpp] : 0) + prior[i]) >> 1);
                break;
            case 4:
                for (var i = 0; i < line.Length; i++)
                    line[i] += i >= bpp ? Paeth(line[i - bpp], prior[i], prior[i - bpp]) : prior[i];
                break;
            default:
                throw new InvalidDataException($"unknown PNG row filter {filter}");
        }
    }

    /// <summary>The neighbour (left, above, above-left) closest to left + above − above-left.</summary>
    private static byte Paeth(byte a, byte b, byte c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    // CRC-32 with the reflected polynomial 0xEDB88320, as PNG specifies (Annex D).
    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
