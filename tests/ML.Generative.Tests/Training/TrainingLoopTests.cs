using ML.Generative.Models.Losses;
using ML.Generative.Models.Networks;
using ML.Generative.Models.Vae;
using TorchSharp;
using ML.Generative.Training;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Training;

public class TrainingLoopTests
{
    // A narrow version of the reference architecture keeps the test fast on 2 cores.
    private static readonly ConvArchitecture Small = new()
    {
        ImageChannels = 1, ImageSize = 28, StemChannels = 8, Stages = new[] { (16, 1), (32, 2), (32, 2) },
    };

    private static VaeObjective NewVae(int seed, double warmup = 0)
    {
        manual_seed(seed);
        return new VaeObjective(new VaeNetwork(Small, 8, OutputActivation.Sigmoid), ReconstructionLoss.BinaryCrossEntropy, 1.0, warmup,
            new OptimizerOptions { LearningRate = 2e-3 });
    }

    [Fact]
    public void Vae_OnFashionMnistSubset_LowersValidationLossClearly()
    {
        var (trainImages, _) = TestData.FashionMnist(2048);
        var (validImages, _) = TestData.FashionMnist(256, train: false);
        using var train = new TensorBatchSource(trainImages);
        using var valid = new TensorBatchSource(validImages);
        trainImages.Dispose();
        validImages.Dispose();
        var vae = NewVae(1);
        using var net = vae.Network;
        var before = Evaluate(vae, valid);
        var history = new SingleObjectiveTrainer(new TrainerOptions { Epochs = 4, BatchSize = 64, Seed = 1 }).Fit(vae, train, valid);
        var after = history.Epochs[^1].Validation!["loss"];
        // An untrained decoder outputs ~0.5 everywhere: BCE alone is ≈ 784·ln 2 ≈ 543 nats per image.
        Assert.True(before > 450, $"untrained loss {before}");
        Assert.True(after < 0.6 * before, $"validation loss went from {before} to {after}");
        Assert.Equal(4, history.Epochs.Count);
        Assert.Equal(4 * 32, history.Steps);
        Assert.True(history.Epochs[0].Train.ContainsKey("kl") && history.Epochs[0].Train.ContainsKey("reconstruction_per_pixel"));
    }

    private static double Evaluate(ITrainable model, IBatchSource data)
    {
        model.Network.eval();
        using var _ = no_grad();
        double sum = 0;
        long n = 0;
        foreach (var batch in data.Batches(128, false, 0))
        {
            using var b = batch;
            using var loss = model.ValidationLoss(b, new TrainingContext(0, 0, 1, false));
            sum += loss.Total.ToDouble() * b.shape[0];
            n += b.shape[0];
        }
        model.Network.train();
        return sum / n;
    }

