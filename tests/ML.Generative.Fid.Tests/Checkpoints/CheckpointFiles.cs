using System.IO.Compression;

namespace ML.Generative.Fid.Tests.Checkpoints;

/// <summary>Builds checkpoint files around hand-made pickles.</summary>
internal static class CheckpointFiles
{
    /// <summary>A zip checkpoint: archive/data.pkl plus float32 storages archive/data/&lt;key&gt;.</summary>
    public static byte[] Zip(byte[] pickle, params (string Key, float[] Values)[] storages)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "archive/data.pkl", pickle);
            foreach (var (key, values) in storages)
            {
                var bytes = new byte[values.Length * 4];
                Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
                Add(zip, "archive/data/" + key, bytes);
            }
            Add(zip, "archive/version", "3\n"u8.ToArray());
        }
        return ms.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] data)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        s.Write(data);
    }

    /// <summary>A legacy checkpoint: the real file's first three pickles, then the given object pickle and key list.</summary>
    public static byte[] Legacy(byte[] objectPickle, byte[] keyListPickle, byte[]? records = null)
    {
        // Bytes [0, 137) of shared_legacy.pth: magic number, protocol version, sys_info (manifest offsets).
        var prefix = CheckpointReference.Bytes("shared_legacy.pth")[..137];
        return [.. prefix, .. objectPickle, .. keyListPickle, .. records ?? []];
    }
}
