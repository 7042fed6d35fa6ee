namespace ML.Generative.Data;

/// <summary>
/// A view over columns held in memory, one array per column (the i-th element of each is row i). Random
/// access, so it shuffles with a full permutation. Vector values are copied out, so readers cannot change it.
/// </summary>
public sealed class InMemoryDataView : IRowIndexedDataView
{
    private readonly Impl impl;

    /// <summary>A view of <paramref name="columns"/> (element type = the column type's raw type, equal lengths).</summary>
    public InMemoryDataView(DataViewSchema schema, IReadOnlyList<Array> columns)
    {
        if (columns.Count != schema.Count) throw new ArgumentException($"{schema.Count} columns in the schema, {columns.Count} arrays given");
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].GetType().GetElementType() != schema[i].Type.RawType)
                throw new ArgumentException($"column '{schema[i].Name}' has type {schema[i].Type} (values of {schema[i].Type.RawType.Name}) but its array holds {columns[i].GetType().GetElementType()!.Name}");
            if (columns[i].Length != columns[0].Length) throw new ArgumentException($"column '{schema[i].Name}' has {columns[i].Length} rows, '{schema[0].Name}' has {columns[0].Length}");
        }
        impl = new Impl(schema, columns.ToArray());
    }

    bool IRowIndexedDataView.SupportsRowIndexing => true;
    long IRowIndexedDataView.RowCount => impl.RowCount;
    DataViewRowCursor IRowIndexedDataView.GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<long> rows) =>
        impl.GetRowCursor(columnsNeeded, rows);

    /// <inheritdoc/>
    public DataViewSchema Schema => impl.Schema;
    /// <inheritdoc/>
    public long? GetRowCount() => impl.RowCount;
    /// <inheritdoc/>
    public bool CanShuffle => true;
    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        impl.GetRowCursor(columnsNeeded, rand);

    private sealed class Impl(DataViewSchema schema, Array[] columns) : IndexedDataView
    {
        public override DataViewSchema Schema => schema;
        public override long RowCount => columns.Length == 0 ? 0 : columns[0].Length;

        protected override Delegate MakeGetter(DataViewSchema.Column column, Func<long> row) => columns[column.Index] switch
        {
            float[][] v => (ValueGetter<float[]>)((ref float[] value) => CopyVector(v[row()], ref value)),
            double[][] v => (ValueGetter<double[]>)((ref double[] value) => CopyVector(v[row()], ref value)),
            byte[][] v => (ValueGetter<byte[]>)((ref byte[] value) => CopyVector(v[row()], ref value)),
            var data => (Delegate)typeof(Impl).GetMethod(nameof(ScalarGetter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(data.GetType().GetElementType()!).Invoke(null, new object[] { data, row })!,
        };

        private static ValueGetter<T> ScalarGetter<T>(T[] data, Func<long> row) => (ref T value) => value = data[row()];
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="value"/>, reusing it when the length matches.</summary>
    internal static void CopyVector<T>(T[] source, ref T[] value)
    {
        if (value is null || value.Length != source.Length) value = new T[source.Length];
        Array.Copy(source, value, source.Length);
    }
}
