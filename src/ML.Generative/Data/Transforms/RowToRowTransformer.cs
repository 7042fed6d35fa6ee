using ML.Generative.Pipeline;

namespace ML.Generative.Data.Transforms;

/// <summary>
/// The base of transforms that compute new columns from each row alone. Subclasses say which columns they add
/// (checking the input schema, so errors come at GetOutputSchema/Fit time) and how to compute them.
/// </summary>
public abstract class RowToRowTransformer : ITransformer
{
    /// <summary>The columns this transform adds, checked against <paramref name="input"/>; throws <see cref="SchemaMismatchException"/>.</summary>
    private protected abstract IReadOnlyList<MappedColumn> Map(DataViewSchema input);

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) =>
        MappedDataView.OutputSchema(inputSchema, Map(inputSchema).Select(c => (c.Name, c.Type)));

    /// <inheritdoc/>
    public virtual IDataView Transform(IDataView input) => new MappedDataView(input, Map(input.Schema));

    /// <inheritdoc/>
    public abstract void Save(ModelSaveContext context);

    /// <summary>A getter factory reading <paramref name="inputColumn"/> as <typeparamref name="TIn"/> and computing <typeparamref name="TOut"/>.</summary>
    private protected static Func<DataViewRowCursor, Delegate> Compute<TIn, TOut>(string inputColumn, Func<TIn, TOut> compute) => cursor =>
    {
        var get = cursor.GetGetter<TIn>(cursor.Schema[inputColumn]);
        return (ValueGetter<TOut>)((ref TOut value) =>
        {
            TIn v = default!;
            get(ref v);
            value = compute(v);
        });
    };

    private protected static bool IsImage(DataViewType t) => t is ImageDataViewType;
    private protected static bool IsImageVector(DataViewType t) =>
        t is VectorDataViewType { IsKnownSize: true, Dimensions.Count: 3 } v && v.ItemType.Equals(NumberDataViewType.Single);
}

/// <summary>An estimator with nothing to learn: <see cref="Fit"/> checks the schema and returns the transformer.</summary>
public class TrivialEstimator<TTransformer> : IEstimator<TTransformer> where TTransformer : class, ITransformer
{
    private readonly TTransformer transformer;

    /// <summary>An estimator that always fits to <paramref name="transformer"/>.</summary>
    public TrivialEstimator(TTransformer transformer) => this.transformer = transformer;

    /// <inheritdoc/>
    public virtual TTransformer Fit(IDataView input)
    {
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        SchemaShape.Create(transformer.GetOutputSchema(inputSchema.ToSchema()));
}
