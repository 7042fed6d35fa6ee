using ML.Generative.Data;
using ML.Generative.Data.Transforms;

namespace ML.Generative.Tests.Data;

public class ImageTransformTests(PilImages pil) : IClassFixture<PilImages>
{
    private readonly GenerativeContext ctx = new(seed: 3);

    public sealed class ImageRow
    {
        [ImageType(2, 3, 3)] public ImageData Image { get; set; } = null!;
        [KeyType(2)] public uint Label { get; set; }
    }

    private static ImageData Rgb2x3() => new(3, 2, 3, new byte[] { 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170 });

    [Fact]
    public void BilinearUpscale_MatchesPilWithinOneLevel()
    {
        var img = ImageCodec.Load(pil.Path("rgb.png"));
        var up = ImageResizingTransformer.Resize(img, 20, 29);
        Assert.Equal((29, 20), (up.Width, up.Height));
        Assert.All(up.Pixels!.Zip(pil.Pixels["resized_29x20"]), p => Assert.InRange(p.First - p.Second, -1, 1));
    }

    [Fact]
    public void PadAndCrop_KeepTheAspectRatio()
    {
        // A 4x2 (w x h) white image into 4x4: letterboxed rows 1-2 white, rows 0 and 3 the pad value.
        var white = new ImageData(4, 2, 1, Enumerable.Repeat((byte)255, 8).ToArray());
        var padded = ImageResizingTransformer.Resize(white, 4, 4, ResizingKind.IsoPad, padValue: 7);
        Assert.Equal(new byte[] { 7, 7, 7, 7, 255, 255, 255, 255, 255, 255, 255, 255, 7, 7, 7, 7 }, padded.Pixels);
        // Columns 0,1 | 2,3 valued 0 | 200: a centre crop to 2x2 keeps columns 1 and 2 → one of each.
        var halves = new ImageData(4, 2, 1, new byte[] { 0, 0, 200, 200, 0, 0, 200, 200 });
        var cropped = ImageResizingTransformer.Resize(halves, 2, 2, ResizingKind.IsoCrop);
        Assert.Equal(new byte[] { 0, 200, 0, 200 }, cropped.Pixels);
    }

