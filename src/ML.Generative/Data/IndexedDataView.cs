namespace ML.Generative.Data;

/// <summary>
/// A view whose rows can be read in any order by index (in-memory data, IDX and CIFAR files, and
/// row-to-row transforms over them). Subsets (splits, take/skip) of such a view stay indexed, so they keep
/// a known row count and full-permutation shuffles.
/// </summary>
internal interface IRowIndexedDataView : IDataView
{
    /// <summary>False for wrappers whose source turned out not to be indexed.</summary>
    bool SupportsRowIndexing { get; }

    /// <summary>The number of rows (valid when <see cref="SupportsRowIndexing"/>).</summary>
    long RowCount { get; }

    /// <summary>A cursor visiting exactly <paramref name="rows"/> (row indices), in that order.</summary>
    DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<long> rows);
}

internal static class RowIndexing
{
    internal static bool IsIndexed(IDataView view) => view is IRowIndexedDataView { SupportsRowIndexing: true };
}

/// <summary>The base of views that read row i directly: subclasses give one getter factory per column.</summary>
internal abstract class IndexedDataView : IRowIndexedDataView
{
    public abstract DataViewSchema Schema { get; }
    public abstract long RowCount { get; }
    public bool SupportsRowIndexing => true;
    public long? GetRowCount() => RowCount;
    public bool CanShuffle => true;

    /// <summary>A getter for <paramref name="column"/> that reads row <paramref name="row"/>() (the raw type's delegate).</summary>
    protected abstract Delegate MakeGetter(DataViewSchema.Column column, Func<long> row);

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded, rand is null ? null : Permutation.Create(RowCount, rand));

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<long> rows)
    {
        foreach (var r in rows)
            if (r < 0 || r >= RowCount) throw new ArgumentOutOfRangeException(nameof(rows), $"row {r} is outside 0 .. {RowCount - 1}");
        return new Cursor(this, columnsNeeded, rows);
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly IndexedDataView view;
        private readonly bool[] active;
        private readonly IReadOnlyList<long>? order;
        private readonly long count;
        private long position = -1;
        private long row = -1;

        public Cursor(IndexedDataView view, IEnumerable<DataViewSchema.Column> needed, IReadOnlyList<long>? order)
        {
            (this.view, this.order) = (view, order);
            count = order?.Count ?? view.RowCount;
            active = new bool[view.Schema.Count];
            foreach (var c in needed) active[c.Index] = true;
        }

        public override DataViewSchema Schema => view.Schema;
        public override long Position => position;
        public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

        public override bool MoveNext()
        {
            if (position + 1 >= count) { row = -1; return false; }
            position++;
            row = order is not null ? order[(int)position] : position;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            CheckActive(column);
            return CastGetter<TValue>(view.MakeGetter(column, Current), column);
        }

        private long Current() => row >= 0 ? row : throw new InvalidOperationException("the cursor is not on a row (call MoveNext first)");
    }
}

/// <summary>The rows of an indexed source at the given indices, in that order: a split, take or skip.</summary>
internal sealed class SubsetDataView : IRowIndexedDataView
{
    private readonly IRowIndexedDataView source;
    private readonly long[] rows;

    internal SubsetDataView(IRowIndexedDataView source, long[] rows) => (this.source, this.rows) = (source, rows);

    public DataViewSchema Schema => source.Schema;
    public bool SupportsRowIndexing => true;
    public long RowCount => rows.Length;
    public long? GetRowCount() => rows.Length;
    public bool CanShuffle => true;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        source.GetRowCursor(columnsNeeded, rand is null ? rows : Permutation.Create(rows.LongLength, rand).Select(i => rows[i]).ToArray());

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<long> order) =>
        source.GetRowCursor(columnsNeeded, order.Select(i => rows[i]).ToArray());
}

/// <summary>Seeded permutations of row indices (Fisher–Yates).</summary>
internal static class Permutation
{
    internal static long[] Create(long count, Random rand)
    {
        if (count > Array.MaxLength) throw new InvalidOperationException($"{count} rows are too many to permute in memory");
        var p = new long[count];
        for (long i = 0; i < count; i++) p[i] = i;
        for (long i = count - 1; i > 0; i--)
        {
            var j = rand.NextInt64(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
