using System.Buffers.Binary;
using System.Text;

namespace ML.Generative.Fid.Npz;

/// <summary>
/// The NumPy .npy format (numpy/lib/format.py, NEP 1): magic <c>\x93NUMPY</c>, version byte pair, header
/// length (uint16 for 1.0, uint32 for 2.0 and 3.0), the header dict literal padded with spaces and a
/// newline, then the raw elements.
/// </summary>
internal static class NpyFormat
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int Alignment = 64;

    /// <summary>Parses a whole .npy file; <paramref name="where"/> names it in errors.</summary>
    /// <exception cref="NpzFormatException">The bytes are not a supported .npy array.</exception>
    public static NpyArray Read(ReadOnlySpan<byte> bytes, NpzReadOptions options, string where)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw new NpzFormatException($"{where}: not an .npy array (bad magic)");
        int major = bytes[6], minor = bytes[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new NpzFormatException($"{where}: .npy version {major}.{minor} is not supported (1.0, 2.0, 3.0 are)");
        int prefix = major == 1 ? 10 : 12;
        if (bytes.Length < prefix) throw new NpzFormatException($"{where}: truncated .npy header");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (headerLength > options.MaxHeaderBytes)
            throw new NpzFormatException($"{where}: .npy header of {headerLength} bytes exceeds the {options.MaxHeaderBytes}-byte limit");
        if (headerLength > bytes.Length - prefix) throw new NpzFormatException($"{where}: truncated .npy header");

        string text;
        try
        {
            text = NpyHeader.EncodingFor(major).GetString(bytes.Slice(prefix, (int)headerLength));
        }
        catch (DecoderFallbackException)
        {
            throw new NpzFormatException($"{where}: the .npy header is not valid UTF-8");
        }
        var header = NpyHeader.TryParse(text, options.MaxRank, out string? error)
            ?? throw new NpzFormatException($"{where}: invalid .npy header ({error})");
        var dtype = NpyDTypes.Parse(header.Descr)
            ?? throw new NpzFormatException($"{where}: dtype '{header.Descr}' is not supported (<f8, <f4 and <i8 are)");

        var data = bytes[(prefix + (int)headerLength)..];
        long numel = 1;
        foreach (long s in header.Shape)
            numel = s != 0 && numel > options.MaxArrayBytes / s ? long.MaxValue / 8 : numel * s; // saturate, then refuse below
        long needed = numel * dtype.Size();
        if (needed > options.MaxArrayBytes)
            throw new NpzFormatException($"{where}: shape ({string.Join(", ", header.Shape)}) exceeds the {options.MaxArrayBytes}-byte limit");
        if (data.Length != needed)
            throw new NpzFormatException($"{where}: shape ({string.Join(", ", header.Shape)}) of {header.Descr} needs {needed} data bytes; the file has {data.Length}");

        byte[] bytesOut = header.FortranOrder && header.Shape.Length > 1 ? FromFortranOrder(data, dtype.Size(), header.Shape, numel) : data.ToArray();
        return new NpyArray(dtype, header.Shape, bytesOut);
    }

    // Column-major data is a strided view of the same buffer: stride(k) = product of the sizes before k.
    private static byte[] FromFortranOrder(ReadOnlySpan<byte> data, int elementSize, long[] shape, long numel)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (int k = 0; k < shape.Length; k++)
        {
            strides[k] = stride;
            stride *= Math.Max(shape[k], 1);
        }
        return StridedCopy.Gather(data, elementSize, 0, shape, strides, numel);
    }

    /// <summary>Writes an array as NumPy does: version 1.0 (2.0 for a huge header), header padded to 64 bytes.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        string header = new NpyHeader(array.DType.Descr(), false, array.Shape.ToArray()).Format();
        int major = header.Length + 11 > ushort.MaxValue ? 2 : 1;
        int prefix = major == 1 ? 10 : 12;
        int padded = (prefix + header.Length + 1 + Alignment - 1) / Alignment * Alignment - prefix;
        string full = header.PadRight(padded - 1) + "\n";

        var head = new byte[prefix];
        Magic.CopyTo(head);
        head[6] = (byte)major;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(8), (ushort)full.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(8), (uint)full.Length);
        stream.Write(head);
        stream.Write(Encoding.Latin1.GetBytes(full));
        stream.Write(array.Data);
    }
}
