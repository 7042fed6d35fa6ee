using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Training;

/// <summary>
/// The one training loop every model uses: epochs of shuffled batches, each objective's update in order, a
/// NaN/Inf guard, progress, per-epoch validation, atomic checkpoints and exact resume, and cancellation.
/// Reproducibility: libtorch's generator is reseeded from (seed, epoch) at the start of every epoch and the
/// shuffle order is drawn from (seed, epoch), so a run resumed at an epoch boundary continues exactly as an
/// uninterrupted one. <see cref="SingleObjectiveTrainer"/> and <see cref="AdversarialTrainer"/> are its
/// two faces.
/// </summary>
public sealed class TrainingLoop
{
    private readonly TrainerOptions options;
    private readonly ICheckpointStore? checkpoints;
    private readonly Func<int, byte[]?>? epochSnapshot;

    /// <param name="options">Epochs, batch size, seed, resume.</param>
    /// <param name="checkpoints">Where epoch checkpoints go (none when null).</param>
    /// <param name="epochSnapshot">Called at the end of every epoch, with the networks in eval mode and no autograd,
    /// for a PNG the history keeps as <see cref="EpochRecord.SampleGrid"/> (e.g. samples from a fixed latent batch).</param>
    public TrainingLoop(TrainerOptions options, ICheckpointStore? checkpoints = null, Func<int, byte[]?>? epochSnapshot = null)
    {
        this.epochSnapshot = epochSnapshot;
        options.Validate();
        this.options = options;
        this.checkpoints = checkpoints;
    }

    public TrainingHistory Run(ITrainable model, IBatchSource train, IBatchSource? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        Runtime.TorchRuntime.EnsureInitialized();
        var objectives = model.Objectives;
        if (objectives.Count == 0) throw new ArgumentException("the model has no objective to train");
        foreach (var o in objectives) o.Optimizer.Validate(o.Name);
        var optimizers = objectives.Select(o => o.Optimizer.Create(o.Parameters)).ToArray();
        try
        {
            return RunEpochs(model, optimizers, train, validation, progress, cancellation);
        }
        finally
        {
            foreach (var o in optimizers) o.Dispose();
        }
    }

    private TrainingHistory RunEpochs(ITrainable model, optim.Optimizer[] optimizers, IBatchSource train,
        IBatchSource? validation, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var objectives = model.Objectives;
        var stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = stepsPerEpoch * options.Epochs;
        var history = new TrainingHistory();
        var startEpoch = 0;
        long step = 0;
        if (options.Resume && checkpoints?.Load() is { } resumed)
            (startEpoch, step, history) = Restore(model, optimizers, resumed);

        var clock = Stopwatch.StartNew();
        var trainSeconds = history.TrainingSeconds;
        long imagesThisRun = 0;
        for (var epoch = startEpoch; epoch < options.Epochs; epoch++)
        {
            manual_seed(EpochSeed(epoch));
            model.Network.train();
            var epochLosses = new LossAccumulator();
            var epochClock = Stopwatch.StartNew();
            foreach (var batch in train.Batches(options.BatchSize, shuffle: true, seed: EpochSeed(epoch)))
            {
                using var batchOwner = batch;
                cancellation.ThrowIfCancellationRequested();
                var context = new TrainingContext(epoch, step, totalSteps, true);
                var values = Step(objectives, optimizers, batch, context);
                var n = batch.shape[0];
                epochLosses.Add(values, n);
                step++;
                imagesThisRun += n;
                progress?.Report(new TrainingProgress
                {
                    Epoch = epoch, Epochs = options.Epochs, Step = step, TotalSteps = totalSteps, Losses = values,
                    ImagesPerSecond = imagesThisRun / Math.Max(1e-9, clock.Elapsed.TotalSeconds), Elapsed = clock.Elapsed,
                });
            }
            trainSeconds += epochClock.Elapsed.TotalSeconds;
            var validationLosses = validation is null ? null : Validate(model, validation, epoch, step, totalSteps);
            var record = new EpochRecord(epoch, epochLosses.Means(), validationLosses) { SampleGrid = Snapshot(model, epoch) };
            history.Epochs.Add(record);
            history.Steps = step;
            history.TrainingSeconds = trainSeconds;
            history.ImagesPerSecond = step * (double)options.BatchSize / Math.Max(1e-9, trainSeconds);
            if (checkpoints is not null) SaveCheckpoint(model, optimizers, epoch + 1, step, history);
            progress?.Report(new TrainingProgress
            {
                Epoch = epoch, Epochs = options.Epochs, Step = step, TotalSteps = totalSteps, Losses = record.Train,
                ValidationLosses = validationLosses, EndOfEpoch = true,
                ImagesPerSecond = imagesThisRun / Math.Max(1e-9, clock.Elapsed.TotalSeconds), Elapsed = clock.Elapsed,
            });
        }
        model.Network.eval();
        return history;
    }

