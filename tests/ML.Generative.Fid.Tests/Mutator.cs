namespace ML.Generative.Fid.Tests;

/// <summary>Byte-level mutations for fuzz tests: flips, interesting values, truncation, splices.</summary>
internal static class Mutator
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, (byte)'(', (byte)'.', (byte)'q', (byte)'h', 0x8a];

    public static byte[] Mutate(byte[] original, Random rng)
    {
        var data = (byte[])original.Clone();
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits && data.Length > 0; e++)
        {
            int at = rng.Next(data.Length);
            switch (rng.Next(6))
            {
                case 0: data[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: data[at] = Interesting[rng.Next(Interesting.Length)]; break;
                case 2: data[at] = (byte)rng.Next(256); break;
                case 3: data = data[..at]; break;
                case 4: // duplicate a short run in place
                    {
                        int len = Math.Min(1 + rng.Next(16), data.Length - at);
                        data = [.. data[..at], .. data.AsSpan(at, len), .. data[at..]];
                        break;
                    }
                default: // delete a short run
                    {
                        int len = Math.Min(1 + rng.Next(16), data.Length - at);
                        data = [.. data[..at], .. data[(at + len)..]];
                        break;
                    }
            }
        }
        return data;
    }
}
