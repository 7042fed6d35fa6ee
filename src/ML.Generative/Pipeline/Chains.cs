using System.Collections;
using ML.Generative.Pipeline;

namespace ML.Generative;

/// <summary>Estimators in order; fitting fits each on the output of the ones before it (see <see cref="EstimatorExtensions.Append"/>).</summary>
public sealed class EstimatorChain<TLastTransformer> : IEstimator<TransformerChain<TLastTransformer>>, IEstimatorChain
    where TLastTransformer : class, ITransformer
{
    private readonly IReadOnlyList<IEstimator<ITransformer>> estimators;

    internal EstimatorChain(IReadOnlyList<IEstimator<ITransformer>> estimators) => this.estimators = estimators;

    /// <summary>The estimators, first to last.</summary>
    public IReadOnlyList<IEstimator<ITransformer>> Estimators => estimators;

    /// <summary>This chain followed by <paramref name="next"/>.</summary>
    public EstimatorChain<TNew> Append<TNew>(IEstimator<TNew> next) where TNew : class, ITransformer =>
        new(estimators.Append(next).ToArray());

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        estimators.Aggregate(inputSchema, (shape, e) => e.GetOutputSchema(shape));

    /// <inheritdoc/>
    public TransformerChain<TLastTransformer> Fit(IDataView input)
    {
        // Check the whole chain's schema first, so a mistake in the last stage is not found after hours of training.
        GetOutputSchema(SchemaShape.Create(input.Schema));
        var fitted = new List<ITransformer>();
        var data = input;
        for (var i = 0; i < estimators.Count; i++)
        {
            var t = estimators[i].Fit(data);
            fitted.Add(t);
            if (i + 1 < estimators.Count)
                data = estimators[i] is ITrainingOnlyEstimator aug ? aug.TransformForTraining(data) : t.Transform(data);
        }
        return new TransformerChain<TLastTransformer>(fitted);
    }
}

/// <summary>Fitted stages in order; <see cref="Transform"/> applies each to the output of the one before it.</summary>
public sealed class TransformerChain<TLastTransformer> : ITransformer, IEnumerable<ITransformer>
    where TLastTransformer : class, ITransformer
{
    private readonly ITransformer[] transformers;

    /// <summary>A chain of <paramref name="transformers"/>; the last must be a <typeparamref name="TLastTransformer"/>.</summary>
    public TransformerChain(IEnumerable<ITransformer> transformers)
    {
        this.transformers = transformers.ToArray();
        if (this.transformers.Length > 0 && this.transformers[^1] is not TLastTransformer)
            throw new ArgumentException($"the last stage is a {this.transformers[^1].GetType().Name}, not a {typeof(TLastTransformer).Name}");
    }

    /// <summary>The last stage (null for an empty chain) — typically the model.</summary>
    public TLastTransformer? LastTransformer => transformers.Length == 0 ? null : (TLastTransformer)transformers[^1];

    /// <summary>The number of stages.</summary>
    public int Count => transformers.Length;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) =>
        transformers.Aggregate(inputSchema, (s, t) => t.GetOutputSchema(s));

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        GetOutputSchema(input.Schema);
        return transformers.Aggregate(input, (d, t) => t.Transform(d));
    }

    /// <summary>Chains are saved stage by stage by <c>ctx.Model.Save</c>, never as one component.</summary>
    public void Save(ModelSaveContext context) =>
        throw new InvalidOperationException("a transformer chain is saved stage by stage: use ctx.Model.Save(chain, schema, path)");

    /// <inheritdoc/>
    public IEnumerator<ITransformer> GetEnumerator() => ((IEnumerable<ITransformer>)transformers).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary><c>Append</c> for any estimator, as in ML.NET.</summary>
public static class EstimatorExtensions
{
    /// <summary>A chain of <paramref name="start"/> then <paramref name="next"/>.</summary>
    public static EstimatorChain<TNew> Append<TNew>(this IEstimator<ITransformer> start, IEstimator<TNew> next)
        where TNew : class, ITransformer =>
        start is IEstimatorChain chain
            ? new EstimatorChain<TNew>(chain.Estimators.Append(next).ToArray())
            : new EstimatorChain<TNew>(new IEstimator<ITransformer>[] { start, next });
}

internal interface IEstimatorChain
{
    IReadOnlyList<IEstimator<ITransformer>> Estimators { get; }
}
