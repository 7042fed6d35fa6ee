using System.Diagnostics;
using ML.Generative.Data;
using TorchSharp;

namespace ML.Generative.Tests.Data;

public class BatchingTests
{
    private readonly GenerativeContext ctx = new(seed: 5);

    private IDataView FashionTest() => ctx.Data.LoadIdx(Path.Combine(DataTestKit.FashionDir, "t10k-images-idx3-ubyte.gz"),
        Path.Combine(DataTestKit.FashionDir, "t10k-labels-idx1-ubyte.gz"));

    [Fact]
    public void IdxBatches_HoldThePixelsScaledToUnit_AndTheLabels()
    {
        var data = FashionTest();
        var images = DataTestKit.Column<ImageData>(data, "Image");
        var labels = DataTestKit.Column<uint>(data, "Label");
        var counts = new List<int>();
        var allLabels = new List<long>();
        using var scope = torch.NewDisposeScope();
        foreach (var batch in ctx.Data.CreateBatches(data, "Image", new BatchOptions { BatchSize = 256, LabelColumn = "Label" }))
        {
            if (counts.Count == 0)
            {
                Assert.Equal(new long[] { 256, 1, 28, 28 }, batch.Features.shape);
                var first = batch.Features.narrow(0, 1, 1).ToFloats();
                Assert.All(images[1].Pixels!.Zip(first), p => Assert.InRange(Math.Abs(p.First / 255.0 - p.Second), 0, 1e-6));
            }
            counts.Add(batch.Count);
            allLabels.AddRange(batch.Labels!.data<long>());
        }
        Assert.Equal(10000 / 256 + 1, counts.Count);
        Assert.Equal(10000 % 256, counts[^1]);
        Assert.Equal(labels.Select(l => (long)l), allLabels);
    }

    [Fact]
    public void ShuffledBatches_AreSeededPermutations_NewEachEpoch()
    {
        var data = FashionTest();
        var options = new BatchOptions { BatchSize = 1000, LabelColumn = "Label", ShuffleSeed = 42, DropLast = true };
        long[] Epoch(IEnumerable<DataBatch> batches)
        {
            using var scope = torch.NewDisposeScope();
            return batches.SelectMany(b => b.Labels!.data<long>()).ToArray();
        }
        var batches = ctx.Data.CreateBatches(data, "Image", options);
        var e1 = Epoch(batches);
        var e2 = Epoch(batches);
        var again = Epoch(ctx.Data.CreateBatches(data, "Image", options));
        var original = DataTestKit.Column<uint>(data, "Label").Select(l => (long)l).ToArray();
        Assert.Equal(original.Order(), e1.Order());
        Assert.NotEqual(original, e1);
        Assert.NotEqual(e1, e2);
        Assert.Equal(e1, again);
    }

    [Fact]
    public void StoppingEarly_LeavesNoTensorsAlive()
    {
        var data = FashionTest();
        var before = TensorAssertions.LiveTensors;
        using (var scope = torch.NewDisposeScope())
            foreach (var batch in ctx.Data.CreateBatches(data, "Image", new BatchOptions { BatchSize = 100, Prefetch = 4 }))
                if (batch.Count > 0) break;
        GC.Collect();
        Assert.Equal(before, TensorAssertions.LiveTensors);
    }

    [Fact]
    public void ABadImage_StopsTheBatchesWithItsName()
    {
        var dir = DataTestKit.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "a"));
        var ok = new ImageData(2, 2, 1, new byte[] { 1, 2, 3, 4 });
        File.WriteAllBytes(Path.Combine(dir, "a", "1.png"), ImageCodec.EncodePng(ok));
        File.WriteAllBytes(Path.Combine(dir, "a", "2.png"), new byte[] { 1, 2, 3 });
        var view = ctx.Transforms.ResizeImages("Image", 2, 2).Fit(ctx.Data.LoadImagesFromFolder(dir, colorMode: ImageColorMode.Gray))
            .Transform(ctx.Data.LoadImagesFromFolder(dir, colorMode: ImageColorMode.Gray));
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            using var scope = torch.NewDisposeScope();
            foreach (var _ in ctx.Data.CreateBatches(view, "Image")) { }
        });
        Assert.Contains(Path.Combine(dir, "a", "2.png"), e.Message);
    }

    [Fact]
    public void AHundredThousandImageFolder_StreamsWithBoundedMemory()
    {
        const int count = 100_000;
        var dir = DataTestKit.TempDir();
        var seedFiles = Enumerable.Range(0, 4).Select(i =>
        {
            var path = Path.Combine(dir, $"seed{i}.png");
            File.WriteAllBytes(path, ImageCodec.EncodePng(new ImageData(4, 4, 1, Enumerable.Range(0, 16).Select(v => (byte)(v * 16 + i)).ToArray())));
            return path;
        }).ToArray();
        // Hard links: 100,000 directory entries without 100,000 copies of the data.
        DataTestKit.Python("import os,sys\nd,n=sys.argv[1],int(sys.argv[2])\nfor c in range(2):\n os.makedirs(f'{d}/set/c{c}')\nfor i in range(n):\n os.link(f'{d}/seed{i%4}.png', f'{d}/set/c{i%2}/{i:06d}.png')", dir, count.ToString());
        var view = ctx.Data.LoadImagesFromFolder(Path.Combine(dir, "set"), colorMode: ImageColorMode.Gray);
        var sized = ctx.Transforms.ResizeImages("Image", 4, 4).Fit(view).Transform(view);
        Assert.Null(sized.GetRowCount());
        GC.Collect();
        var baseline = Process.GetCurrentProcess().WorkingSet64;
        long rows = 0, peak = 0;
        double sum = 0;
        using (var scope = torch.NewDisposeScope())
            foreach (var batch in ctx.Data.CreateBatches(sized, "Image", new BatchOptions { BatchSize = 1000, LabelColumn = "Label" }))
            {
                rows += batch.Count;
                sum += batch.Features.sum().ToDouble();
                batch.Dispose();
                if (rows % 20000 == 0) peak = Math.Max(peak, Process.GetCurrentProcess().WorkingSet64 - baseline);
            }
        Assert.Equal(count, rows);
        // Every image's 16 values (v*16+i)/255 summed: 25,000 of each of the 4 seed images.
        var expected = Enumerable.Range(0, 4).Sum(i => Enumerable.Range(0, 16).Sum(v => (v * 16 + i) / 255.0)) * (count / 4);
        Assert.Equal(expected, sum, 0);
        Assert.True(peak < 150L << 20, $"working set grew by {peak >> 20} MiB while streaming {count} images");
    }
}
