namespace ML.Generative.Data;

/// <summary>
/// One column a row-to-row transform adds: its name, type, the input columns it reads, and a factory that,
/// given the input cursor, returns the typed <see cref="ValueGetter{TValue}"/> computing it.
/// </summary>
internal sealed record MappedColumn(string Name, DataViewType Type, string[] Inputs, Func<DataViewRowCursor, Delegate> MakeGetter);

/// <summary>
/// The lazy view behind row-to-row transforms: the source's columns plus computed ones (a computed column
/// replaces a source column of the same name). Values are computed only when a getter is called.
/// </summary>
internal sealed class MappedDataView : IRowIndexedDataView
{
    private readonly IDataView source;
    private readonly MappedColumn[] added;
    // For each output column: its source column index (>= 0), or -(1 + index into added).
    private readonly int[] origin;

    internal MappedDataView(IDataView source, IReadOnlyList<MappedColumn> added)
    {
        this.source = source;
        this.added = added.ToArray();
        var b = new DataViewSchema.Builder();
        var origins = new List<int>();
        foreach (var c in source.Schema)
        {
            if (added.Any(a => a.Name == c.Name)) continue;
            b.AddColumn(c.Name, c.Type);
            origins.Add(c.Index);
        }
        for (var i = 0; i < added.Count; i++)
        {
            b.AddColumn(added[i].Name, added[i].Type);
            origins.Add(-(1 + i));
        }
        Schema = b.ToSchema();
        origin = origins.ToArray();
    }

    /// <summary>The output schema a mapping would have, without a source view (for GetOutputSchema).</summary>
    internal static DataViewSchema OutputSchema(DataViewSchema input, IEnumerable<(string Name, DataViewType Type)> added)
    {
        var list = added.ToList();
        var b = new DataViewSchema.Builder();
        foreach (var c in input) if (!list.Any(a => a.Name == c.Name)) b.AddColumn(c.Name, c.Type);
        foreach (var (n, t) in list) b.AddColumn(n, t);
        return b.ToSchema();
    }

    public DataViewSchema Schema { get; }
    public long? GetRowCount() => source.GetRowCount();
    public bool CanShuffle => source.CanShuffle;

    public bool SupportsRowIndexing => RowIndexing.IsIndexed(source);
    public long RowCount => ((IRowIndexedDataView)source).RowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        Open(columnsNeeded, needed => source.GetRowCursor(needed, rand));

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<long> rows) =>
        Open(columnsNeeded, needed => ((IRowIndexedDataView)source).GetRowCursor(needed, rows));

    private DataViewRowCursor Open(IEnumerable<DataViewSchema.Column> columnsNeeded, Func<IEnumerable<DataViewSchema.Column>, DataViewRowCursor> open)
    {
        var active = new bool[Schema.Count];
        var needed = new HashSet<int>();
        foreach (var c in columnsNeeded)
        {
            active[c.Index] = true;
            if (origin[c.Index] >= 0) needed.Add(origin[c.Index]);
            else foreach (var inputName in added[-origin[c.Index] - 1].Inputs) needed.Add(source.Schema[inputName].Index);
        }
        var input = open(needed.Select(i => source.Schema[i]).ToArray());
        return new Cursor(this, input, active);
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly MappedDataView view;
        private readonly DataViewRowCursor input;
        private readonly bool[] active;

        public Cursor(MappedDataView view, DataViewRowCursor input, bool[] active) => (this.view, this.input, this.active) = (view, input, active);

        public override DataViewSchema Schema => view.Schema;
        public override long Position => input.Position;
        public override bool MoveNext() => input.MoveNext();
        public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            CheckActive(column);
            var o = view.origin[column.Index];
            return o >= 0
                ? input.GetGetter<TValue>(input.Schema[o])
                : CastGetter<TValue>(view.added[-o - 1].MakeGetter(input), column);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) input.Dispose();
        }
    }
}

/// <summary>A view of the rows of a source for which a predicate holds; the row count becomes unknown.</summary>
internal sealed class FilterDataView : IDataView
{
    private readonly IDataView source;
    private readonly string[] inputs;
    private readonly Func<DataViewRowCursor, Func<bool>> makePredicate;
    private readonly bool keepsShuffle;

    /// <param name="source">The rows to filter.</param>
    /// <param name="inputs">The columns the predicate reads.</param>
    /// <param name="makePredicate">Given the source cursor, a predicate over its current row.</param>
    /// <param name="keepsShuffle">False when the predicate depends on the row order (it reads Position).</param>
    internal FilterDataView(IDataView source, string[] inputs, Func<DataViewRowCursor, Func<bool>> makePredicate, bool keepsShuffle = true)
    {
        foreach (var i in inputs) _ = source.Schema[i];
        (this.source, this.inputs, this.makePredicate, this.keepsShuffle) = (source, inputs, makePredicate, keepsShuffle);
    }

    public DataViewSchema Schema => source.Schema;
    public long? GetRowCount() => null;
    public bool CanShuffle => keepsShuffle && source.CanShuffle;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var cols = columnsNeeded.Select(c => c.Index).Concat(inputs.Select(i => source.Schema[i].Index)).Distinct();
        var input = source.GetRowCursor(cols.Select(i => source.Schema[i]), CanShuffle ? rand : null);
        return new Cursor(input, makePredicate(input), columnsNeeded.Select(c => c.Index).ToHashSet());
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor input;
        private readonly Func<bool> keep;
        private readonly HashSet<int> active;
        private long position = -1;

        public Cursor(DataViewRowCursor input, Func<bool> keep, HashSet<int> active) => (this.input, this.keep, this.active) = (input, keep, active);

        public override DataViewSchema Schema => input.Schema;
        public override long Position => position;
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext()
        {
            while (input.MoveNext())
                if (keep()) { position++; return true; }
            return false;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            CheckActive(column);
            return input.GetGetter<TValue>(column);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) input.Dispose();
        }
    }
}
