using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Models;
using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Vae;
using ML.Generative.Models.VaeGan;
using ML.Generative.Tests.Reporting;

namespace ML.Generative.Tests.Models;

/// <summary><see cref="AutoencoderOptions.EpochSamples"/>: a grid decoded from one fixed latent batch at the end of
/// every epoch, kept in the training history for reports.</summary>
public class EpochSamplesTests
{
    private static (GenerativeContext, IDataView, IEstimator<ITransformer>) Data(int rows)
    {
        var ctx = new GenerativeContext(seed: 4);
        var train = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Train), rows);
        return (ctx, train, ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne));
    }

    [Fact]
    public void EachEpoch_KeepsAGridOfTheFixedBatch_TheLastEqualsTheFittedModelsSamples()
    {
        var (_, train, normalize) = Data(128);
        var options = new VaeOptions { LatentSize = 2, Epochs = 2, BatchSize = 64, EpochSamples = 8, Seed = 6 };
        var model = normalize.Append(new AutoencoderEstimator(options)).Fit(train);
        using var vae = model.LastTransformer;
        var grids = vae.History.Epochs.Select(e => e.SampleGrid).ToList();
        Assert.Equal(2, grids.Count);
        Assert.All(grids, g => Assert.NotNull(g));
        var decoded = grids.Select(g => PngCodec.Decode(g!)).ToList();
        // 8 images of 28x28 in one row, 2 px padding around each.
        Assert.All(decoded, d => Assert.Equal((8 * 28 + 9 * 2, 28 + 2 * 2), (d.Width, d.Height)));
        Assert.False(decoded[0].Pixels.SequenceEqual(decoded[1].Pixels), "training changed nothing between the two epochs' samples");

        // The last epoch's grid shows what the fitted model decodes from the same codes (prior draws with the options' seed).
        using var samples = vae.SampleTensor(8, options.Seed);
        var values = samples.ToFloats();
        var wrong = 0;
        for (var i = 0; i < 8; i++)
            for (var y = 0; y < 28; y++)
                for (var x = 0; x < 28; x++)
                {
                    var expected = (int)Math.Round(Math.Clamp(values[i * 784 + y * 28 + x], 0, 1) * 255);
                    var (r, _, _) = decoded[1].At(2 + i * 30 + x, 2 + y);
                    if (Math.Abs(r - expected) > 1) wrong++;
                }
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void ModelsWhoseSamplingNeedsTrainingImages_AlsoKeepGrids_AndNoneIsKeptByDefault()
    {
        var (_, train, normalize) = Data(64);
        var ae = normalize.Append(new AutoencoderEstimator(new AeOptions { LatentSize = 2, Epochs = 1, BatchSize = 32, EpochSamples = 4 })).Fit(train);
        Assert.NotNull(ae.LastTransformer.History.Epochs[0].SampleGrid);
        var unet = normalize.Append(new AutoencoderEstimator(new VaeGanOptions { UNet = true, LatentSize = 2, Epochs = 1, BatchSize = 32, DiscriminatorWidth = 8, EpochSamples = 4 })).Fit(train);
        Assert.NotNull(unet.LastTransformer.History.Epochs[0].SampleGrid);
        var plain = normalize.Append(new AutoencoderEstimator(new VaeOptions { LatentSize = 2, Epochs = 1, BatchSize = 32 })).Fit(train);
        Assert.Null(plain.LastTransformer.History.Epochs[0].SampleGrid);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AutoencoderEstimator(new VaeOptions { EpochSamples = -1 }));
    }
}
