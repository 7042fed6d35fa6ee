using ML.Generative.Data;

namespace ML.Generative;

/// <summary>
/// What an estimator knows about a schema before any data is read: column names and types, used by
/// <see cref="IEstimator{TTransformer}.GetOutputSchema"/> to catch mismatches before fitting.
/// </summary>
public sealed class SchemaShape : IReadOnlyList<SchemaShape.Column>
{
    private readonly Column[] columns;

    /// <summary>A shape of the given columns (names must be unique).</summary>
    public SchemaShape(IEnumerable<Column> columns)
    {
        this.columns = columns.ToArray();
        var dup = this.columns.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"column '{dup.Key}' appears twice");
    }

    /// <summary>How many values a column holds per row.</summary>
    public enum VectorKind
    {
        /// <summary>One value.</summary>
        Scalar,
        /// <summary>A vector of known size.</summary>
        Vector,
        /// <summary>A vector whose size varies.</summary>
        VariableVector,
    }

    /// <summary>A column's name and type.</summary>
    public readonly record struct Column(string Name, DataViewType Type)
    {
        /// <summary>Scalar, vector of known size, or vector of varying size.</summary>
        public VectorKind Kind => Type is VectorDataViewType v ? (v.IsKnownSize ? VectorKind.Vector : VectorKind.VariableVector) : VectorKind.Scalar;
        /// <summary>The item type of a vector; the type itself otherwise.</summary>
        public DataViewType ItemType => Type is VectorDataViewType v ? v.ItemType : Type;
        /// <summary>True for class-label (key) columns.</summary>
        public bool IsKey => Type is KeyDataViewType;
        /// <inheritdoc/>
        public override string ToString() => $"{Name}: {Type}";
    }

    /// <summary>The shape of an existing schema.</summary>
    public static SchemaShape Create(DataViewSchema schema) => new(schema.Select(c => new Column(c.Name, c.Type)));

    /// <inheritdoc/>
    public int Count => columns.Length;
    /// <inheritdoc/>
    public Column this[int index] => columns[index];

    /// <summary>The column named <paramref name="name"/>, or null.</summary>
    public Column? FindColumn(string name)
    {
        foreach (var c in columns) if (c.Name == name) return c;
        return null;
    }

    /// <summary>
    /// The column named <paramref name="name"/> when <paramref name="accepts"/> its type; otherwise a
    /// <see cref="SchemaMismatchException"/> naming the column, <paramref name="expected"/> and the actual type.
    /// </summary>
    public Column Require(string name, Func<DataViewType, bool> accepts, string expected)
    {
        var c = FindColumn(name) ?? throw new SchemaMismatchException(name, expected, null,
            $"column '{name}' was not found; expected {expected} (columns: {string.Join(", ", columns)})");
        if (!accepts(c.Type)) throw new SchemaMismatchException(name, expected, c.Type.ToString());
        return c;
    }

    /// <summary>This shape with <paramref name="added"/> columns replacing or following its own.</summary>
    public SchemaShape With(params Column[] added) =>
        new(columns.Where(c => added.All(a => a.Name != c.Name)).Concat(added));

    /// <summary>A schema with these columns.</summary>
    public DataViewSchema ToSchema() => DataViewSchema.Create(columns.Select(c => (c.Name, c.Type)).ToArray());

    /// <inheritdoc/>
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)columns).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", columns);
}

/// <summary>A column is missing or has the wrong type for an estimator or transformer.</summary>
public sealed class SchemaMismatchException : ArgumentException
{
    /// <summary>A mismatch on <paramref name="column"/>; <paramref name="actual"/> is null when it is missing.</summary>
    public SchemaMismatchException(string column, string expected, string? actual, string? message = null)
        : base(message ?? $"schema mismatch for column '{column}': expected {expected}, got {actual}")
        => (ColumnName, Expected, Actual) = (column, expected, actual);

    /// <summary>The column at fault.</summary>
    public string ColumnName { get; }
    /// <summary>What was expected, in words.</summary>
    public string Expected { get; }
    /// <summary>The column's actual type, or null when the column is missing.</summary>
    public string? Actual { get; }
}
