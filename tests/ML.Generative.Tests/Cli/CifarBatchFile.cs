namespace ML.Generative.Tests.Cli;

/// <summary>Writes files in CIFAR-10's binary layout (per record: a label byte, then 3x32x32 bytes as R, G, B
/// planes) with random pixels and labels cycling 0..9, for commands that read CIFAR batches.</summary>
internal static class CifarBatchFile
{
    internal static void Write(string path, int records, int seed = 0)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var record = new byte[3073];
        using var f = File.Create(path);
        for (var i = 0; i < records; i++)
        {
            new Random(seed + i).NextBytes(record);
            record[0] = (byte)(i % 10);
            f.Write(record);
        }
    }
}
