using ML.Generative.Data;

namespace ML.Generative;

/// <summary>The columns of an <see cref="IDataView"/>: names, positions and types, in order.</summary>
public sealed class DataViewSchema : IReadOnlyList<DataViewSchema.Column>
{
    private readonly Column[] columns;
    private readonly Dictionary<string, int> byName;

    private DataViewSchema(Column[] columns)
    {
        this.columns = columns;
        byName = columns.ToDictionary(c => c.Name, c => c.Index, StringComparer.Ordinal);
    }

    /// <summary>One column: its name, position and type.</summary>
    public readonly record struct Column(string Name, int Index, DataViewType Type)
    {
        /// <inheritdoc/>
        public override string ToString() => $"{Name}: {Type}";
    }

    /// <summary>Builds a schema column by column; names must be unique.</summary>
    public sealed class Builder
    {
        private readonly List<(string Name, DataViewType Type)> pending = new();

        /// <summary>Adds a column at the end.</summary>
        public Builder AddColumn(string name, DataViewType type)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("a column needs a name", nameof(name));
            ArgumentNullException.ThrowIfNull(type);
            if (pending.Any(p => p.Name == name)) throw new ArgumentException($"column '{name}' is already in the schema", nameof(name));
            pending.Add((name, type));
            return this;
        }

        /// <summary>Adds every column of <paramref name="schema"/>.</summary>
        public Builder AddColumns(IEnumerable<Column> schema)
        {
            foreach (var c in schema) AddColumn(c.Name, c.Type);
            return this;
        }

        /// <summary>The schema built so far.</summary>
        public DataViewSchema ToSchema() => new(pending.Select((p, i) => new Column(p.Name, i, p.Type)).ToArray());
    }

    /// <summary>A schema of the given (name, type) pairs, in order.</summary>
    public static DataViewSchema Create(params (string Name, DataViewType Type)[] columns)
    {
        var b = new Builder();
        foreach (var (n, t) in columns) b.AddColumn(n, t);
        return b.ToSchema();
    }

    /// <inheritdoc/>
    public int Count => columns.Length;

    /// <inheritdoc/>
    public Column this[int index] => columns[index];

    /// <summary>The column named <paramref name="name"/>; the error lists the columns there are.</summary>
    public Column this[string name] => GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(name),
        $"there is no column '{name}' (columns: {string.Join(", ", columns.Select(c => c.ToString()))})");

    /// <summary>The column named <paramref name="name"/>, or null.</summary>
    public Column? GetColumnOrNull(string name) => byName.TryGetValue(name, out var i) ? columns[i] : null;

    /// <inheritdoc/>
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)columns).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", columns.Select(c => c.ToString()));
}
