using ML.Generative.Data;
using ML.Generative.Models.Networks;
using ML.Generative.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Models;

/// <summary>
/// Trains an autoencoder-family model (VAE, AE, WAE, VAE-GAN, U-Net VAE-GAN, AAE) on an image column: a
/// float vector [C, H, W] (C = 1 or 3; H = W = 28, 32 or 64), as ExtractPixels/NormalizePixels produce.
/// The family is chosen by the options' type. Training is the shared <see cref="TrainingLoop"/>; progress,
/// cancellation and checkpoints are set on the estimator.
/// </summary>
public sealed class AutoencoderEstimator : IEstimator<AutoencoderTransformer>
{
    public AutoencoderEstimator(AutoencoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Kind = AutoencoderFamilies.For(options).Kind;
    }

    public AutoencoderOptions Options { get; }

    /// <summary>The stable component kind of the fitted transformer (e.g. <c>mlgen.vae</c>).</summary>
    public string Kind { get; }

    /// <summary>Receives a report after every training step and at the end of each epoch.</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Rows to compute the per-epoch validation losses on instead of holding out
    /// <see cref="AutoencoderOptions.ValidationFraction"/> of the training rows — e.g. a test split, for train/test
    /// curves. They must already be in this estimator's input form (passed through the stages before it).</summary>
    public IDataView? ValidationSet { get; init; }

