using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Losses;
using ML.Generative.Models.Networks;
using ML.Generative.Models.Vae;
using ML.Generative.Models.VaeGan;
using ML.Generative.Models.Wae;
using TorchSharp;
using ML.Generative.Training;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Models;

/// <summary>Building, forward shapes and one train step for every autoencoder-family network.</summary>
public class AutoencoderFamilyTests
{
    private static ConvArchitecture Narrow(int channels, int size) => ConvArchitecture.ForImage(channels, size) with
    {
        StemChannels = 4,
        Stages = ConvArchitecture.ForImage(channels, size).Stages.Select(s => (8, s.Stride)).ToArray(),
    };

    [Theory]
    [InlineData(1, 28, 1)]
    [InlineData(1, 28, 2)]
    [InlineData(3, 32, 16)]
    [InlineData(3, 64, 8)]
    public void Vae_ForwardShapes(int channels, int size, int latent)
    {
        using var scope = NewDisposeScope();
        using var vae = new VaeNetwork(Narrow(channels, size), latent, OutputActivation.Sigmoid);
        var x = rand(3, channels, size, size);
        using var output = vae.forward(x);
        Assert.Equal(new long[] { 3, latent }, output.Mu.shape);
        Assert.Equal(new long[] { 3, latent }, output.Z.shape);
        Assert.Equal(x.shape, output.Reconstruction.shape);
        Assert.True(output.Reconstruction.ge(0).all().item<bool>() && output.Reconstruction.le(1).all().item<bool>());
    }

    [Fact]
    public void ReferenceArchitecture_HasTheDocumentedLayers()
    {
        using var vae = new VaeNetwork(ConvArchitecture.ForImage(1, 28), 64, OutputActivation.Sigmoid);
        var shapes = vae.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(new long[] { 32, 1, 1, 1 }, shapes["encoder.blocks.0.0.weight"]);   // 1x1 conv to 32
        Assert.Equal(new long[] { 64, 32, 3, 3 }, shapes["encoder.blocks.1.0.weight"]);
        Assert.Equal(new long[] { 128, 64, 3, 3 }, shapes["encoder.blocks.2.0.weight"]);
        Assert.Equal(new long[] { 256, 128, 3, 3 }, shapes["encoder.blocks.3.0.weight"]);
        Assert.Equal(new long[] { 64, 256 * 7 * 7 }, shapes["fc_mu.weight"]);
        Assert.Equal(new long[] { 256, 128, 2, 2 }, shapes["decoder.blocks.0.0.weight"]); // kernel = stride = 2
        Assert.Equal(new long[] { 64, 32, 1, 1 }, shapes["decoder.blocks.2.0.weight"]);
    }

    [Fact]
    public void UNetVae_DecoderUsesFourSkips()
    {
        using var scope = NewDisposeScope();
        using var vae = new VaeNetwork(Narrow(3, 32), 4, OutputActivation.Sigmoid, unet: true);
        var x = rand(2, 3, 32, 32);
        var (mu, _, skips) = vae.EncodeWithSkips(x);
        Assert.Equal(4, skips.Length);
        Assert.Equal(new long[] { 2, 8, 8, 8 }, skips[3].shape);
        using var output = vae.forward(x);
        Assert.Equal(x.shape, output.Reconstruction.shape);
        Assert.Throws<ArgumentException>(() => vae.Decode(mu));
    }

    [Fact]
    public void ShakeShake_EvalAveragesBranches_TrainMixesPerSample()
    {
        using var scope = NewDisposeScope();
        using var block = new ShakeShakeBlock(2);
        var x = randn(4, 2, 5, 5);
        block.eval();
        var y = block.forward(x);
        Assert.Equal(x.shape, y.shape);
        block.train();
        manual_seed(1);
        var a = block.forward(x);
        manual_seed(2);
        var b = block.forward(x);
        Assert.False(a.allclose(b), "different α draws must give different outputs in training");
        // The backward pass works (gradient mixing with β).
        var xg = x.clone().requires_grad_();
        block.forward(xg).sum().backward();
        Assert.NotNull(xg.grad);
    }

    [Fact]
    public void ImageDiscriminator_GivesOneLogitPerImage()
    {
        using var scope = NewDisposeScope();
        foreach (var (c, s) in new[] { (1, 28), (3, 32), (3, 64) })
        {
            using var d = new ImageDiscriminator(c, s, width: 8);
            Assert.Equal(new long[] { 5, 1 }, d.forward(rand(5, c, s, s)).shape);
        }
        using var sn = new ImageDiscriminator(1, 28, width: 8, spectralNorm: true);
        Assert.Contains(sn.state_dict().Keys, k => k.EndsWith("weight_orig"));
    }

    private static void OneStepChangesEveryPlayer(ITrainable model, Tensor batch)
    {
        var before = model.Network.state_dict().Where(kv => kv.Value.dtype == ScalarType.Float32)
            .ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
        using var data = new TensorBatchSource(batch);
        var history = new TrainingLoop(new TrainerOptions { Epochs = 1, BatchSize = (int)batch.shape[0] }).Run(model, data);
        Assert.All(history.Epochs[0].Train.Values, v => Assert.True(double.IsFinite(v)));
        foreach (var objective in model.Objectives)
        {
            var changed = model.Network.named_parameters().Where(p => objective.Parameters.Contains(p.parameter))
                .Count(p => !p.parameter.Identical(before[p.name]));
            Assert.True(changed > 0, $"player {objective.Name}: no parameter changed");
        }
        foreach (var t in before.Values) t.Dispose();
    }

    [Fact]
    public void EveryModel_TrainsOneStep()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var batch = rand(8, 1, 28, 28);
        var opt = new OptimizerOptions { LearningRate = 1e-3 };
        var arch = Narrow(1, 28);
        OneStepChangesEveryPlayer(new VaeObjective(new VaeNetwork(arch, 2, OutputActivation.Sigmoid), ReconstructionLoss.BinaryCrossEntropy, 1, 0, opt), batch);
        OneStepChangesEveryPlayer(new AutoencoderObjective(new AutoencoderNetwork(arch, 2, OutputActivation.Sigmoid, shakeShakeBlocks: 1), ReconstructionLoss.MeanSquaredError, opt), batch);
        OneStepChangesEveryPlayer(new AutoencoderObjective(new AutoencoderNetwork(arch, 2, OutputActivation.Sigmoid), ReconstructionLoss.MeanSquaredError, opt, new MmdPenalty()), batch);
        OneStepChangesEveryPlayer(new VaeGanObjective(new VaeGanNetwork(new VaeNetwork(arch, 4, OutputActivation.Sigmoid), new ImageDiscriminator(1, 28, 8)), opt, opt), batch);
        OneStepChangesEveryPlayer(new VaeGanObjective(new VaeGanNetwork(new VaeNetwork(arch, 4, OutputActivation.Sigmoid, unet: true), new ImageDiscriminator(1, 28, 8)), opt, opt), batch);
        OneStepChangesEveryPlayer(new LatentAdversarialObjective(new LatentAdversarialNetwork(new AutoencoderNetwork(arch, 2, OutputActivation.Sigmoid), new LatentDiscriminator(2, 16)),
            ReconstructionLoss.MeanSquaredError, opt, opt), batch);
    }
}
