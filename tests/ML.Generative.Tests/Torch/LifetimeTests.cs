using ML.Generative.Torch;
using static ML.Generative.Tests.Torch.Reference;
using static ML.Generative.Torch.torch;
using F = ML.Generative.Torch.torch.nn.functional;

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

    [Fact]
    public void TrainingSteps_InDisposeScopes_LeaveLiveCountUnchanged_AndRssFlat()
    {
        SettleFinalizers();
        var start = Tensor.LiveCount;
        const int steps = 300, warmup = 100;
        long rssAfterWarmup = 0;
        long? liveAfterStep = null;
        // (B, 1, 8, 8) -> (B, 4, 8, 8) -> (B, 4, 4, 4) -> (B, 64) -> (B, 1)
        using (var model = nn.Sequential(nn.Conv2d(1, 4, 3, padding: 1), nn.ReLU(), nn.Conv2d(4, 4, 3, stride: 2, padding: 1),
                   nn.Flatten(), nn.Linear(64, 1)))
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
                    Assert.True(float.IsFinite(loss.item<float>()));
                }
                // From the first step on (optimizer state exists), every step leaves exactly as many tensors.
                liveAfterStep ??= Tensor.LiveCount;
                Assert.Equal(liveAfterStep, Tensor.LiveCount);
                if (step == warmup - 1) rssAfterWarmup = RssKiB();
            }
            var growth = RssKiB() - rssAfterWarmup;
            // One leaked activation per step would be 32 KiB x 200 steps = 6.4 MiB; the bound is below that.
            Assert.True(growth < 4 * 1024, $"RSS grew by {growth} KiB over {steps - warmup} steps after warm-up");
        }
        Assert.Equal(start, Tensor.LiveCount);
    }

    [Fact]
    public void BuildingAndDisposingEveryLayer_OutsideAnyScope_LeavesNoLiveTensor()
    {
        SettleFinalizers();
        var start = Tensor.LiveCount;
        var layers = new nn.Module[]
        {
            nn.Linear(3, 2), nn.Conv2d(2, 4, 3), nn.ConvTranspose2d(4, 2, 4, stride: 2, padding: 1),
            nn.BatchNorm1d(3), nn.BatchNorm2d(3), nn.InstanceNorm2d(3, affine: true, track_running_stats: true),
            nn.LayerNorm(4), nn.GroupNorm(2, 4), nn.Embedding(5, 3, padding_idx: 1),
            nn.utils.spectral_norm(nn.Linear(3, 2)), nn.utils.spectral_norm(nn.ConvTranspose2d(2, 3, 3)),
        };
        Assert.True(Tensor.LiveCount > start);
        foreach (var layer in layers) layer.Dispose();
        Assert.Equal(start, Tensor.LiveCount);
    }

    [Fact]
    public void Scope_DisposesWhatItCreated_ButNotWhatWasMovedOrDetached()
    {
        SettleFinalizers();
        var start = Tensor.LiveCount;
        Tensor kept, moved, detached, inner;
        using (var outer = NewDisposeScope())
        {
            kept = ones(2);
            using (var scope = NewDisposeScope())
            {
                inner = ones(3);
                moved = (inner * 2).MoveToOuterDisposeScope();
                detached = (inner * 3).DetachFromDisposeScope();
                Assert.Equal(1, scope.Count);
            }
            Assert.True(inner.IsInvalid);
            Assert.False(moved.IsInvalid);
            Assert.False(detached.IsInvalid);
            Assert.Equal(new float[] { 2, 2, 2 }, moved.data<float>());
            Assert.Equal(2, outer.Count);
        }
        Assert.True(kept.IsInvalid);
        Assert.True(moved.IsInvalid);
        Assert.False(detached.IsInvalid);
        Assert.Equal(start + 1, Tensor.LiveCount);
        detached.Dispose();
        Assert.Equal(start, Tensor.LiveCount);
    }

    [Fact]
    public void Scope_LeftOpenInside_IsClosedWithItsOuterScope_AndScopesBelongToTheirThread()
    {
        DisposeScope forgotten;
        Tensor leaked;
        using (NewDisposeScope())
        {
            forgotten = NewDisposeScope();
            leaked = ones(1);
        }
        // The inner scope was never disposed; once the outer one is, new tensors are no longer collected by it.
        using var free = ones(1);
        Assert.Equal(1, forgotten.Count);
        forgotten.Dispose();
        Assert.True(leaked.IsInvalid);
        Assert.False(free.IsInvalid);

        DisposeScope? other = null;
        var thread = new Thread(() => other = NewDisposeScope());
        thread.Start();
        thread.Join();
        Assert.Throws<InvalidOperationException>(() => other!.Dispose());
    }

    [Fact]
    public void MoveToOuter_AtTheOutermostScope_LeavesTheTensorToTheCaller()
    {
        SettleFinalizers();
        var start = Tensor.LiveCount;
        Tensor escaped;
        using (var scope = NewDisposeScope())
        {
            escaped = scope.MoveToOuter(ones(4) + 1);
            // Disposing a tensor by hand inside a scope is fine, and the scope does not dispose it twice.
            ones(1).Dispose();
        }
        Assert.False(escaped.IsInvalid);
        Assert.Equal(new float[] { 2, 2, 2, 2 }, escaped.data<float>());
        escaped.Dispose();
        Assert.Equal(start, Tensor.LiveCount);
    }

    [Fact]
    public void ModuleParametersAndBuffers_SurviveTheScopeTheyWereBuiltIn()
    {
        SettleFinalizers();
        var start = Tensor.LiveCount;
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
        Assert.Equal(start, Tensor.LiveCount);
    }
}
