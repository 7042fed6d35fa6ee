namespace ML.Generative.Data;

/// <summary>Which CIFAR binary layout a batch file has.</summary>
public enum CifarVariant
{
    /// <summary>CIFAR-10: per record 1 label byte then 3072 pixel bytes.</summary>
    Cifar10,
    /// <summary>CIFAR-100: per record a coarse label byte, a fine label byte, then 3072 pixel bytes.</summary>
    Cifar100,
}

/// <summary>
/// CIFAR-10/100 binary batches (<c>data_batch_1.bin</c> …, <c>train.bin</c>/<c>test.bin</c>): 32x32 RGB
/// records, pixels stored as three 1024-byte planes (R, G, B). Columns: <c>Image</c> (32x32 RGB), <c>Label</c>
/// (Key with 10 or 100 classes; CIFAR-100's fine label) and for CIFAR-100 <c>CoarseLabel</c> (Key, 20).
/// Files are read at load; a size that is not a whole number of records is an error naming the file.
/// </summary>
internal sealed class CifarDataView : IndexedDataView
{
    private const int Plane = 32 * 32;
    private readonly byte[][] files;
    private readonly long[] firstRow;
    private readonly int labelBytes;
    private readonly DataViewSchema schema;

    internal CifarDataView(IReadOnlyList<string> paths, CifarVariant variant)
    {
        if (paths.Count == 0) throw new ArgumentException("no CIFAR batch files were given", nameof(paths));
        labelBytes = variant == CifarVariant.Cifar10 ? 1 : 2;
        var record = labelBytes + 3 * Plane;
        files = new byte[paths.Count][];
        firstRow = new long[paths.Count + 1];
        for (var i = 0; i < paths.Count; i++)
        {
            var info = new FileInfo(paths[i]);
            if (!info.Exists) throw new FileNotFoundException($"CIFAR batch file not found: {paths[i]}", paths[i]);
            if (info.Length == 0 || info.Length % record != 0 || info.Length > IdxDataView.MaxBytes)
                throw new InvalidDataException($"{paths[i]}: {info.Length} bytes is not a whole number of {variant} records of {record} bytes");
            files[i] = File.ReadAllBytes(paths[i]);
            firstRow[i + 1] = firstRow[i] + info.Length / record;
            var classes = variant == CifarVariant.Cifar10 ? 10 : 100;
            for (long r = 0; r < info.Length / record; r++)
            {
                var fine = files[i][r * record + labelBytes - 1];
                if (fine >= classes || (labelBytes == 2 && files[i][r * record] >= 20))
                    throw new InvalidDataException($"{paths[i]}: record {r} has label {fine}, outside 0 .. {classes - 1} — is it a {variant} file?");
            }
        }
        var b = new DataViewSchema.Builder()
            .AddColumn("Image", new ImageDataViewType(32, 32, 3))
            .AddColumn("Label", new KeyDataViewType(variant == CifarVariant.Cifar10 ? 10UL : 100UL));
        if (variant == CifarVariant.Cifar100) b.AddColumn("CoarseLabel", new KeyDataViewType(20));
        schema = b.ToSchema();
    }

    public override DataViewSchema Schema => schema;
    public override long RowCount => firstRow[^1];

    private (byte[] File, long Offset) Locate(long row)
    {
        var f = Array.BinarySearch(firstRow, row);
        if (f < 0) f = ~f - 1;
        while (f + 1 < firstRow.Length && firstRow[f + 1] <= row) f++;
        return (files[f], (row - firstRow[f]) * (labelBytes + 3 * Plane));
    }

    protected override Delegate MakeGetter(DataViewSchema.Column column, Func<long> row) => column.Name switch
    {
        "Label" => (ValueGetter<uint>)((ref uint v) => { var (f, o) = Locate(row()); v = f[o + labelBytes - 1]; }),
        "CoarseLabel" => (ValueGetter<uint>)((ref uint v) => { var (f, o) = Locate(row()); v = f[o]; }),
        _ => (ValueGetter<ImageData>)((ref ImageData v) =>
        {
            var (f, o) = Locate(row());
            o += labelBytes;
            // Planar RRR..GGG..BBB.. to interleaved RGBRGB..
            var pixels = new byte[3 * Plane];
            for (var i = 0; i < Plane; i++)
            {
                pixels[3 * i] = f[o + i];
                pixels[3 * i + 1] = f[o + Plane + i];
                pixels[3 * i + 2] = f[o + 2 * Plane + i];
            }
            v = new ImageData(32, 32, 3, pixels);
        }),
    };
}
