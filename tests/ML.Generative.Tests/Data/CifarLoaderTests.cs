using ML.Generative.Data;

namespace ML.Generative.Tests.Data;

public class CifarLoaderTests
{
    private readonly GenerativeContext ctx = new(seed: 1);

    // A record as the CIFAR binary format defines it: label byte(s), then 1024 red, 1024 green, 1024 blue bytes.
    private static byte[] Record(byte[] labels, Func<int, int, byte> pixel) =>
        labels.Concat(Enumerable.Range(0, 3).SelectMany(ch => Enumerable.Range(0, 1024).Select(i => pixel(ch, i)))).ToArray();

    [Fact]
    public void Cifar10Batches_GiveRgbImagesAndLabels_AcrossFiles()
    {
        var dir = DataTestKit.TempDir();
        var f1 = Path.Combine(dir, "data_batch_1.bin");
        var f2 = Path.Combine(dir, "data_batch_2.bin");
        File.WriteAllBytes(f1, Record(new byte[] { 3 }, (ch, i) => (byte)(ch * 100 + i % 7)).Concat(Record(new byte[] { 9 }, (_, _) => 1)).ToArray());
        File.WriteAllBytes(f2, Record(new byte[] { 0 }, (ch, i) => (byte)(i / 32)));
        var view = ctx.Data.LoadCifar(CifarVariant.Cifar10, f1, f2);
        Assert.Equal(3, view.GetRowCount());
        Assert.Equal(new ImageDataViewType(32, 32, 3), view.Schema["Image"].Type);
        Assert.Equal(new uint[] { 3, 9, 0 }, DataTestKit.Column<uint>(view, "Label"));
        var images = DataTestKit.Column<ImageData>(view, "Image");
        // Pixel (y=0, x=5): red plane value 5, green 100 + 5, blue 200 + 5.
        Assert.Equal((5, 105, 205), (images[0][0, 5, 0], images[0][0, 5, 1], images[0][0, 5, 2]));
        Assert.Equal(31, images[2][31, 0, 2]);  // row index in every plane of the third record
    }

    [Fact]
    public void Cifar100_HasFineAndCoarseLabels_AndBadSizesAreErrors()
    {
        var dir = DataTestKit.TempDir();
        var f = Path.Combine(dir, "train.bin");
        File.WriteAllBytes(f, Record(new byte[] { 19, 99 }, (_, _) => 0).Concat(Record(new byte[] { 4, 42 }, (_, _) => 0)).ToArray());
        var view = ctx.Data.LoadCifar(CifarVariant.Cifar100, f);
        Assert.Equal(new KeyDataViewType(100), view.Schema["Label"].Type);
        Assert.Equal(new uint[] { 99, 42 }, DataTestKit.Column<uint>(view, "Label"));
        Assert.Equal(new uint[] { 19, 4 }, DataTestKit.Column<uint>(view, "CoarseLabel"));
        var cut = Path.Combine(dir, "cut.bin");
        File.WriteAllBytes(cut, File.ReadAllBytes(f)[..5000]);
        Assert.Contains(cut, Assert.Throws<InvalidDataException>(() => ctx.Data.LoadCifar(CifarVariant.Cifar100, cut)).Message);
        // A CIFAR-100 file read as CIFAR-10 does not divide into 3073-byte records.
        Assert.Throws<InvalidDataException>(() => ctx.Data.LoadCifar(CifarVariant.Cifar10, f));
    }
}
