using ML.Generative.Data;

namespace ML.Generative.Cli;

/// <summary>
/// What <c>--data</c> names, for every command that reads images: a named data set (<c>fashion-mnist</c>, <c>mnist</c>,
/// optionally <c>:train</c> or <c>:test</c>), a folder of images (sub-folders become labels), a folder of CIFAR-10
/// binary batches, one CIFAR <c>.bin</c> batch file, or an IDX images file (its labels file beside it is used when
/// found). Every view has an <c>Image</c> column; <c>Label</c> where the source has labels.
/// </summary>
internal static class DataSources
{
    internal const string Help = "a folder of images, a folder of CIFAR-10 binary batches, a CIFAR .bin file, an IDX images file, or a named data set (fashion-mnist, mnist; add :train or :test)";

    /// <param name="channels">For a folder of images: decode to this many channels (1 or 3; 0: 3).</param>
    internal static IDataView Load(GenerativeContext ctx, string spec, DatasetSplit defaultSplit, int channels = 0)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new ArgumentException("--data is empty: " + Help);
        if (Directory.Exists(spec))
        {
            var batches = CifarBatches(spec, defaultSplit);
            if (batches.Length > 0) return ctx.Data.LoadCifar(CifarVariant.Cifar10, batches);
            var hasClasses = Directory.EnumerateDirectories(spec).Any();
            return ctx.Data.LoadImagesFromFolder(spec, labelsFromFolders: hasClasses,
                colorMode: channels == 1 ? ImageColorMode.Gray : ImageColorMode.Rgb);
        }
        if (File.Exists(spec))
        {
            if (spec.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)) return ctx.Data.LoadCifar(CifarVariant.Cifar10, spec);
            var labels = LabelsBeside(spec);
            return ctx.Data.LoadIdx(spec, labels);
        }
        var (name, split) = SplitName(spec, defaultSplit);
        if (NamedDatasets.Names.Contains(name, StringComparer.OrdinalIgnoreCase)) return ctx.Data.LoadDataset(name.ToLowerInvariant(), split);
        throw new FileNotFoundException($"--data '{spec}' was not found: it is not a folder, a file, or a named data set ({string.Join(", ", NamedDatasets.Names)})", spec);
    }

    /// <summary>Keeps the rows whose label is one of <paramref name="classList"/> (comma-separated), e.g. CIFAR-10's cars and planes: <c>0,1</c>.</summary>
    internal static IDataView FilterClasses(GenerativeContext ctx, IDataView data, string? classList)
    {
        if (string.IsNullOrWhiteSpace(classList)) return data;
        if (data.Schema.GetColumnOrNull("Label") is null) throw new ArgumentException("--classes needs labelled data, and this --data has no labels");
        var classes = classList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(c => uint.TryParse(c, out var v) ? v : throw new ArgumentException($"--classes: '{c}' is not a class number")).ToArray();
        return ctx.Data.FilterByLabel(data, classes[0], "Label", classes[1..]);
    }

    private static (string Name, DatasetSplit Split) SplitName(string spec, DatasetSplit defaultSplit)
    {
        var parts = spec.Split(':');
        if (parts.Length == 1) return (spec, defaultSplit);
        return parts[1].ToLowerInvariant() switch
        {
            "train" => (parts[0], DatasetSplit.Train),
            "test" => (parts[0], DatasetSplit.Test),
            _ => throw new ArgumentException($"--data '{spec}': the split after ':' must be train or test"),
        };
    }

    // CIFAR-10's binary version: data_batch_1..5.bin for training, test_batch.bin for testing.
    private static string[] CifarBatches(string folder, DatasetSplit split)
    {
        var pattern = split == DatasetSplit.Train ? "data_batch_*.bin" : "test_batch.bin";
        var files = Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0 && Directory.GetFiles(folder, "*_batch*.bin").Length > 0)
            throw new FileNotFoundException($"--data '{folder}' holds CIFAR batches but none for the {split.ToString().ToLowerInvariant()} split ({pattern})");
        return files;
    }

    // MNIST naming: train-images-idx3-ubyte(.gz) beside train-labels-idx1-ubyte(.gz).
    private static string? LabelsBeside(string imagesPath)
    {
        var name = Path.GetFileName(imagesPath);
        if (!name.Contains("images-idx3", StringComparison.Ordinal)) return null;
        var labels = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(imagesPath))!, name.Replace("images-idx3", "labels-idx1", StringComparison.Ordinal));
        return File.Exists(labels) ? labels : null;
    }
}
