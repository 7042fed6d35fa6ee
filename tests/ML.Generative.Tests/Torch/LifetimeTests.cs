using TorchSharp;
using static ML.Generative.Tests.Torch.Reference;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ML.Generative.Tests.Torch;

/// <summary>Tests that read process-wide counters (live tensors, RSS) run alone: other tests running in
/// parallel would move them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTorchCollection
{
    public const string Name = "Torch, serial (process-wide counters)";
}

[Collection(SerialTorchCollection.Name)]
public class LifetimeTests
{
    private static long RssKiB()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    /// <summary>Finalizes tensors other tests dropped, so they do not lower the live count mid-test.</summary>
    private static void SettleFinalizers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    // (B, 1, 8, 8) -> (B, 4, 8, 8) -> (B, 4, 4, 4) -> (B, 64) -> (B, 1)
    private static nn.Module<Tensor, Tensor> SmallNet() =>
        nn.Sequential(nn.Conv2d(1, 4, 3, padding: 1), nn.ReLU(), nn.Conv2d(4, 4, 3, stride: 2, padding: 1), nn.Flatten(), nn.Linear(64, 1));

    /// <summary>What building and disposing a network leaves counted: TorchSharp 0.107's layers keep two counted
    /// handles each after Dispose (their initialisation temporaries; measured here), whatever the library does.</summary>
    private static long LeftByBuildingAndDisposing(Func<nn.Module> build)
    {
        SettleFinalizers();
        var before = TensorAssertions.LiveTensors;
        build().Dispose();
        SettleFinalizers();
        return TensorAssertions.LiveTensors - before;
    }

    [Fact]
    public void TrainingSteps_InDisposeScopes_LeaveLiveCountUnchanged_AndRssFlat()
    {
        var leftByLayers = LeftByBuildingAndDisposing(SmallNet);
        SettleFinalizers();
        var start = TensorAssertions.LiveTensors;
        const int steps = 300, warmup = 100;
        long rssAfterWarmup = 0;
        long? liveAfterStep = null;
        using (var model = SmallNet())
        using (var opt = optim.Adam(model.parameters(), 1e-3))
        {
            for (var step = 0; step < steps; step++)
            {
                using (var scope = NewDisposeScope())
                {
                    var x = randn(32, 1, 8, 8);
                    var y = randn(32, 1);
                    var loss = F.mse_loss(model.forward(x), y);
                    opt.zero_grad();
                    loss.backward();
                    opt.step();
                    Assert.True(float.IsFinite(loss.ToSingle()));
                }
                // From the first step on (optimizer state exists), every step leaves exactly as many tensors.
                liveAfterStep ??= TensorAssertions.LiveTensors;
                Assert.Equal(liveAfterStep, TensorAssertions.LiveTensors);
                if (step == warmup - 1) rssAfterWarmup = RssKiB();
            }
            var growth = RssKiB() - rssAfterWarmup;
            // One leaked activation per step would be 32 KiB x 200 steps = 6.4 MiB; the bound is below that.
            Assert.True(growth < 4 * 1024, $"RSS grew by {growth} KiB over {steps - warmup} steps after warm-up");
        }
        SettleFinalizers();
        Assert.Equal(start + leftByLayers, TensorAssertions.LiveTensors);
    }

    [Fact]
    public void TheLibrarysOwnModules_LeaveNothingBeyondTheirTorchSharpLayers()
    {
        // Spectral norm takes over a layer's parameters and adds two buffers; disposing it must free them all.
        Assert.Equal(LeftByBuildingAndDisposing(() => nn.Linear(3, 2)),
            LeftByBuildingAndDisposing(() => new ML.Generative.Models.Networks.SpectralNorm(nn.Linear(3, 2))));
        Assert.Equal(LeftByBuildingAndDisposing(() => nn.ConvTranspose2d(2, 3, 3)),
            LeftByBuildingAndDisposing(() => new ML.Generative.Models.Networks.SpectralNorm(nn.ConvTranspose2d(2, 3, 3))));
    }

    [Fact]
    public void Scope_DisposesWhatItCreated_ButNotWhatWasMovedOrDetached()
    {
        SettleFinalizers();
        var start = TensorAssertions.LiveTensors;
        Tensor kept, moved, detached, inner;
        using (var outer = NewDisposeScope())
        {
            kept = ones(2);
            using (var scope = NewDisposeScope())
            {
                inner = ones(3);
                moved = (inner * 2).MoveToOuterDisposeScope();
                detached = (inner * 3).DetachFromDisposeScope();
            }
            Assert.True(inner.IsInvalid);
            Assert.False(moved.IsInvalid);
            Assert.False(detached.IsInvalid);
            Assert.Equal(new float[] { 2, 2, 2 }, moved.ToFloats());
        }
        Assert.True(kept.IsInvalid);
        Assert.True(moved.IsInvalid);
        Assert.False(detached.IsInvalid);
        Assert.Equal(start + 1, TensorAssertions.LiveTensors);
        detached.Dispose();
        Assert.Equal(start, TensorAssertions.LiveTensors);
    }

    [Fact]
    public void MoveToOuter_AtTheOutermostScope_LeavesTheTensorToTheCaller()
    {
        SettleFinalizers();
        var start = TensorAssertions.LiveTensors;
        Tensor escaped;
        using (var scope = NewDisposeScope())
        {
            escaped = scope.MoveToOuter(ones(4) + 1);
            // Disposing a tensor by hand inside a scope is fine, and the scope does not dispose it twice.
            ones(1).Dispose();
        }
        Assert.False(escaped.IsInvalid);
        Assert.Equal(new float[] { 2, 2, 2, 2 }, escaped.ToFloats());
        escaped.Dispose();
        Assert.Equal(start, TensorAssertions.LiveTensors);
    }

    [Fact]
    public void ModuleParametersAndBuffers_SurviveTheScopeTheyWereBuiltIn()
    {
        nn.Module<Tensor, Tensor> model;
        using (NewDisposeScope())
            model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2));
        Assert.All(model.state_dict().Values, t => Assert.False(t.IsInvalid));
        using (NewDisposeScope())
        {
            var y = model.forward(F32(Values(12, 1), 4, 3));
            Assert.Equal(new long[] { 4, 2 }, y.shape);
        }
        model.Dispose();
    }
}
