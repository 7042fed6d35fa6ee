using ML.Generative.Data;
using ML.Generative.Data.Transforms;

namespace ML.Generative;

public sealed partial class DataOperationsCatalog
{
    /// <summary>
    /// The images under <paramref name="folder"/>, listed and decoded lazily (memory stays bounded whatever the
    /// folder's size). Columns: <c>ImagePath</c>, with <paramref name="labelsFromFolders"/> <c>ClassName</c> and
    /// <c>Label</c> (sub-folder index in sorted order), and <c>Image</c> decoded per <paramref name="colorMode"/>
    /// and <paramref name="alpha"/>. A file that cannot be decoded is an error naming it, or with
    /// <paramref name="skipBadImages"/> is left out and counted in <paramref name="report"/>.
    /// </summary>
    public IDataView LoadImagesFromFolder(string folder, bool recursive = true, bool labelsFromFolders = true,
        ImageColorMode colorMode = ImageColorMode.Auto, AlphaHandling alpha = AlphaHandling.Composite,
        bool skipBadImages = false, BadImageReport? report = null, IEnumerable<string>? extensions = null)
    {
        var files = new ImageFolderDataView(folder, recursive, labelsFromFolders, extensions);
        var loader = new ImageLoadingTransformer(new("Image", "ImagePath", null, colorMode, alpha, SkipBadImages: skipBadImages), report);
        return loader.Transform(files);
    }

    /// <summary>The class names of a folder loaded with labels from its sub-folders, in label order.</summary>
    public IReadOnlyList<string> GetClassNames(string folder) =>
        new ImageFolderDataView(folder, recursive: false, labelsFromFolders: true, null).ClassNames!;

    /// <summary>Writes the images of <paramref name="column"/> (an image column, or <c>[C, H, W]</c> float vectors
    /// in [0, 1]) as PNG files <c>{prefix}{row:D6}.png</c> in <paramref name="folder"/>; returns the paths.</summary>
    public IReadOnlyList<string> SaveImages(IDataView data, string column, string folder, string prefix = "image_", int maxImages = int.MaxValue)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        foreach (var img in ReadImages(data, column, maxImages))
        {
            var path = Path.Combine(folder, $"{prefix}{paths.Count:D6}.png");
            ImageCodec.SavePng(img, path);
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>Writes the first <paramref name="maxImages"/> images of <paramref name="column"/> as one PNG grid of
    /// <paramref name="columns"/> images per row.</summary>
    public void SaveImageGrid(IDataView data, string column, string path, int columns = 8, int maxImages = 64, int padding = 2) =>
        ImageCodec.SavePng(ImageGrid.Tile(ReadImages(data, column, maxImages).ToList(), columns, padding), path);

    /// <summary>Writes the first <paramref name="count"/> rows as one PNG grid with one line of images per column of
    /// <paramref name="columns"/> — e.g. <c>Pixels</c> above <c>Reconstruction</c> (images, or [C, H, W] vectors in [0, 1]).</summary>
    public void SaveImageGrid(IDataView data, IReadOnlyList<string> columns, string path, int count = 8, int padding = 2)
    {
        if (columns.Count == 0) throw new ArgumentException("name at least one column", nameof(columns));
        var lines = columns.Select(c => ReadImages(data, c, count).ToList()).ToList();
        var n = lines.Min(l => l.Count);
        if (n == 0) throw new ArgumentException("there are no rows to draw");
        ImageCodec.SavePng(ImageGrid.Tile(lines.SelectMany(l => l.Take(n)).ToList(), n, padding), path);
    }

    private static IEnumerable<ImageData> ReadImages(IDataView data, string column, int max)
    {
        var col = SchemaShape.Create(data.Schema).Require(column, t => t is ImageDataViewType ||
            t is VectorDataViewType { IsKnownSize: true, Dimensions.Count: 3 }, "Image or Vector<Single, C, H, W> in [0, 1]");
        var c = data.Schema[column];
        using var cursor = data.GetRowCursor(new[] { c });
        if (col.Type is ImageDataViewType)
        {
            var get = cursor.GetGetter<ImageData>(c);
            for (var n = 0; n < max && cursor.MoveNext(); n++)
            {
                ImageData img = null!;
                get(ref img);
                yield return img;
            }
            yield break;
        }
        var dims = ((VectorDataViewType)col.Type).Dimensions;
        var getVector = cursor.GetGetter<float[]>(c);
        float[] v = null!;
        for (var n = 0; n < max && cursor.MoveNext(); n++)
        {
            getVector(ref v);
            yield return ImageGrid.FromChw(v, dims[0], dims[1], dims[2]);
        }
    }
}

public sealed partial class DataOperationsCatalog
{
    /// <summary>
    /// Batches of <paramref name="column"/> as tensors <c>[B, C, H, W]</c> (images scaled to [0, 1], or float vectors
    /// of known shape), with labels when <see cref="BatchOptions.LabelColumn"/> is set. Rows are written straight into
    /// the batch tensor; decoding runs ahead on a background thread. Each enumeration is one epoch.
    /// </summary>
    public IEnumerable<DataBatch> CreateBatches(IDataView data, string column, BatchOptions? options = null) =>
        new TensorBatches(data, column, options ?? new BatchOptions());
}
