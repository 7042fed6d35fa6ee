using ML.Generative.Tensors;
using System.Text.Json;
using ML.Generative.Data;
using ML.Generative.Models.Losses;
using ML.Generative.Models.Networks;
using ML.Generative.Models.Sampling;
using ML.Generative.Models.VaeGan;
using ML.Generative.Pipeline;
using ML.Generative.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Models;

/// <summary>
/// A fitted autoencoder-family model. <see cref="Transform"/> adds, lazily and in batches: <c>Latent</c>
/// (the embedding: μ for VAEs, the code for AE/WAE), <c>Reconstruction</c> (in the input's normalisation) and
/// <c>ReconstructionError</c> (per image, by <see cref="AutoencoderOptions.ErrorMetric"/>). It also samples,
/// decodes and interpolates, and saves into the model zip (options, safetensors weights, sampling state).
/// </summary>
public sealed class AutoencoderTransformer : ITransformer, IDisposable
{
    public const string LatentColumn = "Latent";
    public const string ReconstructionColumn = "Reconstruction";
    public const string ErrorColumn = "ReconstructionError";
    private const int BatchSize = 256;

    private readonly IAutoencoderModel model;
    private readonly ConvArchitecture architecture;
    private readonly OutputActivation activation;

    internal AutoencoderTransformer(string kind, AutoencoderOptions options, IAutoencoderModel model, ConvArchitecture architecture,
        OutputActivation activation, TrainingHistory history, IReadOnlyDictionary<string, Tensor> samplingState)
    {
        Kind = kind;
        Options = options;
        this.model = model;
        this.architecture = architecture;
        this.activation = activation;
        History = history;
        SamplingState = samplingState;
        model.Network.eval();
    }

    /// <summary>The component kind (<c>mlgen.vae</c>, <c>mlgen.ae</c>, <c>mlgen.wae</c>, <c>mlgen.vaegan</c>).</summary>
    public string Kind { get; }

    public AutoencoderOptions Options { get; }

    /// <summary>Per-epoch losses of the training run.</summary>
    public TrainingHistory History { get; }

    public int LatentSize => model.LatentSize;

    /// <summary>(C, H, W) of the images.</summary>
    public long[] ImageShape => new long[] { architecture.ImageChannels, architecture.ImageSize, architecture.ImageSize };

    /// <summary>The networks (in eval mode).</summary>
    public nn.Module Network => model.Network;

    private IReadOnlyDictionary<string, Tensor> SamplingState { get; }

    internal static DataViewSchema OutputSchema(DataViewSchema input, int latent, int c, int h, int w) =>
        MappedDataView.OutputSchema(input, Added(latent, c, h, w));