    [Fact]
    public void ExtractPixels_IsChwWithScaleAndOffset()
    {
        var view = ctx.Data.LoadFromEnumerable(new[] { new ImageRow { Image = Rgb2x3() } });
        var t = ctx.Transforms.ExtractPixels("Pixels", "Image", scaleImage: 0.5f, offsetImage: 1f).Fit(view);
        var output = t.Transform(view);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3, 2, 3), output.Schema["Pixels"].Type);
        var v = DataTestKit.Column<float[]>(output, "Pixels")[0];
        // Channel 0 (R) plane: samples 0,30,60,90,120,150 → x/2+1.
        Assert.Equal(new float[] { 1, 16, 31, 46, 61, 76 }, v[..6]);
        Assert.Equal(20 * 0.5f + 1, v[12]);
    }

    [Theory]
    [InlineData(PixelRange.ZeroToOne, 0f, 1f)]
    [InlineData(PixelRange.MinusOneToOne, -1f, 1f)]
    public void NormalizePixels_MapsTheFullRange_AndInverts(PixelRange range, float low, float high)
    {
        var view = ctx.Data.LoadFromEnumerable(new[] { new ImageRow { Image = ImageResizingTransformer.Resize(Rgb2x3(), 2, 3) } });
        var t = ctx.Transforms.NormalizePixels("Pixels", "Image", range).Fit(view);
        var v = DataTestKit.Column<float[]>(t.Transform(view), "Pixels")[0];
        Assert.Equal(low + (high - low) * 30 / 255f, v[1], 5);
        Assert.Equal(Rgb2x3().Pixels!.Select(b => b / 255f).ToArray()[3], t.Inverse(v)[1], 5);
        Assert.Equal(Rgb2x3().Pixels, t.ToImage(v, 3, 2, 3).Pixels);
    }

    [Fact]
    public void MeanStd_IsLearnedByFit_PerChannel()
    {
        var rows = new[] { new ImageRow { Image = Rgb2x3() }, new ImageRow { Image = RandomHorizontalFlipEstimator.Flip(Rgb2x3()) } };
        var view = ctx.Data.LoadFromEnumerable(rows);
        var t = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.MeanStd).Fit(view);
        // Red samples are 0,30,...,150 (twice): mean 75/255, population std sqrt(2625)/255.
        Assert.Equal(75 / 255f, t.Settings.Mean![0], 4);
        Assert.Equal(MathF.Sqrt(2625) / 255f, t.Settings.Std![0], 4);
        Assert.Equal(95 / 255f, t.Settings.Mean[2], 4);
        var all = DataTestKit.Column<float[]>(t.Transform(view), "Pixels").SelectMany(v => v[..6]).ToArray();
        Assert.Equal(0, all.Average(), 4);
    }

    [Fact]
    public void SchemaErrors_NameColumnExpectedAndActual_AtFitTime()
    {
        var view = ctx.Data.LoadFromEnumerable(new[] { new ImageRow { Image = Rgb2x3() } });
        var chain = ctx.Transforms.ResizeImages("Image", 4, 4).Append(ctx.Transforms.NormalizePixels("Pixels", "Label"));
        var e = Assert.Throws<SchemaMismatchException>(() => chain.Fit(view));
        Assert.Equal("Label", e.ColumnName);
        Assert.Contains("Image", e.Expected);
        Assert.Equal("Key<UInt32, 0-1>", e.Actual);
        var missing = Assert.Throws<SchemaMismatchException>(() => chain.GetOutputSchema(SchemaShape.Create(view.Schema)).ToString());
        Assert.Contains("Label", missing.Message);
        Assert.Throws<SchemaMismatchException>(() => ctx.Transforms.ExtractPixels("P", "Nope").Fit(view));
    }

    [Fact]
    public void RandomFlip_ChangesOnlyTrainingData()
    {
        var rows = Enumerable.Range(0, 40).Select(_ => new ImageRow { Image = Rgb2x3() }).ToArray();
        var view = ctx.Data.LoadFromEnumerable(rows);
        var flip = ctx.Transforms.RandomHorizontalFlip("Image", 0.5, seed: 11);
        var seen = DataTestKit.Column<ImageData>(flip.TransformForTraining(view), "Image");
        var flipped = seen.Count(i => i.Pixels![0] == 60);  // the first pixel of a mirrored row is the last one
        Assert.InRange(flipped, 8, 32);
        Assert.All(seen.Where(i => i.Pixels![0] == 60), i => Assert.Equal(RandomHorizontalFlipEstimator.Flip(Rgb2x3()).Pixels, i.Pixels));
        var fitted = flip.Fit(view);
        Assert.Same(view, fitted.Transform(view));
    }

    [Fact]
    public void FolderLoader_LabelsFromSubfolders_AndBadFilesFailOrAreSkipped()
    {
        var root = DataTestKit.TempDir();
        foreach (var (cls, files) in new[] { ("cat", new[] { "b.png", "a.png" }), ("dog", new[] { "x.jpg" }) })
        {
            Directory.CreateDirectory(Path.Combine(root, cls, "deep"));
            foreach (var f in files) File.Copy(pil.Path(f.EndsWith(".jpg") ? "rgb.jpg" : "rgb.png"), Path.Combine(root, cls, f));
        }
        File.Copy(pil.Path("gray.png"), Path.Combine(root, "cat", "deep", "c.png"));
        File.WriteAllText(Path.Combine(root, "dog", "notes.txt"), "not an image, not listed");
        var view = ctx.Data.LoadImagesFromFolder(root, colorMode: ImageColorMode.Rgb);
        Assert.Equal(new[] { "cat/a.png", "cat/b.png", "cat/deep/c.png", "dog/x.jpg" },
            DataTestKit.Column<string>(view, "ImagePath").Select(p => Path.GetRelativePath(root, p)));
        Assert.Equal(new uint[] { 0, 0, 0, 1 }, DataTestKit.Column<uint>(view, "Label"));
        Assert.All(DataTestKit.Column<ImageData>(view, "Image"), i => Assert.Equal(3, i.Channels));

        var bad = Path.Combine(root, "dog", "y.png");
        File.WriteAllBytes(bad, new byte[] { 0x89, 0x50, 0x4e, 0x47, 1, 2, 3 });
        var e = Assert.Throws<ImageDecodeException>(() => DataTestKit.Column<ImageData>(ctx.Data.LoadImagesFromFolder(root), "Image"));
        Assert.Equal(bad, e.FilePath);
        var report = new BadImageReport();
        var skipping = ctx.Data.LoadImagesFromFolder(root, skipBadImages: true, report: report);
        Assert.Equal(4, DataTestKit.Column<ImageData>(skipping, "Image").Count);
        Assert.Equal(1, report.SkippedCount);
        Assert.Equal(bad, report.Skipped[0].Path);
    }

    [Fact]
    public void ImageGrid_TilesWithPadding()
    {
        var imgs = Enumerable.Range(0, 3).Select(i => new ImageData(2, 2, 1, Enumerable.Repeat((byte)(100 + i), 4).ToArray())).ToList();
        var grid = ImageGrid.Tile(imgs, columns: 2, padding: 1);
        Assert.Equal((7, 7), (grid.Width, grid.Height));
        Assert.Equal(101, grid[1, 4, 0]);
        Assert.Equal(102, grid[4, 1, 0]);
        Assert.Equal(0, grid[4, 4, 0]);
        var path = Path.Combine(DataTestKit.TempDir(), "grid.png");
        ctx.Data.SaveImageGrid(ctx.Data.LoadFromEnumerable(imgs.Select(i => new GrayRow { Image = i }).ToList()), "Image", path, columns: 2, padding: 1);
        Assert.Equal(grid.Pixels, ImageCodec.Load(path).Pixels);
    }

    public sealed class GrayRow { public ImageData Image { get; set; } = null!; }
}
