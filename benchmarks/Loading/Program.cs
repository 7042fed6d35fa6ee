using System.Diagnostics;
using ML.Generative;
using ML.Generative.Data;

// Images/s of loading + decoding + batching through ctx.Data.CreateBatches: the Fashion-MNIST IDX files (60,000
// images; the gzip is read and parsed on every pass, as a fresh program would) and a folder of PNGs (labels from
// sub-folders). Each case once with the background loader (Prefetch 2) and once without (Prefetch 0), the
// counterparts of PyTorch's num_workers=1 and 0 in benchmarks/reference/loading.py. Run by benchmarks/loading;
// prints one JSON line per case (best and median of the repeats).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Loading <fashion-mnist-dir> <png-folder> [repeats] [batch-size]");
    return 2;
}
var (idxDir, pngDir) = (args[0], args[1]);
var repeats = args.Length > 2 ? int.Parse(args[2]) : 3;
var batchSize = args.Length > 3 ? int.Parse(args[3]) : 64;
var ctx = new GenerativeContext(seed: 1);

foreach (var prefetch in new[] { 0, 2 })
{
    Measure($"idx_prefetch{prefetch}", prefetch, () => ctx.Data.LoadIdx(
        Path.Combine(idxDir, "train-images-idx3-ubyte.gz"), Path.Combine(idxDir, "train-labels-idx1-ubyte.gz")));
    // The resize fixes the column's size (batches need a known shape); on 28x28 files it returns the image as is.
    Measure($"png_prefetch{prefetch}", prefetch, () =>
    {
        var folder = ctx.Data.LoadImagesFromFolder(pngDir, colorMode: ImageColorMode.Gray);
        return ctx.Transforms.ResizeImages("Image", 28, 28).Fit(folder).Transform(folder);
    });
}
return 0;

void Measure(string name, int prefetch, Func<IDataView> open)
{
    var options = new BatchOptions { BatchSize = batchSize, LabelColumn = "Label", Prefetch = prefetch };
    Pass(open(), options); // warm-up: JIT, file cache
    var rates = new List<double>();
    for (var r = 0; r < repeats; r++)
    {
        var sw = Stopwatch.StartNew();
        var n = Pass(open(), options);
        rates.Add(n / sw.Elapsed.TotalSeconds);
    }
    rates.Sort();
    Console.WriteLine($"{{\"side\":\"ours\",\"case\":\"{name}\",\"images_per_s_best\":{rates[^1]:F0},\"images_per_s_median\":{rates[rates.Count / 2]:F0}}}");
}

long Pass(IDataView data, BatchOptions options)
{
    long n = 0;
    foreach (var batch in ctx.Data.CreateBatches(data, "Image", options))
    {
        n += batch.Count;
        batch.Dispose();
    }
    return n;
}
