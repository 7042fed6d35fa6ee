using ML.Generative.Pipeline;

namespace ML.Generative;

/// <summary>
/// The entry point, like ML.NET's <c>MLContext</c>: a seed and the catalogs of operations —
/// <see cref="Data"/> (loading, splitting, shuffling), <see cref="Transforms"/> (image and pixel stages),
/// <see cref="Generative"/> (models), <see cref="Evaluate"/> (metrics) and <see cref="Model"/> (save, load).
/// </summary>
public sealed class GenerativeContext
{
    private readonly Random seeds;
    private readonly object gate = new();

    /// <summary>A context whose random choices (shuffles, splits, augmentation) follow <paramref name="seed"/>;
    /// with no seed they differ from run to run.</summary>
    public GenerativeContext(int? seed = null)
    {
        Seed = seed;
        seeds = seed is int s ? new Random(s) : new Random();
        Data = new DataOperationsCatalog(this);
        Transforms = new TransformsCatalog(this);
        Model = new ModelOperationsCatalog(this);
        Generative = new GenerativeCatalog(this);
        Evaluate = new EvaluateCatalog(this);
    }

    /// <summary>The seed given, or null.</summary>
    public int? Seed { get; }

    /// <summary>Loading, in-memory views, splitting, shuffling, label helpers, batching.</summary>
    public DataOperationsCatalog Data { get; }
    /// <summary>Image and pixel transforms.</summary>
    public TransformsCatalog Transforms { get; }
    /// <summary>Saving and loading model zips.</summary>
    public ModelOperationsCatalog Model { get; }
    /// <summary>Generative models (filled by the model families).</summary>
    public GenerativeCatalog Generative { get; }
    /// <summary>Metrics: anomaly scores, FID (filled by the evaluation issues).</summary>
    public EvaluateCatalog Evaluate { get; }

    /// <summary>The next seed of this context's sequence, for a component given no seed of its own: the
    /// same context seed and the same order of calls give the same seeds.</summary>
    public int NextSeed()
    {
        lock (gate) return seeds.Next();
    }
}

/// <summary>The base of the catalogs: each knows its context, so extension methods can reach the seed.</summary>
public abstract class CatalogBase
{
    private protected CatalogBase(GenerativeContext context) => Context = context;

    /// <summary>The context this catalog belongs to.</summary>
    public GenerativeContext Context { get; }
}

/// <summary>Generative models; the model families add their estimators here as extension methods.</summary>
public sealed class GenerativeCatalog : CatalogBase
{
    internal GenerativeCatalog(GenerativeContext context) : base(context) { }
}

/// <summary>Metrics; the evaluation issues add anomaly metrics and FID here as extension methods.</summary>
public sealed class EvaluateCatalog : CatalogBase
{
    internal EvaluateCatalog(GenerativeContext context) : base(context) { }
}
