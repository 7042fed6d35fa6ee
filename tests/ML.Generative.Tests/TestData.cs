using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Tests;

/// <summary>Real images for tests: Fashion-MNIST from the Debian package, read with a minimal IDX parser
/// written here independently of the library's loaders.</summary>
internal static class TestData
{
    internal const string FashionMnistDir = "/usr/share/datasets/fashion-mnist";

    /// <summary>The first <paramref name="count"/> images of a Fashion-MNIST file as (N, 1, 28, 28) floats in [0, 1],
    /// and their labels.</summary>
    internal static (Tensor images, byte[] labels) FashionMnist(int count, bool train = true, int skip = 0)
    {
        var prefix = train ? "train" : "t10k";
        var pixels = ReadIdx(Path.Combine(FashionMnistDir, $"{prefix}-images-idx3-ubyte.gz"), 16, (skip + count) * 784)[(skip * 784)..];
        var labels = ReadIdx(Path.Combine(FashionMnistDir, $"{prefix}-labels-idx1-ubyte.gz"), 8, skip + count)[skip..];
        var floats = pixels.Select(b => b / 255f).ToArray();
        return (tensor(floats, new long[] { count, 1, 28, 28 }), labels);
    }

    private static byte[] ReadIdx(string path, int headerBytes, int bytes)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var header = new byte[headerBytes];
        gz.ReadExactly(header);
        var data = new byte[bytes];
        gz.ReadExactly(data);
        return data;
    }
}
