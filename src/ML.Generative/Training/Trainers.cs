namespace ML.Generative.Training;

/// <summary>Trains a model with one objective and one optimizer (AE, VAE, WAE-MMD).</summary>
public sealed class SingleObjectiveTrainer
{
    private readonly TrainingLoop loop;

    public SingleObjectiveTrainer(TrainerOptions options, ICheckpointStore? checkpoints = null) => loop = new TrainingLoop(options, checkpoints);

    public TrainingHistory Fit(ITrainable model, IBatchSource train, IBatchSource? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (model.Objectives.Count != 1)
            throw new ArgumentException($"a single-objective model has one objective; this one has {model.Objectives.Count} (use AdversarialTrainer)");
        return loop.Run(model, train, validation, progress, cancellation);
    }
}

/// <summary>Trains players in alternation, each with its own optimizer and learning rate (TTUR) and its
/// own number of updates per batch (VAE-GAN, WAE-GAN/AAE, the GANs).</summary>
public sealed class AdversarialTrainer
{
    private readonly TrainingLoop loop;

    public AdversarialTrainer(TrainerOptions options, ICheckpointStore? checkpoints = null) => loop = new TrainingLoop(options, checkpoints);

    public TrainingHistory Fit(ITrainable model, IBatchSource train, IBatchSource? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (model.Objectives.Count < 2)
            throw new ArgumentException($"an adversarial model has at least two players; this one has {model.Objectives.Count} (use SingleObjectiveTrainer)");
        return loop.Run(model, train, validation, progress, cancellation);
    }
}
