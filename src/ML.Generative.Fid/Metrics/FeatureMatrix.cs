using TorchSharp;

namespace ML.Generative.Fid.Metrics;

/// <summary>
/// The input of every metric in this namespace: one row per image, <see cref="Dimension"/> values per row
/// (Inception pool features, domain-network features, or the 1008 Inception logits for the Inception Score).
/// Values are copied in and held as float64, row-major, and checked to be finite, so a metric never sees a
/// buffer the caller later changes. Build one from a 2-D array, a flat span with its row count, or a tensor.
/// </summary>
public sealed class FeatureMatrix
{
    private readonly double[] _values;

    private FeatureMatrix(double[] values, int count, int dimension)
    {
        _values = values;
        Count = count;
        Dimension = dimension;
    }

    /// <summary>Copies a (rows, dimension) array.</summary>
    /// <exception cref="ArgumentException">The array is empty or holds a value that is not finite.</exception>
    public FeatureMatrix(double[,] rows)
        : this(Flatten(rows ?? throw new ArgumentNullException(nameof(rows))), rows.GetLength(0), rows.GetLength(1))
    {
        CheckShape(Count, Dimension, _values.Length, nameof(rows));
        CheckFinite(_values, nameof(rows));
    }

    /// <summary>The number of rows (images).</summary>
    public int Count { get; }

    /// <summary>The number of values per row (feature dimension, or classes for logits).</summary>
    public int Dimension { get; }

    /// <summary>All values, row-major: row <c>i</c> is <c>Values[(i * Dimension)..((i + 1) * Dimension)]</c>.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>One row.</summary>
    public ReadOnlySpan<double> Row(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"the matrix has {Count} rows");
        return _values.AsSpan(index * Dimension, Dimension);
    }

    /// <summary>Copies <paramref name="rows"/>·<paramref name="dimension"/> row-major values.</summary>
    /// <exception cref="ArgumentException">The length does not match, the shape is empty, or a value is not finite.</exception>
    public static FeatureMatrix FromRows(ReadOnlySpan<double> values, int rows, int dimension)
    {
        CheckShape(rows, dimension, values.Length, nameof(values));
        var copy = values.ToArray();
        CheckFinite(copy, nameof(values));
        return new FeatureMatrix(copy, rows, dimension);
    }

    /// <summary>Copies float32 row-major values, widened to float64 (as pytorch-fid widens its features).</summary>
    /// <exception cref="ArgumentException">The length does not match, the shape is empty, or a value is not finite.</exception>
    public static FeatureMatrix FromRows(ReadOnlySpan<float> values, int rows, int dimension)
    {
        CheckShape(rows, dimension, values.Length, nameof(values));
        var copy = new double[values.Length];
        for (var i = 0; i < copy.Length; i++) copy[i] = values[i];
        CheckFinite(copy, nameof(values));
        return new FeatureMatrix(copy, rows, dimension);
    }

    /// <summary>Copies a 2-D (rows, dimension) floating-point tensor from any device; the tensor is not disposed.</summary>
    /// <exception cref="ArgumentException">The tensor is not 2-D, not floating point, empty, or holds a value that is not finite.</exception>
    public static FeatureMatrix FromTensor(torch.Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Dimensions != 2)
            throw new ArgumentException($"features must be a 2-D (rows, dimension) tensor, got shape ({string.Join(", ", features.shape)})", nameof(features));
        if (!torch.is_floating_point(features.dtype))
            throw new ArgumentException($"features must be a floating-point tensor, got {features.dtype}", nameof(features));
        var shape = features.shape;
        if (shape[0] > int.MaxValue || shape[1] > int.MaxValue)
            throw new ArgumentException($"features of shape ({shape[0]}, {shape[1]}) are too large", nameof(features));
        CheckShape((int)shape[0], (int)shape[1], features.numel(), nameof(features));
        var values = TensorData.ToDoubles(features);
        CheckFinite(values, nameof(features));
        return new FeatureMatrix(values, (int)shape[0], (int)shape[1]);
    }

    /// <summary>
    /// The columns <c>[start, start + count)</c> of every row, e.g. the first 1000 of Inception's 1008 logits
    /// for an Inception Score that ignores the 8 unused classes, as torchvision-based implementations do.
    /// </summary>
    public FeatureMatrix Columns(int start, int count)
    {
        if (start < 0 || count <= 0 || start > Dimension - count)
            throw new ArgumentOutOfRangeException(nameof(count), $"columns [{start}, {start + count}) are not within the {Dimension} columns");
        var result = new double[(long)Count * count];
        for (var i = 0; i < Count; i++)
            _values.AsSpan(i * Dimension + start, count).CopyTo(result.AsSpan(i * count, count));
        return new FeatureMatrix(result, Count, count);
    }

    /// <summary>A float64 (Count, Dimension) tensor on <paramref name="device"/>; the caller disposes it.</summary>
    internal torch.Tensor ToTensor(torch.Device device) => TensorData.ToDevice(TensorData.From(_values, Count, Dimension), device);

    private static double[] Flatten(double[,] rows)
    {
        var flat = new double[rows.Length];
        var i = 0;
        foreach (var v in rows) flat[i++] = v;
        return flat;
    }

    private static void CheckShape(int rows, int dimension, long length, string parameter)
    {
        if (rows <= 0 || dimension <= 0)
            throw new ArgumentException($"a feature matrix needs at least one row and one column, got ({rows}, {dimension})", parameter);
        if ((long)rows * dimension != length)
            throw new ArgumentException($"({rows}, {dimension}) needs {(long)rows * dimension} values, got {length}", parameter);
        if (length > Array.MaxLength)
            throw new ArgumentException($"({rows}, {dimension}) holds more values than one array can", parameter);
    }

    private static void CheckFinite(double[] values, string parameter)
    {
        var bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad >= 0) throw new ArgumentException($"feature values must be finite; found {values[bad]} at flat index {bad}", parameter);
    }
}