    [Fact]
    public void Resume_FromACheckpoint_ContinuesExactlyAsAnUninterruptedRun()
    {
        var (images, _) = TestData.FashionMnist(192);
        using var data = new TensorBatchSource(images);
        images.Dispose();

        var straight = NewVae(7, warmup: 0.5);
        using var straightNet = straight.Network;
        new SingleObjectiveTrainer(new TrainerOptions { Epochs = 3, BatchSize = 64, Seed = 3 }).Fit(straight, data);

        // The same run, interrupted after its second epoch.
        using var store = new InMemoryCheckpointStore();
        var first = NewVae(7, warmup: 0.5);
        using var firstNet = first.Network;
        using var cts = new CancellationTokenSource();
        var stopAfterEpoch2 = new SynchronousProgress(p => { if (p.EndOfEpoch && p.Epoch == 1) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new SingleObjectiveTrainer(new TrainerOptions { Epochs = 3, BatchSize = 64, Seed = 3 }, store).Fit(first, data, progress: stopAfterEpoch2, cancellation: cts.Token));
        Assert.Equal(2, store.Saves);

        // A fresh model with other weights, resumed from epoch 2: must end bit-identical to the straight run.
        var resumed = NewVae(99, warmup: 0.5);
        using var resumedNet = resumed.Network;
        var history = new SingleObjectiveTrainer(new TrainerOptions { Epochs = 3, BatchSize = 64, Seed = 3, Resume = true, CheckpointPath = "memory" }, store)
            .Fit(resumed, data);
        Assert.Equal(3, history.Epochs.Count);
        foreach (var (key, expected) in straight.Network.state_dict())
            Assert.True(expected.Identical(resumed.Network.state_dict()[key]), $"'{key}' differs after resume");
    }

    [Fact]
    public void FileCheckpoint_ResumesLikeTheInMemoryOne()
    {
        var (images, _) = TestData.FashionMnist(128);
        using var data = new TensorBatchSource(images);
        images.Dispose();
        var dir = Directory.CreateTempSubdirectory("mlgen-ckpt");
        try
        {
            var path = Path.Combine(dir.FullName, "run.ckpt");
            var straight = NewVae(5);
            using var straightNet = straight.Network;
            new SingleObjectiveTrainer(new TrainerOptions { Epochs = 2, BatchSize = 64, Seed = 2 }).Fit(straight, data);

            var first = NewVae(5);
            using var firstNet = first.Network;
            using var cts = new CancellationTokenSource();
            var stop = new SynchronousProgress(p => { if (p.EndOfEpoch) cts.Cancel(); });
            var options = new TrainerOptions { Epochs = 2, BatchSize = 64, Seed = 2, CheckpointPath = path, Resume = true };
            Assert.ThrowsAny<OperationCanceledException>(() =>
                new SingleObjectiveTrainer(options, new FileCheckpointStore(path)).Fit(first, data, progress: stop, cancellation: cts.Token));
            Assert.True(File.Exists(path));
            Assert.DoesNotContain(dir.GetFiles(), f => f.Name != "run.ckpt"); // no temporary files left

            var resumed = NewVae(77);
            using var resumedNet = resumed.Network;
            var history = new SingleObjectiveTrainer(options, new FileCheckpointStore(path)).Fit(resumed, data);
            Assert.Equal(2, history.Epochs.Count);
            foreach (var (key, expected) in straight.Network.state_dict())
                Assert.True(expected.Identical(resumed.Network.state_dict()[key]), $"'{key}' differs after resuming from the file");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private sealed class ExplodingModel : ITrainable
    {
        private readonly TorchSharp.Modules.Linear layer = nn.Linear(4, 1);
        public nn.Module Network => layer;

        public IReadOnlyList<Objective> Objectives => new[]
        {
            new Objective("m", layer.parameters().ToList(), new OptimizerOptions(), (batch, ctx) =>
            {
                var y = layer.forward(batch.flatten(1)[TensorIndex.Colon, 0..4]).mean();
                var term = ctx.Step == 2 ? y * double.NaN : y.alias();
                return new LossResult(y, ("term", term));
            }),
        };

        public LossResult ValidationLoss(Tensor batch, TrainingContext context) => throw new NotSupportedException();
    }

    [Fact]
    public void NonFiniteLoss_StopsTrainingNamingTheStepAndTerm()
    {
        using var data = new TensorBatchSource(rand(40, 1, 2, 2));
        var model = new ExplodingModel();
        using var store = new InMemoryCheckpointStore();
        var ex = Assert.Throws<TrainingDivergedException>(() =>
            new SingleObjectiveTrainer(new TrainerOptions { Epochs = 2, BatchSize = 8 }, store).Fit(model, data));
        Assert.Equal(2, ex.Step);
        Assert.Equal("term", ex.Term);
        Assert.Contains("step 2", ex.Message);
        Assert.Equal(0, store.Saves); // nothing saved from the diverged epoch
    }

    [Fact]
    public void Cancellation_StopsBetweenSteps()
    {
        using var data = new TensorBatchSource(rand(64, 1, 2, 2));
        var model = new ExplodingModel();
        using var cts = new CancellationTokenSource();
        var steps = 0;
        var progress = new SynchronousProgress(p => { if (++steps == 1) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new SingleObjectiveTrainer(new TrainerOptions { Epochs = 5, BatchSize = 32 }).Fit(model, data, progress: progress, cancellation: cts.Token));
        Assert.Equal(1, steps);
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    [Fact]
    public void Options_RejectBadValuesWithTheirNames()
    {
        Assert.Contains("Epochs", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { Epochs = 0 }.Validate()).Message);
        Assert.Contains("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { BatchSize = -1 }.Validate()).Message);
        Assert.Contains("learning rate", Assert.Throws<ArgumentOutOfRangeException>(() => new OptimizerOptions { LearningRate = double.NaN }.Validate("vae")).Message);
    }
}
