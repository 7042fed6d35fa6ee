using System.Buffers.Binary;

namespace ML.Generative.Fid.Tests;

/// <summary>Locates and reads the shared pytorch-fid reference data (shared/testdata/fid).</summary>
internal static class TestData
{
    private static readonly Lazy<string> RootDir = new(FindRoot);

    /// <summary>The folder shared/testdata/fid, found by walking up from the test assembly's folder.</summary>
    public static string Root => RootDir.Value;

    /// <summary>A path inside shared/testdata/fid.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "testdata", "fid");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"No folder shared/testdata/fid above {AppContext.BaseDirectory}.");
    }

    /// <summary>Raw little-endian float64 values.</summary>
    public static double[] ReadF64(params string[] parts)
    {
        var bytes = File.ReadAllBytes(Path(parts));
        var values = new double[bytes.Length / 8];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * 8));
        return values;
    }
}
