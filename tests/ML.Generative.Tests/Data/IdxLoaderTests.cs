using System.IO.Compression;
using ML.Generative.Data;

namespace ML.Generative.Tests.Data;

public class IdxLoaderTests
{
    private readonly GenerativeContext ctx = new(seed: 1);

    [Fact]
    public void FashionMnistTrain_Has60000ImagesOf28x28_And6000PerClass()
    {
        var view = ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Train);
        Assert.Equal(60000, view.GetRowCount());
        Assert.Equal(new ImageDataViewType(28, 28, 1), view.Schema["Image"].Type);
        Assert.Equal(new KeyDataViewType(10), view.Schema["Label"].Type);
        var labels = DataTestKit.Column<uint>(view, "Label");
        // Fashion-MNIST is balanced: 6,000 training images per class; the first is an ankle boot (9).
        Assert.All(labels.GroupBy(l => l), g => Assert.Equal(6000, g.Count()));
        Assert.Equal(9u, labels[0]);
    }

    [Fact]
    public void MnistTestSet_LabelCountsMatchThePublishedOnes_AndSplitIs8000And2000()
    {
        var all = ctx.Data.LoadIdx(Path.Combine(DataTestKit.MnistDir, "t10k-images-idx3-ubyte.gz"), Path.Combine(DataTestKit.MnistDir, "t10k-labels-idx1-ubyte.gz"));
        var labels = DataTestKit.Column<uint>(all, "Label");
        // The MNIST test set's class sizes, as published with the data set.
        Assert.Equal(new[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 },
            Enumerable.Range(0, 10).Select(c => labels.Count(l => l == c)).ToArray());
        var train = ctx.Data.LoadDataset("mnist", DatasetSplit.Train);
        var test = ctx.Data.LoadDataset("mnist", DatasetSplit.Test);
        Assert.Equal(8000, train.GetRowCount());
        Assert.Equal(2000, test.GetRowCount());
        Assert.Equal(labels.Take(8000), DataTestKit.Column<uint>(train, "Label"));
        Assert.Equal(labels.Skip(8000), DataTestKit.Column<uint>(test, "Label"));
    }

    [Fact]
    public void Pixels_MatchAnIndependentPythonReader()
    {
        var images = Path.Combine(DataTestKit.MnistDir, "t10k-images-idx3-ubyte.gz");
        var expected = DataTestKit.Python(
            "import gzip,sys; d=gzip.open(sys.argv[1]).read()[16:]; n=784\n" +
            "print(' '.join(str(sum(d[i*n:(i+1)*n])) for i in (0,1,9999)), d[14*28+14], d[9999*n+400])", images);
        var view = ctx.Data.LoadIdx(images);
        var imgs = DataTestKit.Column<ImageData>(view, "Image");
        var actual = $"{imgs[0].Pixels!.Sum(b => b)} {imgs[1].Pixels!.Sum(b => b)} {imgs[9999].Pixels!.Sum(b => b)} {imgs[0][14, 14, 0]} {imgs[9999].Pixels![400]}";
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void RawAndGzipFiles_ReadTheSame()
    {
        var dir = DataTestKit.TempDir();
        var raw = WriteIdx(dir, "raw.idx", 3, 2, 2, gzip: false);
        var gz = WriteIdx(dir, "gz.idx.gz", 3, 2, 2, gzip: true);
        var a = DataTestKit.Column<ImageData>(ctx.Data.LoadIdx(raw), "Image");
        var b = DataTestKit.Column<ImageData>(ctx.Data.LoadIdx(gz), "Image");
        Assert.Equal(3, a.Count);
        Assert.Equal(new byte[] { 4, 5, 6, 7 }, a[1].Pixels);
        Assert.Equal(a.Select(i => i.Pixels!), b.Select(i => i.Pixels!));
    }

    [Fact]
    public void TruncatedFile_ErrorNamesTheFile()
    {
        var dir = DataTestKit.TempDir();
        var path = WriteIdx(dir, "t.idx", 3, 2, 2, gzip: false);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        var e = Assert.Throws<InvalidDataException>(() => ctx.Data.LoadIdx(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void HugeDeclaredSize_IsRejectedBeforeAllocating()
    {
        var path = Path.Combine(DataTestKit.TempDir(), "huge.idx");
        // [65535, 65535, 65535] unsigned bytes: 2.8e14 bytes declared in a 16-byte file.
        File.WriteAllBytes(path, new byte[] { 0, 0, 8, 3, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255 });
        var e = Assert.Throws<InvalidDataException>(() => ctx.Data.LoadIdx(path));
        Assert.Contains("more than", e.Message);
    }

    [Fact]
    public void BadMagicAndLabelCountMismatch_AreClearErrors()
    {
        var dir = DataTestKit.TempDir();
        var notIdx = Path.Combine(dir, "x.png");
        File.WriteAllBytes(notIdx, new byte[] { 0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0 });
        Assert.Contains("not an IDX file", Assert.Throws<InvalidDataException>(() => ctx.Data.LoadIdx(notIdx)).Message);
        var images = WriteIdx(dir, "i.idx", 3, 2, 2, gzip: false);
        var labels = Path.Combine(dir, "l.idx");
        File.WriteAllBytes(labels, new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 1, 2 });
        var e = Assert.Throws<InvalidDataException>(() => ctx.Data.LoadIdx(images, labels));
        Assert.Contains("2 labels", e.Message);
        Assert.Contains("3 images", e.Message);
    }

    /// <summary>An IDX file of n images h x w whose bytes count up from 0.</summary>
    internal static string WriteIdx(string dir, string name, int n, int h, int w, bool gzip)
    {
        var path = Path.Combine(dir, name);
        using var file = File.Create(path);
        using Stream s = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        s.Write(new byte[] { 0, 0, 8, 3 });
        foreach (var d in new[] { n, h, w }) s.Write(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        for (var i = 0; i < n * h * w; i++) s.WriteByte((byte)i);
        return path;
    }
}
