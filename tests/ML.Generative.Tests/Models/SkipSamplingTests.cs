using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Models;
using ML.Generative.Models.Networks;
using ML.Generative.Models.Vae;
using ML.Generative.Models.VaeGan;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Models;

/// <summary>The U-Net VAE-GAN's two ways to get skip features when sampling: perturbed features of reference
/// training images (the reference's rule) and draws from per-element Gaussian statistics of the training set's
/// skip features (no image needed).</summary>
public class SkipSamplingTests
{
    private static VaeNetwork Network()
    {
        manual_seed(11);
        var arch = ConvArchitecture.ForImage(1, 28) with { StemChannels = 4, Stages = ConvArchitecture.ForImage(1, 28).Stages.Select(s => (6, s.Stride)).ToArray() };
        return new VaeNetwork(arch, 3, OutputActivation.Sigmoid, unet: true);
    }

    private static Tensor Images()
    {
        manual_seed(5);
        return rand(300, 1, 28, 28);
    }

    [Fact]
    public void CapturedStatistics_AreTheMeanAndPopulationStdOfEachSkipFeature()
    {
        using var scope = NewDisposeScope();
        var vae = Network();
        vae.eval();
        var images = Images();
        var state = new VaeModel(vae, vae).CaptureSamplingState(images);
        Tensor[] skips;
        using (no_grad()) (_, _, skips) = vae.EncodeWithSkips(images);
        Assert.Equal(4, skips.Length);
        for (var i = 0; i < skips.Length; i++)
        {
            Assert.True(state[$"skip_mean.{i}"].allclose(skips[i].mean(0), rtol: 1e-4, atol: 1e-5), $"mean of skip {i}");
            Assert.True(state[$"skip_std.{i}"].allclose(skips[i].std(0, unbiased: false), rtol: 1e-3, atol: 1e-5), $"std of skip {i}");
        }
    }

    [Fact]
    public void StatisticalSkips_FollowTheRecordedMeanAndStd()
    {
        using var scope = NewDisposeScope();
        var vae = Network();
        vae.eval();
        var model = new VaeModel(vae, vae);
        var state = model.CaptureSamplingState(Images());
        const int n = 4000;
        var drawn = model.StatisticalSkips(n, seed: 9);
        for (var i = 0; i < drawn.Length; i++)
        {
            var (mean, std) = (state[$"skip_mean.{i}"], state[$"skip_std.{i}"]);
            Assert.Equal(new[] { (long)n }.Concat(mean.shape), drawn[i].shape);
            // The sample mean lies within 5 standard errors of the recorded mean, element by element.
            var tolerance = std * (5 / Math.Sqrt(n)) + 1e-6;
            Assert.True((drawn[i].mean(0) - mean).abs().le(tolerance).all().item<bool>(), $"sample mean of skip {i}");
            Assert.True((drawn[i].std(0) - std).abs().le(std * 0.1 + 1e-6).all().item<bool>(), $"sample std of skip {i}");
        }
    }

    [Fact]
    public void BothModes_AreReproducible_Differ_AndSurviveARestore()
    {
        using var scope = NewDisposeScope();
        var vae = Network();
        vae.eval();
        var model = new VaeModel(vae, vae);
        var state = model.CaptureSamplingState(Images());
        var codes = randn(6, 3);
        using var mode = inference_mode();
        var statistical = model.Decode(codes, 4, SkipSampling.SkipStatistics);
        var reference = model.Decode(codes, 4, SkipSampling.ReferenceImages);
        Assert.True(statistical.Identical(model.Decode(codes, 4, SkipSampling.SkipStatistics)));
        Assert.False(statistical.Identical(model.Decode(codes, 5, SkipSampling.SkipStatistics)));
        Assert.False(statistical.allclose(reference, atol: 1e-3));
        Assert.True(reference.Identical(model.Decode(codes, 4)), "the default mode is the reference's");

        var restored = new VaeModel(vae, vae, skipSampling: SkipSampling.SkipStatistics);
        restored.RestoreSamplingState(state);
        Assert.True(statistical.Identical(restored.Decode(codes, 4)), "the options' mode applies when none is given");
    }

    [Fact]
    public void StatisticsMissing_GetsAClearError()
    {
        using var scope = NewDisposeScope();
        var vae = Network();
        var state = new VaeModel(vae, vae).CaptureSamplingState(Images());
        var old = new VaeModel(vae, vae);
        old.RestoreSamplingState(new Dictionary<string, Tensor> { ["reference_images"] = state["reference_images"] });
        using var mode = inference_mode();
        var error = Assert.Throws<InvalidOperationException>(() => old.Decode(randn(2, 3), 1, SkipSampling.SkipStatistics));
        Assert.Contains("ReferenceImages", error.Message);
    }

    [Fact]
    public void ModelsWithoutSkips_RejectASkipMode_AndTheUNetSavesBothModes()
    {
        var ctx = new GenerativeContext(seed: 2);
        var train = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Train), 64);
        var normalize = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne);
        var vae = normalize.Append(ctx.Generative.Vae(new VaeOptions { LatentSize = 2, Epochs = 1, BatchSize = 32, Width = 1 })).Fit(train);
        var error = Assert.Throws<ArgumentException>(() => vae.LastTransformer!.SampleTensor(2, 1, SkipSampling.SkipStatistics));
        Assert.Contains("U-Net", error.Message);

        var unet = normalize.Append(ctx.Generative.VaeGan(new VaeGanOptions { UNet = true, LatentSize = 2, Epochs = 1, BatchSize = 32, DiscriminatorWidth = 8 })).Fit(train);
        var zip = Path.Combine(Path.GetTempPath(), $"mlgen-unet-{Guid.NewGuid():N}.zip");
        ctx.Model.Save(unet, train.Schema, zip);
        var loaded = ctx.Model.Load(zip, out _);
        File.Delete(zip);
        foreach (var skips in new[] { SkipSampling.ReferenceImages, SkipSampling.SkipStatistics })
        {
            using var a = unet.LastTransformer!.SampleTensor(3, 7, skips);
            using var b = ((AutoencoderTransformer)loaded.LastTransformer!).SampleTensor(3, 7, skips);
            Assert.True(a.Identical(b), $"{skips} samples after save/load");
        }
    }
}
