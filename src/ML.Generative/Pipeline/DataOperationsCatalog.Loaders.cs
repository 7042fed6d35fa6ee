using ML.Generative.Data;

namespace ML.Generative;

public sealed partial class DataOperationsCatalog
{
    /// <summary>
    /// An IDX images file (MNIST, Fashion-MNIST; gzip or raw) with an optional labels file. Columns:
    /// <c>Image</c> (gray 8-bit <see cref="ImageDataViewType"/>) and <c>Label</c> (0-based key). Both files are
    /// read and checked now; rows are decoded as they are read. Random access: full-permutation shuffles.
    /// </summary>
    public IDataView LoadIdx(string imagesPath, string? labelsPath = null) => new IdxDataView(imagesPath, labelsPath);

    /// <summary>
    /// CIFAR-10 or CIFAR-100 binary batch files (the "binary version" of the data sets). Columns: <c>Image</c>
    /// (32x32 RGB), <c>Label</c> (10 or 100 classes) and, for CIFAR-100, <c>CoarseLabel</c> (20 classes).
    /// </summary>
    public IDataView LoadCifar(CifarVariant variant, params string[] batchFiles) => new CifarDataView(batchFiles, variant);

    /// <summary>
    /// A named data set: <c>fashion-mnist</c> (60,000 train / 10,000 test images, from the Debian package
    /// <c>dataset-fashion-mnist</c>) or <c>mnist</c> (the 10,000-image MNIST test set: rows 0–7,999 are the
    /// train split, rows 8,000–9,999 the test split). See <see cref="NamedDatasets"/> for where they are looked for.
    /// </summary>
    public IDataView LoadDataset(string name, DatasetSplit split = DatasetSplit.Train) => NamedDatasets.Load(name, split);
}
