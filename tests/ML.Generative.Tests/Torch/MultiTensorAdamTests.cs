using ML.Generative.Torch;
using static ML.Generative.Torch.torch;
using F = ML.Generative.Torch.torch.nn.functional;

namespace ML.Generative.Tests.Torch;

/// <summary>
/// The multi-tensor (foreach) Adam that runs on a GPU computes what the per-parameter loop does (the loop is the
/// one the agreement test checks against PyTorch); here both run on the CPU through the global switch.
/// </summary>
[Collection(SerialTorchCollection.Name)]
public class MultiTensorAdamTests
{
    [Theory]
    [InlineData(false, 0.0, false)]
    [InlineData(false, 0.01, false)]
    [InlineData(true, 0.01, false)]
    [InlineData(false, 0.0, true)]
    public void MultiTensorPath_EqualsPerParameterLoop(bool decoupled, double weightDecay, bool maximize)
    {
        var loop = Train(MultiTensorMode.Never, decoupled, weightDecay, maximize);
        var multi = Train(MultiTensorMode.Always, decoupled, weightDecay, maximize);
        Assert.Equal(loop.Length, multi.Length);
        for (var i = 0; i < loop.Length; i++)
            for (var j = 0; j < loop[i].Length; j++)
                Assert.True(Math.Abs(loop[i][j] - multi[i][j]) <= 1e-12 * Math.Max(1, Math.Abs(loop[i][j])),
                    $"parameter {i}[{j}]: loop {loop[i][j]}, multi-tensor {multi[i][j]}");
        // The run must have moved the weights, or the comparison says nothing.
        var initial = Train(MultiTensorMode.Never, decoupled, weightDecay, maximize, steps: 0);
        Assert.Contains(Enumerable.Range(0, loop.Length), i => loop[i].Zip(initial[i]).Any(p => Math.Abs(p.First - p.Second) > 1e-4));
    }

    private static double[][] Train(MultiTensorMode mode, bool decoupled, double weightDecay, bool maximize, int steps = 5)
    {
        using var scope = NewDisposeScope();
        var saved = backends.multi_tensor_adam;
        backends.multi_tensor_adam = mode;
        try
        {
            manual_seed(3);
            using var model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 3));
            model.to(ScalarType.Float64);
            var x = randn(new long[] { 6, 2, 6, 6 }, ScalarType.Float64);
            var y = randn(new long[] { 6, 3 }, ScalarType.Float64);
            using optim.Optimizer opt = decoupled
                ? optim.AdamW(model.parameters(), 0.01, weight_decay: weightDecay, maximize: maximize)
                : optim.Adam(model.parameters(), 0.01, weight_decay: weightDecay, maximize: maximize);
            for (var s = 0; s < steps; s++)
            {
                using var stepScope = NewDisposeScope();
                opt.zero_grad();
                F.mse_loss(model.forward(x), y).backward();
                opt.step();
            }
            return model.parameters().Select(p => p.data<double>()).ToArray();
        }
        finally
        {
            backends.multi_tensor_adam = saved;
        }
    }
}
