using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Models;
using ML.Generative.Models.Losses;
using ML.Generative.Models.Sampling;
using ML.Generative.Models.Vae;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Models;

/// <summary>ImageSampler: a fitted pipeline's samples mapped back to [0, 1] by inverting the stage that fed the
/// generator, checked against that stage's formula applied to the generator's raw samples.</summary>
public class ImageSamplerTests
{
    private static readonly GenerativeContext Ctx = new(seed: 1);
    private static IDataView Train => Ctx.Data.TakeRows(Ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test), 32);
    private static VaeOptions Tiny => new() { LatentSize = 2, Epochs = 1, BatchSize = 16, ReconstructionLoss = ReconstructionLoss.MeanSquaredError };

    [Fact]
    public void MinusOneToOne_IsMappedBackByHalvingAfterAddingOne()
    {
        var model = Ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.MinusOneToOne).Append(Ctx.Generative.Vae(Tiny)).Fit(Train);
        using var scope = NewDisposeScope();
        var raw = model.LastTransformer!.SampleTensor(5, 7);
        var expected = ((raw + 1) / 2).clamp(0, 1);
        var sampler = ImageSampler.FromModel(model);
        Assert.Equal(new long[] { 1, 28, 28 }, sampler.ImageShape);
        Assert.True(sampler.Sample(5, 7).allclose(expected, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void MeanStd_IsMappedBackByItsMeanAndStd()
    {
        var model = Ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.MeanStd, mean: new[] { 0.25f }, std: new[] { 0.5f })
            .Append(Ctx.Generative.Vae(Tiny)).Fit(Train);
        using var scope = NewDisposeScope();
        var expected = (model.LastTransformer!.SampleTensor(4, 3) * 0.5 + 0.25).clamp(0, 1);
        Assert.True(ImageSampler.FromModel(model).Sample(4, 3).allclose(expected, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void AGeneratorOnItsOwn_IsTakenToBeInTheUnitRange_AndBatchesAreReproducibleButDistinct()
    {
        var pixels = Ctx.Transforms.NormalizePixels("Pixels", "Image").Fit(Train).Transform(Train);
        var vae = Ctx.Generative.Vae(Tiny).Fit(pixels);
        using var scope = NewDisposeScope();
        var sampler = ImageSampler.FromModel(vae);
        Assert.True(sampler.Sample(3, 1).Identical(vae.SampleTensor(3, 1).clamp(0, 1)));

        var first = sampler.Batches(seed: 9);
        var again = sampler.Batches(seed: 9);
        var (a1, a2) = (first(4), first(4));
        Assert.True(a1.Identical(again(4)) && a2.Identical(again(4)), "the same seed must give the same batches");
        Assert.False(a1.Identical(a2), "successive batches must differ");
        Assert.False(a1.Identical(sampler.Batches(seed: 10)(4)), "another seed must give other images");
    }

    [Fact]
    public void AModelWithoutAGenerator_GetsAClearError()
    {
        var model = Ctx.Transforms.NormalizePixels("Pixels", "Image").Fit(Train);
        var e = Assert.Throws<ArgumentException>(() => ImageSampler.FromModel(model));
        Assert.Contains("no generative stage", e.Message);
    }
}
