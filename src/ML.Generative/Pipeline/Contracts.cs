using ML.Generative.Pipeline;

namespace ML.Generative;

/// <summary>Something that writes itself into a model zip (see <see cref="ModelOperationsCatalog"/>).</summary>
public interface ICanSaveModel
{
    /// <summary>Writes the component's kind, options and entries (weights, statistics) into <paramref name="context"/>.</summary>
    void Save(ModelSaveContext context);
}

/// <summary>
/// A fitted pipeline stage: maps a view to a new view. <see cref="Transform"/> is lazy — it checks the
/// schema and returns at once; nothing is computed until a cursor of the result reads a row.
/// </summary>
public interface ITransformer : ICanSaveModel
{
    /// <summary>The schema <see cref="Transform"/> would produce; throws <see cref="SchemaMismatchException"/> on a bad input.</summary>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>A lazy view of <paramref name="input"/> transformed.</summary>
    IDataView Transform(IDataView input);
}

/// <summary>An untrained pipeline stage: <see cref="Fit"/> learns from data and gives a transformer.</summary>
public interface IEstimator<out TTransformer> where TTransformer : ITransformer
{
    /// <summary>Learns from <paramref name="input"/> (checking its schema first).</summary>
    TTransformer Fit(IDataView input);

    /// <summary>The shape the fitted transformer would output; throws <see cref="SchemaMismatchException"/> on a bad input.</summary>
    SchemaShape GetOutputSchema(SchemaShape inputSchema);
}

/// <summary>
/// An estimator whose stage changes only training data (random augmentation): while a chain is fitted, the
/// stages after it see <see cref="TransformForTraining"/>'s output, while the fitted transformer passes rows through.
/// </summary>
public interface ITrainingOnlyEstimator
{
    /// <summary>The training data as the next stages should see it while fitting.</summary>
    IDataView TransformForTraining(IDataView input);
}
