using System.Text;

namespace ML.Generative.Fid.Tests.Npz;

/// <summary>Hand-made .npy files: any version, header text and data, to test the reader's edges.</summary>
internal static class NpyBytes
{
    public static byte[] Make(string header, byte[] data, int major = 1)
    {
        var h = (major >= 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header + "\n");
        var prefix = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        if (major == 1) prefix.AddRange(BitConverter.GetBytes((ushort)h.Length));
        else prefix.AddRange(BitConverter.GetBytes((uint)h.Length));
        return [.. prefix, .. h, .. data];
    }

    public static byte[] Doubles(params double[] values)
    {
        var b = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, b, 0, b.Length);
        return b;
    }
}
