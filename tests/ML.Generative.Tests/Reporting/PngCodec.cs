using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ML.Generative.Tests.Reporting;

/// <summary>A decoded 8-bit RGBA image, row-major.</summary>
public sealed record RgbaImage(int Width, int Height, byte[] Pixels)
{
    public (byte R, byte G, byte B) At(int x, int y)
    {
        var i = (y * Width + x) * 4;
        return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }
}

/// <summary>
/// The minimal PNG the report tests need: an RGB writer (filter 0 on every row) for test images, and a reader for
/// 8-bit grey/RGB/RGBA non-interlaced files with all five row filters (what Chromium writes for screenshots).
/// </summary>
public static class PngCodec
{
    private static readonly byte[] Signature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as PNG chunks use.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data, uint crc = 0)
    {
        crc = ~crc;
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>Encodes (width × height) pixels given as RGB triples per pixel.</summary>
    public static byte[] EncodeRgb(int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel)
    {
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                raw.WriteByte(r);
                raw.WriteByte(g);
                raw.WriteByte(b);
            }
        }
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());

        var png = new MemoryStream();
        png.Write(Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour RGB; compression, filter, interlace all 0
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", Array.Empty<byte>());
        return png.ToArray();
    }

    /// <summary>Decodes an 8-bit RGB or RGBA, non-interlaced PNG to RGBA, checking chunk CRCs.</summary>
    public static RgbaImage Decode(byte[] png)
    {
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(Signature)) throw new InvalidDataException("not a PNG");
        int width = 0, height = 0, channels = 0;
        var idat = new MemoryStream();
        for (var pos = 8; pos + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            var type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            if (Crc32(png.AsSpan(pos + 4, 4 + length)) != crc) throw new InvalidDataException($"bad CRC in {type}");
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                if (data[8] != 8 || data[12] != 0) throw new NotSupportedException($"bit depth {data[8]}, interlace {data[12]}");
                channels = data[9] switch { 0 => 1, 2 => 3, 6 => 4, _ => throw new NotSupportedException($"colour type {data[9]}") };
            }
            else if (type == "IDAT") idat.Write(data);
            else if (type == "IEND") break;
            pos += 12 + length;
        }

        var stride = width * channels;
        var raw = new MemoryStream();
        using (var z = new ZLibStream(new MemoryStream(idat.ToArray()), CompressionMode.Decompress)) z.CopyTo(raw);
        var bytes = raw.ToArray();
        if (bytes.Length < height * (stride + 1)) throw new InvalidDataException("image data too short");
        var current = new byte[stride];
        var previous = new byte[stride];
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            var filter = bytes[y * (stride + 1)];
            Array.Copy(bytes, y * (stride + 1) + 1, current, 0, stride);
            Unfilter(filter, current, previous, channels);
            for (var x = 0; x < width; x++)
            {
                var o = (y * width + x) * 4;
                var grey = channels == 1;
                rgba[o] = current[x * channels];
                rgba[o + 1] = current[x * channels + (grey ? 0 : 1)];
                rgba[o + 2] = current[x * channels + (grey ? 0 : 2)];
                rgba[o + 3] = channels == 4 ? current[x * channels + 3] : (byte)255;
            }
            (previous, current) = (current, previous);
        }
        return new RgbaImage(width, height, rgba);
    }

    private static void Unfilter(byte filter, byte[] row, byte[] prior, int bpp)
    {
        for (var i = 0; i < row.Length; i++)
        {
            int left = i >= bpp ? row[i - bpp] : 0, up = prior[i], upLeft = i >= bpp ? prior[i - bpp] : 0;
            var predictor = filter switch
            {
                0 => 0,
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => throw new InvalidDataException($"unknown row filter {filter}"),
            };
            row[i] = (byte)(row[i] + predictor);
        }
    }

    // The predictor closest to left + up − upLeft, ties going left, then up.
    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header[4..]);
        s.Write(header);
        s.Write(data);
        var crc = Crc32(data, Crc32(header[4..]));
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        s.Write(tail);
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
