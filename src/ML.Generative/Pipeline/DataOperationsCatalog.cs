using ML.Generative.Data;

namespace ML.Generative;

/// <summary>
/// Data operations: loaders (IDX, CIFAR, image folders, named data sets, in-memory objects), reading rows
/// back into objects, splitting, shuffling, label helpers and tensor batches.
/// </summary>
public sealed partial class DataOperationsCatalog : CatalogBase
{
    internal DataOperationsCatalog(GenerativeContext context) : base(context) { }

    /// <summary>A train/test pair of views.</summary>
    public sealed record TrainTestData(IDataView TrainSet, IDataView TestSet);

    /// <summary>
    /// A lazy view over <paramref name="data"/>: each public field or property of <typeparamref name="T"/> is a
    /// column (<see cref="ColumnNameAttribute"/>, <see cref="VectorTypeAttribute"/>, <see cref="KeyTypeAttribute"/>,
    /// <see cref="ImageTypeAttribute"/>, <see cref="NoColumnAttribute"/>). Lists keep random access.
    /// </summary>
    public IDataView LoadFromEnumerable<T>(IEnumerable<T> data) where T : class =>
        new EnumerableDataView<T>(data ?? throw new ArgumentNullException(nameof(data)));

    /// <summary>
    /// The rows of <paramref name="data"/> as new <typeparamref name="T"/> objects, read lazily. Each writable
    /// member is filled from the column of its name; a missing column or a type mismatch is an error before
    /// any row is read, unless <paramref name="ignoreMissingColumns"/>.
    /// </summary>
    public IEnumerable<T> CreateEnumerable<T>(IDataView data, bool reuseRowObject = false, bool ignoreMissingColumns = false)
        where T : class, new() => EnumerableReader.Read<T>(data, reuseRowObject, ignoreMissingColumns);

    /// <summary>
    /// Rows in a seeded random order: a full permutation when <paramref name="input"/> has random access and a
    /// known row count (in-memory data, IDX, CIFAR and their splits), otherwise a shuffle through a pool of
    /// <paramref name="shufflePoolSize"/> rows (folders and other streams). No seed: the context's next seed.
    /// </summary>
    public IDataView ShuffleRows(IDataView input, int? seed = null, int shufflePoolSize = 1000) =>
        new ShuffleDataView(input, seed ?? Context.NextSeed(), shufflePoolSize);

    /// <summary>
    /// Splits <paramref name="data"/> at random into train and test sets. With a known row count and random
    /// access the test set has exactly round(n × <paramref name="testFraction"/>) rows; otherwise each row goes to
    /// the test set with that probability. Both sets keep the source's row order. Same seed, same split.
    /// </summary>
    public TrainTestData TrainTestSplit(IDataView data, double testFraction = 0.1, int? seed = null)
    {
        if (testFraction is < 0 or > 1 || double.IsNaN(testFraction))
            throw new ArgumentOutOfRangeException(nameof(testFraction), $"the test fraction is in [0, 1], not {testFraction}");
        var s = seed ?? Context.NextSeed();
        if (data is IRowIndexedDataView { SupportsRowIndexing: true } indexed)
        {
            var n = indexed.RowCount;
            var perm = Permutation.Create(n, new Random(s));
            var testCount = (long)Math.Round(n * testFraction);
            var test = perm.Take((int)testCount).Order().ToArray();
            var train = perm.Skip((int)testCount).Order().ToArray();
            return new TrainTestData(new SubsetDataView(indexed, train), new SubsetDataView(indexed, test));
        }
        return new TrainTestData(RowHashFilter(data, s, testFraction, keepTest: false), RowHashFilter(data, s, testFraction, keepTest: true));
    }

    // A row belongs to the test set when a seeded hash of its position falls under the fraction.
    private static IDataView RowHashFilter(IDataView data, int seed, double fraction, bool keepTest) =>
        new FilterDataView(data, Array.Empty<string>(), cursor => () =>
        {
            var h = (ulong)cursor.Position * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)seed * 0xC2B2AE3D27D4EB4FUL;
            h ^= h >> 31; h *= 0xBF58476D1CE4E5B9UL; h ^= h >> 29;
            return ((h >> 11) * (1.0 / (1UL << 53)) < fraction) == keepTest;
        }, keepsShuffle: false);

    /// <summary>The first <paramref name="count"/> rows.</summary>
    public IDataView TakeRows(IDataView input, long count) => RowRange(input, 0, count);

    /// <summary>All rows but the first <paramref name="count"/>.</summary>
    public IDataView SkipRows(IDataView input, long count) => RowRange(input, count, long.MaxValue);

    private static IDataView RowRange(IDataView input, long skip, long take)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        if (input is IRowIndexedDataView { SupportsRowIndexing: true } indexed)
        {
            var from = Math.Min(skip, indexed.RowCount);
            var to = Math.Min(indexed.RowCount, from + Math.Min(take, indexed.RowCount));
            var rows = new long[to - from];
            for (var i = 0; i < rows.Length; i++) rows[i] = from + i;
            return new SubsetDataView(indexed, rows);
        }
        return new FilterDataView(input, Array.Empty<string>(), c => () => c.Position >= skip && c.Position - skip < take, keepsShuffle: false);
    }

    /// <summary>The rows whose <paramref name="labelColumn"/> is one of <paramref name="label"/> or <paramref name="moreLabels"/> — e.g. one class
    /// for one-class (anomaly) training. The label column is a key or an integer column.</summary>
    public IDataView FilterByLabel(IDataView data, uint label, string labelColumn = "Label", params uint[] moreLabels)
    {
        var keep = moreLabels.Append(label).ToHashSet();
        RequireLabel(data.Schema, labelColumn);
        return new FilterDataView(data, new[] { labelColumn }, cursor =>
        {
            var get = LabelReader(cursor, labelColumn);
            return () => keep.Contains(get());
        });
    }

    /// <summary>Adds a boolean column <paramref name="outputColumn"/>: true when the label is not
    /// <paramref name="normalLabel"/> (the one-class protocol: one class is normal, all others anomalies).</summary>
    public IDataView AddIsAnomaly(IDataView data, uint normalLabel, string labelColumn = "Label", string outputColumn = "IsAnomaly")
    {
        RequireLabel(data.Schema, labelColumn);
        return new MappedDataView(data, new[]
        {
            new MappedColumn(outputColumn, BooleanDataViewType.Instance, new[] { labelColumn }, cursor =>
            {
                var get = LabelReader(cursor, labelColumn);
                return (ValueGetter<bool>)((ref bool v) => v = get() != normalLabel);
            }),
        });
    }

    private static void RequireLabel(DataViewSchema schema, string column) =>
        SchemaShape.Create(schema).Require(column, t => t is KeyDataViewType || t.Equals(NumberDataViewType.Int32) || t.Equals(NumberDataViewType.UInt32)
            || t.Equals(NumberDataViewType.Byte), "a label (Key, UInt32, Int32 or Byte)");

    private static Func<uint> LabelReader(DataViewRowCursor cursor, string column)
    {
        var col = cursor.Schema[column];
        switch (col.Type.RawType)
        {
            case var t when t == typeof(uint):
            {
                var g = cursor.GetGetter<uint>(col);
                return () => { uint v = 0; g(ref v); return v; };
            }
            case var t when t == typeof(int):
            {
                var g = cursor.GetGetter<int>(col);
                return () => { int v = 0; g(ref v); return unchecked((uint)v); };
            }
            default:
            {
                var g = cursor.GetGetter<byte>(col);
                return () => { byte v = 0; g(ref v); return v; };
            }
        }
    }
}
