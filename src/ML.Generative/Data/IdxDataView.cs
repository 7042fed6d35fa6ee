using System.Buffers.Binary;
using System.IO.Compression;

namespace ML.Generative.Data;

/// <summary>
/// MNIST-style IDX files (gzip or raw): an images file of unsigned bytes shaped [N, H, W] and an optional
/// labels file shaped [N]. Columns: <c>Image</c> (<see cref="ImageDataViewType"/>, gray, 8-bit) and, with
/// labels, <c>Label</c> (<see cref="KeyDataViewType"/>, 0-based). The files are read once, at load, and checked:
/// the header is bounded (1–4 dimensions, at most <see cref="MaxBytes"/> of data), and a truncated file,
/// trailing bytes or a count mismatch between images and labels is an error naming the file.
/// </summary>
internal sealed class IdxDataView : IndexedDataView
{
    /// <summary>The largest data part accepted (1 GiB; Fashion-MNIST's train images are 47 MB).</summary>
    internal const long MaxBytes = 1L << 30;

    private readonly byte[] images;
    private readonly byte[]? labels;
    private readonly int height, width;
    private readonly long start, count;
    private readonly DataViewSchema schema;

    internal IdxDataView(string imagesPath, string? labelsPath, long start = 0, long? count = null)
    {
        var (imageDims, imageData) = Read(imagesPath);
        if (imageDims.Length != 3) throw new InvalidDataException($"{imagesPath}: an IDX images file has 3 dimensions [N, H, W], this one has {imageDims.Length}");
        images = imageData;
        (height, width) = (imageDims[1], imageDims[2]);
        long n = imageDims[0];
        var b = new DataViewSchema.Builder().AddColumn("Image", new ImageDataViewType(height, width, 1));
        if (labelsPath is not null)
        {
            var (labelDims, labelData) = Read(labelsPath);
            if (labelDims.Length != 1) throw new InvalidDataException($"{labelsPath}: an IDX labels file has 1 dimension, this one has {labelDims.Length}");
            if (labelDims[0] != n) throw new InvalidDataException($"{labelsPath} has {labelDims[0]} labels but {imagesPath} has {n} images");
            labels = labelData;
            b.AddColumn("Label", new KeyDataViewType(labelData.Length == 0 ? 1 : Math.Max(labelData.Max() + 1UL, 10UL)));
        }
        schema = b.ToSchema();
        if (start < 0 || start > n) throw new ArgumentOutOfRangeException(nameof(start), $"start {start} is outside 0 .. {n}");
        this.start = start;
        this.count = count ?? n - start;
        if (this.count < 0 || start + this.count > n) throw new ArgumentOutOfRangeException(nameof(count), $"rows {start} .. {start + this.count} exceed the {n} rows of {imagesPath}");
    }

    public override DataViewSchema Schema => schema;
    public override long RowCount => count;

    protected override Delegate MakeGetter(DataViewSchema.Column column, Func<long> row)
    {
        var size = height * width;
        if (column.Name == "Label")
            return (ValueGetter<uint>)((ref uint value) => value = labels![start + row()]);
        return (ValueGetter<ImageData>)((ref ImageData value) =>
        {
            var pixels = new byte[size];
            Array.Copy(images, (start + row()) * size, pixels, 0, size);
            value = new ImageData(width, height, 1, pixels);
        });
    }

    /// <summary>Reads an IDX file: its dimensions and its unsigned-byte data.</summary>
    internal static (int[] Dims, byte[] Data) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file not found: {path}", path);
        using var file = File.OpenRead(path);
        Stream s = file;
        var magic = new byte[2];
        if (file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) s = new GZipStream(file, CompressionMode.Decompress);
        file.Position = 0;
        try
        {
            using (s)
            {
                Span<byte> head = stackalloc byte[4];
                ReadExactly(s, head, path, "the header");
                if (head[0] != 0 || head[1] != 0) throw new InvalidDataException($"{path}: not an IDX file (the magic number starts {head[0]:x2} {head[1]:x2}, not 00 00)");
                if (head[2] != 0x08) throw new InvalidDataException($"{path}: IDX element type 0x{head[2]:x2} is not supported (only 0x08, unsigned byte)");
                var ndims = head[3];
                if (ndims is < 1 or > 4) throw new InvalidDataException($"{path}: {ndims} dimensions (an IDX file here has 1 to 4)");
                var dims = new int[ndims];
                Span<byte> d = stackalloc byte[4];
                long total = 1;
                for (var i = 0; i < ndims; i++)
                {
                    ReadExactly(s, d, path, "the header");
                    var v = BinaryPrimitives.ReadInt32BigEndian(d);
                    if (v <= 0) throw new InvalidDataException($"{path}: dimension {i} is {v}");
                    dims[i] = v;
                    total *= v;
                    if (total > MaxBytes) throw new InvalidDataException($"{path}: the header declares more than {MaxBytes} bytes of data");
                }
                var data = new byte[total];
                ReadExactly(s, data, path, $"{total} bytes of data ([{string.Join(", ", dims)}])");
                if (s.ReadByte() >= 0) throw new InvalidDataException($"{path}: data continues past the [{string.Join(", ", dims)}] the header declares");
                return (dims, data);
            }
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);  // gzip errors do not name the file
        }
    }

    private static void ReadExactly(Stream s, Span<byte> buffer, string path, string what)
    {
        var got = s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (got < buffer.Length) throw new InvalidDataException($"{path}: truncated: expected {what}, the file ended after {got} of {buffer.Length} bytes");
    }
}
