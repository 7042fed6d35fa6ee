using ML.Generative.Data;

namespace ML.Generative;

/// <summary>Reads the current row's value of one column into <paramref name="value"/>. For array values
/// (vectors) a getter may fill the array passed in when it has the right length, instead of allocating.</summary>
public delegate void ValueGetter<TValue>(ref TValue value);

/// <summary>
/// A table of data: a <see cref="Schema"/> plus lazy, forward-only cursors over its rows. Nothing is read
/// or computed until a cursor moves, so a view over a million images holds none of them in memory.
/// </summary>
public interface IDataView
{
    /// <summary>The columns.</summary>
    DataViewSchema Schema { get; }

    /// <summary>The number of rows when it is known without reading them (null for streams, folders, filters).</summary>
    long? GetRowCount();

    /// <summary>True when <see cref="GetRowCursor"/> can visit the rows in a random order (the view has random access).</summary>
    bool CanShuffle { get; }

    /// <summary>
    /// A cursor over the rows. Only the columns in <paramref name="columnsNeeded"/> may be read. When
    /// <paramref name="rand"/> is given and <see cref="CanShuffle"/> is true, the rows come in a random
    /// permutation drawn from it; otherwise in order.
    /// </summary>
    DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null);
}

/// <summary>A forward-only position in an <see cref="IDataView"/>, with typed getters for the current row.</summary>
public abstract class DataViewRowCursor : IDisposable
{
    /// <summary>The columns of the view this cursor reads.</summary>
    public abstract DataViewSchema Schema { get; }

    /// <summary>The number of rows moved past, minus one: -1 before the first <see cref="MoveNext"/>.</summary>
    public abstract long Position { get; }

    /// <summary>Moves to the next row; false at the end.</summary>
    public abstract bool MoveNext();

    /// <summary>True when the column was asked for when the cursor was made.</summary>
    public abstract bool IsColumnActive(DataViewSchema.Column column);

    /// <summary>A getter for <paramref name="column"/>; <typeparamref name="TValue"/> must be the column type's raw type.</summary>
    public abstract ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the cursor holds (files, input cursors).</summary>
    protected virtual void Dispose(bool disposing) { }

    /// <summary>Checks a getter request against the column's type, with a message naming both.</summary>
    protected static ValueGetter<TValue> CastGetter<TValue>(Delegate getter, DataViewSchema.Column column) =>
        getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"column '{column.Name}' has type {column.Type} (values of {column.Type.RawType.Name}); a getter of {typeof(TValue).Name} was asked for");

    /// <summary>Throws unless the column was asked for when the cursor was made.</summary>
    protected void CheckActive(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= Schema.Count || Schema[column.Index].Name != column.Name)
            throw new ArgumentOutOfRangeException(nameof(column), $"column '{column.Name}' is not a column of this cursor's view");
        if (!IsColumnActive(column))
            throw new InvalidOperationException($"column '{column.Name}' was not among the columns asked for when the cursor was made");
    }
}
