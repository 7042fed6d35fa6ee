namespace ML.Generative.Data;

/// <summary>
/// A lazy view that adds float-vector (or float scalar) columns computed a batch of rows at a time (a network's forward pass
/// is far cheaper per row in batches). Its cursor runs two cursors over the source in step: one ahead,
/// reading a batch of the input column and computing the added columns, and one at the current row for the
/// passed-through columns. The source must give the same order to both, so this view does not shuffle.
/// </summary>
internal sealed class BatchedMappedDataView : IDataView
{
    /// <summary>Computes the added columns for <c>count</c> input rows laid out one after another in
    /// <c>inputs</c>; returns one array per added column with count × (its size) values.</summary>
    internal delegate float[][] BatchFunction(float[] inputs, int count);

    private readonly IDataView source;
    private readonly string inputColumn;
    private readonly int inputSize;
    private readonly (string Name, DataViewType Type)[] added;
    private readonly BatchFunction compute;
    private readonly int batchSize;

    internal BatchedMappedDataView(IDataView source, string inputColumn, IReadOnlyList<(string Name, DataViewType Type)> added,
        BatchFunction compute, int batchSize)
    {
        this.source = source;
        this.inputColumn = inputColumn;
        this.added = added.ToArray();
        this.compute = compute;
        this.batchSize = batchSize;
        var column = source.Schema[inputColumn];
        inputSize = ((VectorDataViewType)column.Type).Size;
        Schema = MappedDataView.OutputSchema(source.Schema, added);
    }

    public DataViewSchema Schema { get; }
    public long? GetRowCount() => source.GetRowCount();
    public bool CanShuffle => false;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        var addedNeeded = added.Select((a, i) => (a, i)).Where(x => needed.Any(n => n.Name == x.a.Name)).Select(x => x.i).ToArray();
        var sourceNeeded = needed.Where(n => added.All(a => a.Name != n.Name)).Select(n => source.Schema[n.Name]).ToList();
        var main = source.GetRowCursor(sourceNeeded);
        var ahead = addedNeeded.Length == 0 ? null : source.GetRowCursor(new[] { source.Schema[inputColumn] });
        return new Cursor(this, main, ahead, needed);
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchedMappedDataView view;
        private readonly DataViewRowCursor main;
        private readonly DataViewRowCursor? ahead;
        private readonly HashSet<string> active;
        private readonly ValueGetter<float[]>? readInput;
        private float[][] results = Array.Empty<float[]>();
        private long windowStart;
        private int windowCount;
        private float[] inputs;

        public Cursor(BatchedMappedDataView view, DataViewRowCursor main, DataViewRowCursor? ahead, IEnumerable<DataViewSchema.Column> needed)
        {
            this.view = view;
            this.main = main;
            this.ahead = ahead;
            active = needed.Select(c => c.Name).ToHashSet();
            inputs = new float[view.batchSize * view.inputSize];
            if (ahead is not null) readInput = ahead.GetGetter<float[]>(ahead.Schema[view.inputColumn]);
        }

        public override DataViewSchema Schema => view.Schema;
        public override long Position => main.Position;
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Name);

        public override bool MoveNext()
        {
            if (!main.MoveNext()) return false;
            if (ahead is not null && main.Position >= windowStart + windowCount) FillWindow();
            return true;
        }

        private void FillWindow()
        {
            windowStart = main.Position;
            windowCount = 0;
            float[] row = null!;
            while (windowCount < view.batchSize && ahead!.MoveNext())
            {
                readInput!(ref row);
                if (row.Length != view.inputSize)
                    throw new InvalidDataException($"column '{view.inputColumn}' row {ahead.Position} has {row.Length} values, expected {view.inputSize}");
                Array.Copy(row, 0, inputs, windowCount * view.inputSize, view.inputSize);
                windowCount++;
            }
            if (windowCount == 0) throw new InvalidOperationException("the source view gave different row counts to two cursors");
            results = view.compute(inputs, windowCount);
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            CheckActive(column);
            var index = Array.FindIndex(view.added, a => a.Name == column.Name);
            if (index < 0) return main.GetGetter<TValue>(main.Schema[column.Name]);
            if (view.added[index].Type is not VectorDataViewType vector)
            {
                ValueGetter<float> scalar = (ref float value) => value = results[index][main.Position - windowStart];
                return CastGetter<TValue>(scalar, column);
            }
            var size = vector.Size;
            ValueGetter<float[]> getter = (ref float[] value) =>
            {
                if (value is null || value.Length != size) value = new float[size];
                Array.Copy(results[index], (main.Position - windowStart) * size, value, 0, size);
            };
            return CastGetter<TValue>(getter, column);
        }

        protected override void Dispose(bool disposing)
        {
            main.Dispose();
            ahead?.Dispose();
        }
    }
}
