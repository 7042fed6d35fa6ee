using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Losses;
using ML.Generative.Models.Networks;
using ML.Generative.Models.Vae;
using ML.Generative.Torch;
using ML.Generative.Training;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Tests.Training;

/// <summary>
/// A data-parallel step must compute what the whole batch on one thread computes: the reference here is the
/// ordinary single-thread pass over the same batch with the same weights.
/// </summary>
public class DataParallelTests
{
    private static readonly ConvArchitecture Small = new()
    {
        ImageChannels = 1, ImageSize = 28, StemChannels = 4, Stages = new[] { (8, 1), (8, 2), (8, 2) },
    };

    private static (AutoencoderNetwork Net, Tensor Batch) Setup(int batch)
    {
        manual_seed(3);
        var net = new AutoencoderNetwork(Small, 6, OutputActivation.Sigmoid);
        net.train();
        return (net, rand(batch, 1, 28, 28));
    }

    private static (Dictionary<string, Tensor> Grads, Dictionary<string, Tensor> Buffers, IReadOnlyDictionary<string, double> Values) Run(
        AutoencoderNetwork net, Objective objective, Tensor batch, int workers)
    {
        // Each run starts from the same weights and running statistics.
        var initial = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        foreach (var p in net.parameters()) p.grad = null;
        IReadOnlyDictionary<string, double> values;
        var context = new TrainingContext(0, 0, 1, true);
        if (workers == 1)
        {
            using var scope = NewDisposeScope();
            using var loss = objective.Loss(batch, context);
            values = loss.Values();
            loss.Total.backward();
        }
        else
        {
            using var parallel = new DataParallelStep(workers);
            values = parallel.LossAndBackward(objective, batch, context);
        }
        var grads = net.named_parameters().Where(kv => kv.parameter.grad is not null).ToDictionary(kv => kv.name, kv => kv.parameter.grad!);
        var buffers = net.named_buffers().ToDictionary(kv => kv.name, kv => kv.buffer.clone());
        net.load_state_dict(initial);
        return (grads, buffers, values);
    }

    private static void AssertClose(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual, double rtol, double atol)
    {
        Assert.Equal(expected.Keys.OrderBy(k => k), actual.Keys.OrderBy(k => k));
        foreach (var (name, e) in expected)
        {
            using var diff = (actual[name].to(ScalarType.Float64) - e.to(ScalarType.Float64)).abs();
            using var bound = e.to(ScalarType.Float64).abs() * rtol + atol;
            Assert.True(diff.le(bound).all().item<bool>(), $"{name}: max difference {diff.max().item<double>():G4}");
        }
    }

    [Theory]
    [InlineData(2, 32)]
    [InlineData(3, 29)] // uneven slices
    public void BatchNormNetwork_GradientsAndRunningStatistics_EqualTheWholeBatchs(int workers, int batchSize)
    {
        var (net, batch) = Setup(batchSize);
        var objective = new Objective("ae", net.parameters().ToList(), new OptimizerOptions(), (b, _) =>
        {
            var (code, recon) = net.forward(b);
            code.Dispose();
            var loss = VaeLosses.ReconstructionPerImage(recon, b, ReconstructionLoss.BinaryCrossEntropy).mean();
            return new LossResult(loss.alias(), ("reconstruction", loss));
        });
        var single = Run(net, objective, batch, 1);
        var parallel = Run(net, objective, batch, workers);
        AssertClose(single.Grads, parallel.Grads, 1e-3, 1e-5);
        AssertClose(single.Buffers, parallel.Buffers, 1e-4, 1e-6);
        Assert.Equal(single.Values["loss"], parallel.Values["loss"], 1e-3);
    }

    [Fact]
    public void AllGather_GivesBatchCoupledLosses_TheWholeBatch()
    {
        // MMD compares every pair of the batch: with the codes gathered, the split step equals the whole one.
        var (net, batch) = Setup(24);
        manual_seed(5);
        using var prior = randn(24, 6);
        var objective = new Objective("wae", net.parameters().ToList(), new OptimizerOptions(), (b, _) =>
        {
            var (code, recon) = net.forward(b);
            recon.Dispose();
            using var codes = DataParallel.AllGather(code);
            var mmd = Mmd.Compute(codes, prior, MmdKernel.InverseMultiquadric);
            return new LossResult(mmd.alias(), ("mmd", mmd));
        });
        var single = Run(net, objective, batch, 1);
        var parallel = Run(net, objective, batch, 2);
        Assert.NotEmpty(single.Grads);
        AssertClose(single.Grads, parallel.Grads, 1e-3, 1e-6);
        Assert.Equal(single.Values["mmd"], parallel.Values["mmd"], 1e-5);
    }

    [Fact]
    public void AFailingWorker_FailsTheStep_WithoutHangingTheOthers()
    {
        var (net, batch) = Setup(16);
        var objective = new Objective("ae", net.parameters().ToList(), new OptimizerOptions(), (b, _) =>
        {
            var (code, recon) = net.forward(b);
            if (DataParallel.Rank == 1) throw new InvalidOperationException("worker 1 fails on purpose");
            return new LossResult(recon.mean() + code.mean());
        });
        using var parallel = new DataParallelStep(2);
        var task = Task.Run(() => parallel.LossAndBackward(objective, batch, new TrainingContext(0, 0, 1, true)));
        Assert.True(Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60))).Result == task, "the step hung");
        var e = Assert.Throws<AggregateException>(() => task.Wait());
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Contains("on purpose", e.InnerException!.Message);
    }

    [Fact]
    public void OutsideAStep_DataParallelIsTheIdentity()
    {
        using var x = arange(6.0).reshape(3, 2);
        using var gathered = DataParallel.AllGather(x);
        Assert.True(gathered.equal(x));
        Assert.Equal(0, DataParallel.Rank);
        Assert.Equal(1, DataParallel.Size);
        DataParallel.Barrier();
    }
}