    private static (string, DataViewType)[] Added(int latent, int c, int h, int w) => new (string, DataViewType)[]
    {
        (LatentColumn, new VectorDataViewType(NumberDataViewType.Single, latent)),
        (ReconstructionColumn, new VectorDataViewType(NumberDataViewType.Single, c, h, w)),
        (ErrorColumn, NumberDataViewType.Single),
    };

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        var (c, h, w) = CheckInput(inputSchema);
        return OutputSchema(inputSchema, LatentSize, c, h, w);
    }

    private (int, int, int) CheckInput(DataViewSchema schema)
    {
        var (c, h, w) = AutoencoderEstimator.ImageShape(schema, Options.InputColumn);
        if (c != architecture.ImageChannels || h != architecture.ImageSize)
            throw new SchemaMismatchException(Options.InputColumn, $"[{architecture.ImageChannels}, {architecture.ImageSize}, {architecture.ImageSize}] (the shape the model was trained on)", $"[{c}, {h}, {w}]");
        return (c, h, w);
    }

    public IDataView Transform(IDataView input)
    {
        var (c, h, w) = CheckInput(input.Schema);
        return new BatchedMappedDataView(input, Options.InputColumn, Added(LatentSize, c, h, w), Compute, BatchSize);
    }

    private float[][] Compute(float[] inputs, int count)
    {
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        var x = TensorData.From(inputs.AsSpan(0, count * (int)ImageShape.Aggregate(1L, (a, b) => a * b)), new[] { (long)count }.Concat(ImageShape).ToArray());
        var latent = model.Embed(x);
        var reconstruction = model.Reconstruct(x);
        var error = ReconstructionErrors.PerImage(reconstruction, x, Options.ErrorMetric);
        return new[] { TensorData.ToFloats(latent), TensorData.ToFloats(reconstruction), TensorData.ToFloats(error) };
    }

    /// <summary>True for a decoder that also takes skip features (the U-Net VAE-GAN): its samples draw them as
    /// <see cref="VaeGanOptions.SkipSampling"/> says, or as the <c>skipSampling</c> argument of a call overrides.</summary>
    public bool UsesSkips => model.UsesSkips;

    /// <summary>The stages of <paramref name="model"/> (a chain, or one transformer) and the index of its last
    /// autoencoder-family stage, −1 when it has none; the stages before it prepare that stage's input.</summary>
    internal static (List<ITransformer> Stages, int Index) LastStageIn(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var stages = model is IEnumerable<ITransformer> chain ? chain.ToList() : new List<ITransformer> { model };
        return (stages, stages.FindLastIndex(s => s is AutoencoderTransformer));
    }

    /// <summary>The embeddings (B, d) of images (B, C, H, W) in the input's normalisation.</summary>
    internal Tensor Embed(Tensor images) => model.Embed(images);

    /// <summary>The deterministic reconstructions of images (B, C, H, W) in the input's normalisation.</summary>
    internal Tensor Reconstruct(Tensor images) => model.Reconstruct(images);

    /// <summary>New images decoded from prior codes: an <c>Image</c> column [C, H, W] in the training data's
    /// normalisation. The same seed gives the same images.</summary>
    /// <param name="count">How many images.</param>
    /// <param name="seed">The same seed gives the same images.</param>
    /// <param name="skipSampling">U-Net only: where skip features come from (null: the options' choice).</param>
    public IDataView Sample(int count, long seed = 0, SkipSampling? skipSampling = null)
    {
        using var scope = NewDisposeScope();
        return ToView(SampleTensor(count, seed, skipSampling));
    }

    /// <summary>Sampled images as a (count, C, H, W) tensor (the caller disposes it).</summary>
    public Tensor SampleTensor(int count, long seed = 0, SkipSampling? skipSampling = null)
    {
        if (skipSampling is not null && !model.UsesSkips)
            throw new ArgumentException($"skipSampling applies only to the U-Net VAE-GAN; this model ({Kind}) has no skip inputs", nameof(skipSampling));
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        var codes = model.PriorCodes(count, seed);
        return model.Decode(codes, seed, skipSampling).MoveToOuterDisposeScope();
    }

    /// <summary>Decodes codes (n, <see cref="LatentSize"/>) into images (n, C, H, W) in the training data's
    /// normalisation (the caller disposes the tensor); <paramref name="seed"/> only matters for a U-Net's skips.</summary>
    public Tensor DecodeTensor(Tensor codes, long seed = 0)
    {
        if (codes.Dimensions != 2 || codes.shape[1] != LatentSize)
            throw new ArgumentException($"codes must be (n, {LatentSize}), got ({string.Join(", ", codes.shape)})", nameof(codes));
        using var mode = inference_mode();
        return model.Decode(codes.to(ScalarType.Float32), seed);
    }

    /// <summary>Decodes latent codes (each of <see cref="LatentSize"/> values) into an <c>Image</c> view.</summary>
    public IDataView Decode(IReadOnlyList<float[]> latents, long seed = 0)
    {
        if (latents.Count == 0) throw new ArgumentException("no latent codes to decode", nameof(latents));
        if (latents.Any(l => l.Length != LatentSize)) throw new ArgumentException($"every latent code must have {LatentSize} values", nameof(latents));
        using var scope = NewDisposeScope();
        using var z = TensorData.From(latents.SelectMany(l => l).ToArray(), latents.Count, LatentSize);
        return ToView(DecodeTensor(z, seed));
    }

    /// <summary>The images decoded along a path between the embeddings of two images (each [C·H·W] values in
    /// the input's normalisation): <paramref name="steps"/> rows, both ends included.</summary>
    public IDataView Interpolate(float[] fromImage, float[] toImage, int steps, Interpolation kind = Interpolation.Linear)
    {
        var size = (int)ImageShape.Aggregate(1L, (a, b) => a * b);
        if (fromImage.Length != size || toImage.Length != size)
            throw new ArgumentException($"images must have {size} values ({string.Join("x", ImageShape)})");
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        var x = TensorData.From(fromImage.Concat(toImage).ToArray(), new[] { 2L }.Concat(ImageShape).ToArray());
        var z = model.Embed(x);
        var path = LatentInterpolation.Path(z[0], z[1], steps, kind);
        return ToView(model.Decode(path, 0));
    }

    private IDataView ToView(Tensor images)
    {
        var n = (int)images.shape[0];
        var size = (int)ImageShape.Aggregate(1L, (a, b) => a * b);
        var flat = TensorData.ToFloats(images);
        var rows = new float[n][];
        for (var i = 0; i < n; i++) rows[i] = flat.AsSpan(i * size, size).ToArray();
        var schema = new DataViewSchema.Builder();
        schema.AddColumn("Image", new VectorDataViewType(NumberDataViewType.Single, ImageShape.Select(d => (int)d).ToArray()));
        return new InMemoryDataView(schema.ToSchema(), new Array[] { rows });
    }

    // ---- saving ------------------------------------------------------------------------------------
    // Stage layout in the model zip: options (the family's options record as JSON), "model.json" (architecture
    // facts that are not options: output activation, training history), "weights" (safetensors state dict of
    // every network), "sampling" (safetensors: cached codes or reference images the sampler needs).

    public void Save(ModelSaveContext context)
    {
        context.SetKind(Kind);
        // Where this run kept its checkpoints says nothing about the model, and would leak a local path into the zip.
        context.SetOptions((object)(Options with { CheckpointPath = null, Resume = false }));
        var meta = new SavedModel(activation, History);
        context.AddEntry("model.json", JsonSerializer.SerializeToUtf8Bytes(meta));
        context.AddTensors("weights", model.Network.state_dict());
        context.AddTensors("sampling", SamplingState);
    }

    internal static AutoencoderTransformer Load(ModelLoadContext context)
    {
        var family = AutoencoderFamilies.ByKind[context.Kind];
        var options = (AutoencoderOptions?)context.Options?.Deserialize(family.OptionsType, ModelJson.Options)
            ?? throw new InvalidDataException($"stage {context.StageIndex} ({context.Kind}) has no options");
        options.Validate();
        var meta = JsonSerializer.Deserialize<SavedModel>(context.ReadEntry("model.json"))
            ?? throw new InvalidDataException($"stage {context.StageIndex} ({context.Kind}): model.json is empty");
        var (c, h, _) = AutoencoderEstimator.ImageShape(context.InputSchema, options.InputColumn);
        var arch = ConvArchitecture.ForImage(c, h, options.Width);
        var parts = family.Build(options, arch, meta.Activation);
        var weights = context.ReadTensors("weights");
        try
        {
            Serialization.StateDicts.LoadInto(parts.Model.Network, weights);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
        var sampling = context.ReadTensors("sampling");
        parts.Model.RestoreSamplingState(sampling);
        return new AutoencoderTransformer(context.Kind, options, parts.Model, arch, meta.Activation, meta.History, sampling);
    }

    private sealed record SavedModel(OutputActivation Activation, TrainingHistory History);

    public void Dispose()
    {
        model.Network.Dispose();
        foreach (var t in SamplingState.Values) t.Dispose();
    }
}