    private byte[]? Snapshot(ITrainable model, int epoch)
    {
        if (epochSnapshot is null) return null;
        model.Network.eval();
        try
        {
            using var mode = inference_mode();
            return epochSnapshot(epoch);
        }
        finally
        {
            model.Network.train();
        }
    }

    private int EpochSeed(int epoch) => unchecked(options.Seed * 1_000_003 + epoch);

    /// <summary>One batch: each objective's updates in order; returns the logged values.</summary>
    private static IReadOnlyDictionary<string, double> Step(IReadOnlyList<Objective> objectives, optim.Optimizer[] optimizers,
        Tensor batch, TrainingContext context)
    {
        var values = new Dictionary<string, double>();
        for (var i = 0; i < objectives.Count; i++)
        {
            var objective = objectives[i];
            for (var u = 0; u < objective.UpdatesPerBatch; u++)
            {
                optimizers[i].zero_grad();
                var logged = LossAndBackward(objective, batch, context);
                // Checked before the update, so a diverged loss never reaches the weights.
                foreach (var (name, value) in logged)
                    if (!double.IsFinite(value))
                        throw new TrainingDivergedException(context.Step, context.Epoch, Prefixed(objectives, objective, name), value);
                optimizers[i].step();
                foreach (var (name, value) in logged) values[Prefixed(objectives, objective, name)] = value;
            }
        }
        return values;
    }

    private static IReadOnlyDictionary<string, double> LossAndBackward(Objective objective, Tensor batch, TrainingContext context)
    {
        using var scope = NewDisposeScope();
        using var loss = objective.Loss(batch, context);
        var logged = loss.Values();
        loss.Total.backward();
        return logged;
    }

    private static string Prefixed(IReadOnlyList<Objective> objectives, Objective objective, string name) =>
        objectives.Count == 1 ? name : $"{objective.Name}/{name}";

    private IReadOnlyDictionary<string, double> Validate(ITrainable model, IBatchSource validation, int epoch, long step, long totalSteps)
    {
        model.Network.eval();
        var losses = new LossAccumulator();
        using (no_grad())
            foreach (var batch in validation.Batches(options.BatchSize, shuffle: false, seed: 0))
            {
                using var batchOwner = batch;
                using var scope = NewDisposeScope();
                using var loss = model.ValidationLoss(batch, new TrainingContext(epoch, step, totalSteps, false));
                losses.Add(loss.Values(), batch.shape[0]);
            }
        model.Network.train();
        return losses.Means();
    }

    // ---- checkpoints -------------------------------------------------------------------------------

    private void SaveCheckpoint(ITrainable model, optim.Optimizer[] optimizers, int nextEpoch, long step, TrainingHistory history)
    {
        var snapshot = Capture(model, optimizers, nextEpoch, step, history);
        try
        {
            checkpoints!.Save(snapshot);
        }
        finally
        {
            // Optimizer states are copies made for the snapshot; the model's tensors are its own.
            foreach (var (key, value) in snapshot.Tensors)
                if (key.StartsWith("optimizer.", StringComparison.Ordinal)) value.Dispose();
        }
    }

    private static TrainingCheckpoint Capture(ITrainable model, optim.Optimizer[] optimizers, int nextEpoch, long step, TrainingHistory history)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (key, value) in model.Network.state_dict()) tensors["model." + key] = value;
        for (var i = 0; i < optimizers.Length; i++)
            foreach (var (key, value) in OptimizerStateDict.Capture(optimizers[i]))
                tensors[$"optimizer.{i}.{key}"] = value;
        return new TrainingCheckpoint(nextEpoch, step, history, tensors);
    }

    private static (int, long, TrainingHistory) Restore(ITrainable model, optim.Optimizer[] optimizers, TrainingCheckpoint checkpoint)
    {
        var modelState = checkpoint.Tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["model.".Length..], kv => kv.Value);
        Serialization.StateDicts.LoadInto(model.Network, modelState);
        for (var i = 0; i < optimizers.Length; i++)
        {
            var prefix = $"optimizer.{i}.";
            OptimizerStateDict.Restore(optimizers[i], checkpoint.Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value));
        }
        foreach (var t in checkpoint.Tensors.Values) t.Dispose();
        return (checkpoint.NextEpoch, checkpoint.Step, checkpoint.History);
    }
}