    /// <summary>Stops training between steps (the last epoch checkpoint is kept).</summary>
    public CancellationToken Cancellation { get; init; }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var schema = inputSchema.ToSchema();
        var (c, h, w) = ImageShape(schema, Options.InputColumn);
        return SchemaShape.Create(AutoencoderTransformer.OutputSchema(schema, Options.LatentSize, c, h, w));
    }

    /// <summary>The (C, H, W) of the input column, or a <see cref="SchemaMismatchException"/> naming it.</summary>
    internal static (int c, int h, int w) ImageShape(DataViewSchema schema, string column)
    {
        var col = schema.GetColumnOrNull(column)
            ?? throw new SchemaMismatchException(column, "Vector<Single>[C, H, W]", null);
        if (col.Type is not VectorDataViewType { Dimensions.Count: 3, IsKnownSize: true } v || !v.ItemType.Equals(NumberDataViewType.Single))
            throw new SchemaMismatchException(column, "Vector<Single>[C, H, W] (use ExtractPixels or NormalizePixels first)", col.Type.ToString());
        var (c, h, w) = (v.Dimensions[0], v.Dimensions[1], v.Dimensions[2]);
        if (c is not (1 or 3) || h != w)
            throw new SchemaMismatchException(column, "square images with 1 or 3 channels", $"[{c}, {h}, {w}]");
        return (c, h, w);
    }

    public AutoencoderTransformer Fit(IDataView input)
    {
        Runtime.TorchRuntime.EnsureInitialized();
        var device = TrainingDevice(Options.Device);
        var (c, h, _) = ImageShape(input.Schema, Options.InputColumn);
        var arch = ConvArchitecture.ForImage(c, h, Options.Width);
        using var all = ReadImages(input, Options.InputColumn);
        var activation = Options.OutputActivation ?? ActivationFor(all);
        if (Options.ReconstructionLoss == Losses.ReconstructionLoss.BinaryCrossEntropy && activation != OutputActivation.Sigmoid)
            throw new ArgumentException($"ReconstructionLoss BinaryCrossEntropy needs pixels in [0, 1]; column '{Options.InputColumn}' holds values outside it (normalise with PixelRange.ZeroToOne, or use MeanSquaredError)");
        var (train, validation) = ValidationSet is null ? Split(all, Options.ValidationFraction, Options.Seed) : (all.alias().DetachFromDisposeScope(), ValidationImages(c, h));
        using var trainSource = OnDevice(train, device)!;
        using var validationSource = OnDevice(validation, device);

        manual_seed(Options.Seed);
        var parts = AutoencoderFamilies.For(Options).Build(Options, arch, activation);
        parts.Model.Network.to(device);
        var store = Options.CheckpointPath is null ? null : new FileCheckpointStore(Options.CheckpointPath);
        var snapshot = Options.EpochSamples > 0 ? EpochSampleGrid(parts.Model, trainSource.Images, activation, device) : null;
        var history = new TrainingLoop(Options, store, snapshot).Run(parts.Objective, trainSource, validationSource, Progress, Cancellation);
        // The fitted transformer runs on the CPU, where pipelines read and write rows.
        parts.Model.Network.to(CPU);
        parts.Model.Network.eval();
        using var trainImages = trainSource.Images.to(CPU);
        var sampling = parts.Model.CaptureSamplingState(trainImages);
        return new AutoencoderTransformer(Kind, Options, parts.Model, arch, activation, history, sampling);
    }

    // Samples from the same codes (and seed) at every epoch's end. Models whose sampling needs state from the
    // training images (a plain AE's cached codes, the U-Net's reference skips) take it from the first 512 of them.
    private Func<int, byte[]?> EpochSampleGrid(IAutoencoderModel model, Tensor trainImages, OutputActivation activation, Device device) => _ =>
    {
        using var scope = NewDisposeScope();
        model.CaptureSamplingState(trainImages.narrow(0, 0, Math.Min(512, trainImages.shape[0])));
        var codes = model.PriorCodes(Options.EpochSamples, Options.Seed).to(device);
        var images = model.Decode(codes, Options.Seed).to(CPU);
        var display = activation switch
        {
            OutputActivation.Sigmoid => images,
            OutputActivation.Tanh => (images + 1) / 2,
            _ => (images - images.min()) / (images.max() - images.min() + 1e-12), // unknown range: stretch for display
        };
        return ImageGrid.Png(display.clamp(0, 1), columns: Math.Min(8, Options.EpochSamples));
    };

    private Tensor ValidationImages(int c, int h)
    {
        if (Options.ValidationFraction > 0)
            throw new ArgumentException($"give either ValidationSet or ValidationFraction ({Options.ValidationFraction}), not both");
        var (vc, vh, _) = ImageShape(ValidationSet!.Schema, Options.InputColumn);
        if (vc != c || vh != h)
            throw new SchemaMismatchException(Options.InputColumn, $"[{c}, {h}, {h}] in the validation set (the training images' shape)", $"[{vc}, {vh}, {vh}]");
        return ReadImages(ValidationSet, Options.InputColumn);
    }

    // A batch source on the training device; the given tensor is consumed.
    private static TensorBatchSource? OnDevice(Tensor? images, Device device)
    {
        if (images is null) return null;
        using (images)
        using (var moved = images.to(device))
            return new TensorBatchSource(moved);
    }

    private static Device TrainingDevice(string description)
    {
        var device = Devices.Parse(description);
        if (device.type == DeviceType.CUDA && !cuda.is_available())
            throw new ArgumentException($"Device '{description}': CUDA is not available here (this libtorch has no CUDA support or no GPU is visible); use \"cpu\"");
        return device;
    }

    /// <summary>All rows of the image column as one (N, C, H, W) tensor.</summary>
    internal static Tensor ReadImages(IDataView input, string column)
    {
        using var scope = NewDisposeScope();
        var batches = new List<Tensor>();
        foreach (var batch in new TensorBatches(input, column, new BatchOptions { BatchSize = 1024 }))
            batches.Add(batch.Features);
        if (batches.Count == 0) throw new ArgumentException($"there are no rows to train on in column '{column}'");
        return cat(batches).MoveToOuterDisposeScope().DetachFromDisposeScope();
    }

    // The decoder's output range must cover the data: sigmoid for [0, 1], tanh for [−1, 1], linear otherwise.
    private static OutputActivation ActivationFor(Tensor images)
    {
        var min = images.min().ToSingle();
        var max = images.max().ToSingle();
        return min >= 0 && max <= 1 ? OutputActivation.Sigmoid : min >= -1 && max <= 1 ? OutputActivation.Tanh : OutputActivation.None;
    }

    private static (Tensor train, Tensor? validation) Split(Tensor all, double fraction, int seed)
    {
        var n = all.shape[0];
        var held = (long)Math.Round(n * fraction);
        if (held == 0) return (all.alias().DetachFromDisposeScope(), null);
        if (n - held < 2) throw new ArgumentException($"ValidationFraction {fraction} leaves fewer than 2 of {n} rows for training");
        var order = Enumerable.Range(0, (int)n).Select(i => (long)i).ToArray();
        new Random(seed).Shuffle(order);
        using var idx = tensor(order);
        using var trainIdx = idx.narrow(0, 0, n - held);
        using var validIdx = idx.narrow(0, n - held, held);
        return (all.index_select(0, trainIdx).DetachFromDisposeScope(), all.index_select(0, validIdx).DetachFromDisposeScope());
    }
}
