namespace ML.Generative.Data;

/// <summary>
/// Rows in a seeded random order. When the source has random access and a known row count, every cursor is a
/// full permutation of the rows; otherwise (streams, folders) a buffer of <c>bufferSize</c> rows is filled and
/// rows are drawn from it at random and replaced by the next source row — a local shuffle with bounded memory.
/// A cursor asked for with its own <see cref="Random"/> uses it (a new order per epoch); otherwise the seed's order.
/// </summary>
internal sealed class ShuffleDataView : IDataView
{
    private readonly IDataView source;
    private readonly int seed;
    private readonly int bufferSize;

    internal ShuffleDataView(IDataView source, int seed, int bufferSize)
    {
        if (bufferSize < 1) throw new ArgumentOutOfRangeException(nameof(bufferSize), "the shuffle buffer holds at least one row");
        (this.source, this.seed, this.bufferSize) = (source, seed, bufferSize);
    }

    /// <summary>True when cursors are full permutations (random access and a known count).</summary>
    internal bool IsFullPermutation => source.CanShuffle && source.GetRowCount() is not null;

    public DataViewSchema Schema => source.Schema;
    public long? GetRowCount() => source.GetRowCount();
    public bool CanShuffle => true;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        rand ??= new Random(seed);
        if (IsFullPermutation) return source.GetRowCursor(columnsNeeded, rand);
        return new BufferCursor(source.GetRowCursor(columnsNeeded), columnsNeeded, bufferSize, rand);
    }

    private sealed class BufferCursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor input;
        private readonly Random rand;
        private readonly Dictionary<int, ISlots> slots = new();
        private readonly int capacity;
        private int count;
        private int current = -1;
        private long position = -1;
        private bool sourceDone;

        public BufferCursor(DataViewRowCursor input, IEnumerable<DataViewSchema.Column> needed, int capacity, Random rand)
        {
            (this.input, this.capacity, this.rand) = (input, capacity, rand);
            foreach (var c in needed)
                slots[c.Index] = (ISlots)Activator.CreateInstance(typeof(Slots<>).MakeGenericType(c.Type.RawType), input, c, capacity)!;
        }

        public override DataViewSchema Schema => input.Schema;
        public override long Position => position;
        public override bool IsColumnActive(DataViewSchema.Column column) => slots.ContainsKey(column.Index);

        public override bool MoveNext()
        {
            if (position < 0)
                while (count < capacity && Pull(count)) count++;
            else if (current >= 0 && !Pull(current))
            {
                // The source is exhausted: close the gap with the last buffered row.
                count--;
                foreach (var s in slots.Values) s.Move(count, current);
            }
            if (count == 0) { current = -1; return false; }
            current = rand.Next(count);
            position++;
            return true;
        }

        private bool Pull(int slot)
        {
            if (sourceDone || !input.MoveNext()) { sourceDone = true; return false; }
            foreach (var s in slots.Values) s.Read(slot);
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            CheckActive(column);
            return CastGetter<TValue>(slots[column.Index].Getter(() => current >= 0 ? current
                : throw new InvalidOperationException("the cursor is not on a row (call MoveNext first)")), column);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) input.Dispose();
        }
    }

    private interface ISlots
    {
        void Read(int slot);
        void Move(int from, int to);
        Delegate Getter(Func<int> slot);
    }

    // One column's buffered values. Arrays are copied, since source getters may reuse them.
    private sealed class Slots<T> : ISlots
    {
        private readonly ValueGetter<T> get;
        private readonly T[] values;

        public Slots(DataViewRowCursor input, DataViewSchema.Column column, int capacity)
        {
            get = input.GetGetter<T>(column);
            values = new T[capacity];
        }

        public void Read(int slot)
        {
            T v = default!;
            get(ref v);
            values[slot] = v is Array a ? (T)a.Clone() : v;
        }

        public void Move(int from, int to) => values[to] = values[from];

        public Delegate Getter(Func<int> slot) => (ValueGetter<T>)((ref T value) =>
        {
            var v = values[slot()];
            value = v is Array a ? (T)a.Clone() : v;
        });
    }
}
