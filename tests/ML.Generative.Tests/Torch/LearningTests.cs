using ML.Generative.Torch;
using static ML.Generative.Tests.Torch.Reference;
using static ML.Generative.Torch.torch;
using F = ML.Generative.Torch.torch.nn.functional;

namespace ML.Generative.Tests.Torch;

/// <summary>End to end: small networks trained with the library's modules, losses and optimizers learn.</summary>
public class LearningTests
{
    /// <summary>Weights from .NET's generator, so the run does not depend on libtorch's global generator.</summary>
    private static void Initialize(nn.Module model, int seed)
    {
        foreach (var (_, p) in model.named_parameters())
            p.copy_(tensor(Values((int)p.numel(), seed++, 0.7), p.shape, p.dtype));
    }

    [Fact]
    public void Mlp_LearnsXor_LossFallsTenfold()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, new long[] { 4, 2 });
        var y = tensor(new float[] { 0, 1, 1, 0 }, new long[] { 4, 1 });
        using var model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1));
        Initialize(model, 1);
        using var opt = optim.Adam(model.parameters(), 0.05);
        double first = 0, last = 0;
        for (var step = 0; step < 300; step++)
        {
            using var stepScope = NewDisposeScope();
            var loss = F.binary_cross_entropy_with_logits(model.forward(x), y);
            opt.zero_grad();
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item<double>();
            last = loss.item<double>();
        }
        Assert.True(last < first / 10, $"loss went from {first} to {last}");
        var predictions = model.forward(x).data<float>().Select(v => v > 0 ? 1f : 0f).ToArray();
        Assert.Equal(new float[] { 0, 1, 1, 0 }, predictions);
    }

    [Fact]
    public void ConvNet_FitsASmoothRegressionTarget_WithSgdMomentum()
    {
        using var scope = NewDisposeScope();
        // 16 one-channel 4x4 images; the target is a fixed nonlinear function of their pixels.
        var xs = Values(16 * 16, 5);
        var ys = Enumerable.Range(0, 16).Select(i => Math.Sin(xs.Skip(i * 16).Take(16).Sum()) * 0.5).ToArray();
        var x = F32(xs, 16, 1, 4, 4);
        var y = F32(ys, 16, 1);
        using var model = nn.Sequential(nn.Conv2d(1, 6, 3, padding: 1), nn.Tanh(), nn.Flatten(), nn.Linear(96, 1));
        Initialize(model, 10);
        using (no_grad())
            foreach (var p in model.parameters()) p.mul_(0.3);
        using var opt = optim.SGD(model.parameters(), 0.02, momentum: 0.9);
        double first = 0, last = 0;
        for (var step = 0; step < 400; step++)
        {
            using var stepScope = NewDisposeScope();
            var loss = F.mse_loss(model.forward(x), y);
            opt.zero_grad();
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item<double>();
            last = loss.item<double>();
        }
        Assert.True(last < first / 10, $"loss went from {first} to {last}");
    }
}
