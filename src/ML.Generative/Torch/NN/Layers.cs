namespace ML.Generative.Torch.Modules;

using ML.Generative.Torch;
using static ML.Generative.Torch.torch;

/// <summary>A module that applies a stateless function (activations, flatten, ...).</summary>
public sealed class Lambda : nn.Module<Tensor, Tensor>, IInPlaceLayer
{
    private readonly Func<Tensor, Tensor> function;
    private readonly Func<Tensor, Tensor>? inPlace;

    /// <param name="name">The module's name.</param>
    /// <param name="function">The function.</param>
    /// <param name="inPlace">The same function overwriting its input, for <see cref="Sequential"/> to use on its
    /// own intermediate results when no gradient is recorded (null: none).</param>
    public Lambda(string name, Func<Tensor, Tensor> function, Func<Tensor, Tensor>? inPlace = null) : base(name)
    {
        this.function = function;
        this.inPlace = inPlace;
    }

    public override Tensor forward(Tensor input) => function(input);

    /// <summary>Whether this lambda has an in-place form (the library's activations): it keeps no reference to
    /// what it returns, unlike a user's lambda, which might.</summary>
    internal bool HasInPlaceForm => inPlace != null;

    Tensor? IInPlaceLayer.ForwardInPlace(Tensor input) => inPlace?.Invoke(input);
}

/// <summary>A layer that can overwrite its input with its result. <see cref="Sequential"/> uses it only for an
/// intermediate result of its own (never the caller's tensor or a view of it) and only while no gradient is
/// recorded (inference, no_grad): a sampled batch then needs one buffer per layer instead of two.</summary>
internal interface IInPlaceLayer
{
    /// <summary>The result written over <paramref name="input"/> (returned), or null where this layer can't
    /// (then <c>forward</c> runs).</summary>
    Tensor? ForwardInPlace(Tensor input);
}

/// <summary>Randomly zeroes elements with probability p in training, scaling the rest by 1/(1-p).</summary>
public sealed class Dropout : nn.Module<Tensor, Tensor>
{
    private readonly double p;

    public Dropout(double p = 0.5) : base("Dropout")
    {
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        this.p = p;
    }

    public override Tensor forward(Tensor input) => nn.functional.dropout(input, p, training);
}

/// <summary>A lookup table of <c>num_embeddings</c> vectors of size <c>embedding_dim</c>.</summary>
public sealed class Embedding : nn.Module<Tensor, Tensor>
{
    private readonly long paddingIdx;
    public readonly nn.Parameter weight;

    public Embedding(long numEmbeddings, long embeddingDim, long? paddingIdx = null, Device? device = null, ScalarType? dtype = null) : base("Embedding")
    {
        this.paddingIdx = paddingIdx ?? -1;
        weight = new nn.Parameter(randn(new[] { numEmbeddings, embeddingDim }, dtype, device));
        if (paddingIdx is { } pi)
            using (no_grad()) weight.index_put_(0.0, pi);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.embedding(input, weight, paddingIdx);
}

/// <summary>Resizes (N, C, H, W) by a scale factor or to a size (nearest or bilinear).</summary>
public sealed class Upsample : nn.Module<Tensor, Tensor>
{
    private readonly long[]? size;
    private readonly double[]? scale;
    private readonly nn.UpsampleMode mode;
    private readonly bool? alignCorners;

    public Upsample(long[]? size = null, double[]? scaleFactor = null, nn.UpsampleMode mode = nn.UpsampleMode.Nearest,
        bool? alignCorners = null) : base("Upsample")
    {
        this.size = size;
        scale = scaleFactor;
        this.mode = mode;
        this.alignCorners = alignCorners;
    }

    public override Tensor forward(Tensor input) => nn.functional.interpolate(input, size, scale, mode, alignCorners);
}

/// <summary>Runs its children in order; children are named "0", "1", ... (or as given), as in PyTorch.</summary>
public sealed class Sequential : nn.Module<Tensor, Tensor>
{
    private readonly List<nn.Module<Tensor, Tensor>> layers = new();

    public Sequential() : base("Sequential") { }

    public Sequential(params nn.Module<Tensor, Tensor>[] modules) : base("Sequential")
    {
        foreach (var m in modules) append(m);
    }

    public Sequential(params (string name, nn.Module<Tensor, Tensor> module)[] modules) : base("Sequential")
    {
        foreach (var (n, m) in modules)
        {
            register_module(n, m);
            layers.Add(m);
        }
    }

    public Sequential append(nn.Module<Tensor, Tensor> module)
    {
        register_module(layers.Count.ToString(), module);
        layers.Add(module);
        return this;
    }

    public int Count => layers.Count;
    public nn.Module<Tensor, Tensor> this[int index] => layers[index];

    // Layers known to hand back a tensor they keep no reference to: only their results may be overwritten in place
    // (a user's module might keep its output, e.g. to read features later).
    private static bool ResultIsOwned(nn.Module<Tensor, Tensor> layer) =>
        layer is Linear or Conv2d or ConvTranspose2d or BatchNorm or Lambda { HasInPlaceForm: true };

    public override Tensor forward(Tensor input)
    {
        if (layers.Count == 0) return input.alias();
        // Intermediate results are disposed as soon as the next layer has consumed them; never the caller's
        // input, nor a tensor that a layer handed back as its result (in-place activations, identities).
        var x = layers[0].forward(input);
        var recording = is_grad_enabled();
        for (var i = 1; i < layers.Count; i++)
        {
            var next = !recording && layers[i] is IInPlaceLayer layer && ResultIsOwned(layers[i - 1]) && !ReferenceEquals(x, input) && !x.SharesStorageWith(input)
                ? layer.ForwardInPlace(x) ?? layers[i].forward(x)
                : layers[i].forward(x);
            if (!ReferenceEquals(next, x) && !ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }
        return x;
    }
}

/// <summary>A list of child modules named "0", "1", ... (no forward of its own).</summary>
public sealed class ModuleList<T> : nn.Module, IReadOnlyList<T> where T : nn.Module
{
    private readonly List<T> items = new();

    public ModuleList(params T[] modules) : base("ModuleList")
    {
        foreach (var m in modules) append(m);
    }

    public ModuleList<T> append(T module)
    {
        register_module(items.Count.ToString(), module);
        items.Add(module);
        return this;
    }

    public T this[int index] => items[index];
    public int Count => items.Count;
    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
