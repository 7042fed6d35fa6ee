using System.Reflection;

namespace ML.Generative.Data;

/// <summary>
/// A lazy view over an enumerable of objects: each public field or property is a column (see
/// <see cref="ColumnNameAttribute"/>, <see cref="VectorTypeAttribute"/>, <see cref="KeyTypeAttribute"/>).
/// The row count is known for collections; lists have random access (full-permutation shuffles).
/// </summary>
internal sealed class EnumerableDataView<T> : IRowIndexedDataView where T : class
{
    private readonly IEnumerable<T> rows;
    private readonly ClassColumnMap<T> map = ClassColumnMap<T>.Instance;

    internal EnumerableDataView(IEnumerable<T> rows) => this.rows = rows;

    public DataViewSchema Schema => map.Schema;
    public long? GetRowCount() => rows switch { IReadOnlyCollection<T> c => c.Count, ICollection<T> c => c.Count, _ => null };
    public bool CanShuffle => rows is IReadOnlyList<T> or IList<T>;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        if (rand is null || !CanShuffle) return new Cursor(this, rows.GetEnumerator(), columnsNeeded);
        return GetRowCursor(columnsNeeded, Permutation.Create(List.Count, rand));
    }

    public bool SupportsRowIndexing => CanShuffle;
    public long RowCount => List.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<long> order)
    {
        var list = List;
        return new Cursor(this, order.Select(i => list[(int)i]).GetEnumerator(), columnsNeeded);
    }

    private IReadOnlyList<T> List => rows as IReadOnlyList<T> ?? new ListAdapter((IList<T>)rows);

    private sealed class ListAdapter(IList<T> list) : IReadOnlyList<T>
    {
        public T this[int index] => list[index];
        public int Count => list.Count;
        public IEnumerator<T> GetEnumerator() => list.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly EnumerableDataView<T> view;
        private readonly IEnumerator<T> rows;
        private readonly HashSet<int> active;
        private long position = -1;
        private T? current;

        public Cursor(EnumerableDataView<T> view, IEnumerator<T> rows, IEnumerable<DataViewSchema.Column> needed)
        {
            (this.view, this.rows) = (view, rows);
            active = needed.Select(c => c.Index).ToHashSet();
        }

        public override DataViewSchema Schema => view.Schema;
        public override long Position => position;
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (!rows.MoveNext()) { current = null; return false; }
            current = rows.Current ?? throw new InvalidOperationException($"row {position + 1} of the enumerable is null");
            position++;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            CheckActive(column);
            var member = view.map.Members[column.Index];
            var make = typeof(Cursor).GetMethod(nameof(MakeGetter), BindingFlags.NonPublic | BindingFlags.Instance)!
                .MakeGenericMethod(member.ValueType);
            return CastGetter<TValue>((Delegate)make.Invoke(this, new object[] { member })!, column);
        }

        private ValueGetter<TMember> MakeGetter<TMember>(ClassColumnMap<T>.Member member)
        {
            var read = ClassColumnMap<T>.Getter<TMember>(member.Info);
            var size = (member.Type as VectorDataViewType)?.Size ?? 0;
            var image = member.Type as ImageDataViewType;
            return (ref TMember value) =>
            {
                var row = current ?? throw new InvalidOperationException("the cursor is not on a row (call MoveNext first)");
                var v = read(row);
                if (v is Array a)
                {
                    if (size > 0 && a.Length != size)
                        throw new InvalidDataException($"row {position}, column '{member.Column}': expected {size} values ({member.Type}), got {a.Length}");
                    var copy = value is Array dst && dst.Length == a.Length ? dst : Array.CreateInstance(a.GetType().GetElementType()!, a.Length);
                    Array.Copy(a, copy, a.Length);
                    value = (TMember)(object)copy;
                    return;
                }
                if (image is { IsKnownSize: true } && v is ImageData img && (img.Height != image.Height || img.Width != image.Width))
                    throw new InvalidDataException($"row {position}, column '{member.Column}': expected a {image.Height}x{image.Width} image, got {img.Height}x{img.Width}");
                value = v;
            };
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) rows.Dispose();
        }
    }
}

/// <summary>Reads the rows of a view into new objects of a class (the reverse of <see cref="EnumerableDataView{T}"/>).</summary>
internal static class EnumerableReader
{
    internal static IEnumerable<T> Read<T>(IDataView view, bool reuseRowObject, bool ignoreMissingColumns) where T : class, new()
    {
        var map = ClassColumnMap<T>.Instance;
        var bound = new List<(ClassColumnMap<T>.Member Member, DataViewSchema.Column Column)>();
        foreach (var m in map.Members.Where(m => m.CanWrite))
        {
            var col = view.Schema.GetColumnOrNull(m.Column);
            if (col is null)
            {
                if (ignoreMissingColumns) continue;
                throw new SchemaMismatchException(m.Column, m.Type.ToString()!, null,
                    $"{typeof(T).Name}.{m.Info.Name} maps to column '{m.Column}', which the view does not have (columns: {view.Schema})");
            }
            if (col.Value.Type.RawType != m.ValueType) throw new SchemaMismatchException(m.Column, $"{m.Type} (for {typeof(T).Name}.{m.Info.Name})", col.Value.Type.ToString());
            bound.Add((m, col.Value));
        }
        return Rows<T>(view, bound, reuseRowObject);
    }

    private static IEnumerable<T> Rows<T>(IDataView view, List<(ClassColumnMap<T>.Member Member, DataViewSchema.Column Column)> bound, bool reuse)
        where T : class, new()
    {
        using var cursor = view.GetRowCursor(bound.Select(b => b.Column));
        var copiers = bound.Select(b => (Action<T>)typeof(EnumerableReader).GetMethod(nameof(Copier), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeof(T), b.Member.ValueType).Invoke(null, new object[] { cursor, b.Column, b.Member })!).ToArray();
        T? shared = null;
        while (cursor.MoveNext())
        {
            var row = reuse ? shared ??= new T() : new T();
            foreach (var c in copiers) c(row);
            yield return row;
        }
    }

    private static Action<T> Copier<T, TValue>(DataViewRowCursor cursor, DataViewSchema.Column column, ClassColumnMap<T>.Member member) where T : class
    {
        var get = cursor.GetGetter<TValue>(column);
        var set = ClassColumnMap<T>.Setter<TValue>(member.Info);
        return row =>
        {
            TValue v = default!;
            get(ref v);
            set(row, v);
        };
    }
}
