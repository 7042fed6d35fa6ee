namespace ML.Generative.Data;

/// <summary>Which part of a named data set.</summary>
public enum DatasetSplit
{
    /// <summary>The training split.</summary>
    Train,
    /// <summary>The test split.</summary>
    Test,
}

/// <summary>
/// Data sets known by name, so examples and the CLI can say <c>mnist</c> or <c>fashion-mnist</c>.
/// <list type="bullet">
/// <item><c>fashion-mnist</c>: the Debian package <c>dataset-fashion-mnist</c> (<c>/usr/share/datasets/fashion-mnist</c>,
/// or <c>$MLGEN_DATA_DIR/fashion-mnist</c> first when set). Train: the 60,000 <c>train-*</c> images; test: the 10,000 <c>t10k-*</c>.</item>
/// <item><c>mnist</c>: only the 10,000-image MNIST test set is available here, looked for in <c>$MLGEN_DATA_DIR/mnist</c>
/// and then in <c>../shared/data/mnist</c> beside the repository root. Fixed split: train = its first 8,000 images,
/// test = its last 2,000 (MNIST's own 60,000-image train set is not used).</item>
/// </list>
/// </summary>
public static class NamedDatasets
{
    /// <summary>The number of MNIST test-set images used as the <c>mnist</c> train split.</summary>
    public const int MnistTrainCount = 8000;

    /// <summary>The names known.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "fashion-mnist", "mnist" };

    internal static IDataView Load(string name, DatasetSplit split)
    {
        switch (name.ToLowerInvariant())
        {
            case "fashion-mnist":
            {
                var dir = Find("fashion-mnist", FashionCandidates(), "train-images-idx3-ubyte.gz",
                    "install the Debian package: apt-get install dataset-fashion-mnist (or put the four .gz files in $MLGEN_DATA_DIR/fashion-mnist)");
                var prefix = split == DatasetSplit.Train ? "train" : "t10k";
                return new IdxDataView(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"), Path.Combine(dir, $"{prefix}-labels-idx1-ubyte.gz"));
            }
            case "mnist":
            {
                var dir = Find("mnist", MnistCandidates(), "t10k-images-idx3-ubyte.gz",
                    "put t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (the MNIST test set, from the MNIST database) in $MLGEN_DATA_DIR/mnist");
                var images = Path.Combine(dir, "t10k-images-idx3-ubyte.gz");
                var labels = Path.Combine(dir, "t10k-labels-idx1-ubyte.gz");
                return split == DatasetSplit.Train
                    ? new IdxDataView(images, labels, 0, MnistTrainCount)
                    : new IdxDataView(images, labels, MnistTrainCount);
            }
            default:
                throw new ArgumentException($"unknown data set '{name}' (known: {string.Join(", ", Names)}); any folder of images loads with LoadImagesFromFolder", nameof(name));
        }
    }

    internal static string Find(string name, IEnumerable<string> candidates, string marker, string howToGet)
    {
        var looked = new List<string>();
        foreach (var dir in candidates)
        {
            looked.Add(dir);
            if (File.Exists(Path.Combine(dir, marker))) return dir;
        }
        throw new FileNotFoundException($"data set '{name}' was not found (looked for {marker} in: {string.Join(", ", looked)}); to get it, {howToGet}");
    }

    private static IEnumerable<string> FashionCandidates()
    {
        if (Environment.GetEnvironmentVariable("MLGEN_DATA_DIR") is { Length: > 0 } d) yield return Path.Combine(d, "fashion-mnist");
        yield return "/usr/share/datasets/fashion-mnist";
    }

    private static IEnumerable<string> MnistCandidates()
    {
        if (Environment.GetEnvironmentVariable("MLGEN_DATA_DIR") is { Length: > 0 } d) yield return Path.Combine(d, "mnist");
        foreach (var root in RepositoryRoots()) yield return Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "mnist"));
    }

    /// <summary>Folders holding MLGenerative.sln above the current directory and the application's folder.</summary>
    internal static IEnumerable<string> RepositoryRoots()
    {
        var seen = new HashSet<string>();
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "MLGenerative.sln")) && seen.Add(dir.FullName))
                {
                    yield return dir.FullName;
                    break;
                }
    }
}
