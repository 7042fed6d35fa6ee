using System.Runtime.InteropServices;

namespace ML.Generative.Fid;

/// <summary>Conversions between numeric arrays and little-endian bytes (the byte order of every format read here).</summary>
internal static class LittleEndian
{
    /// <summary>The values' little-endian bytes.</summary>
    public static byte[] ToBytes<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian) Reverse<T>(bytes);
        return bytes;
    }

    /// <summary>Values from little-endian bytes (the length must be a multiple of the element size).</summary>
    public static T[] FromBytes<T>(ReadOnlySpan<byte> bytes) where T : unmanaged
    {
        var values = MemoryMarshal.Cast<byte, T>(bytes).ToArray();
        if (!BitConverter.IsLittleEndian) Reverse<T>(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Swaps the bytes of every element in place (only needed on big-endian machines).</summary>
    public static void Reverse<T>(Span<byte> bytes) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        for (int i = 0; i + size <= bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }
}
