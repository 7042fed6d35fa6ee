using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Models;
using ML.Generative.Models.Autoencoder;

namespace ML.Generative.Tests.Models;

/// <summary><see cref="AutoencoderEstimator.ValidationSet"/>: per-epoch validation losses on given rows (e.g. a test split).</summary>
public class ValidationSetTests
{
    private sealed class ErrorRow
    {
        public float ReconstructionError { get; set; }
    }

    [Fact]
    public void LastValidationLoss_IsTheFittedModelsErrorOnThoseRows()
    {
        var ctx = new GenerativeContext(seed: 3);
        var normalize = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne);
        var train = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Train), 128);
        var test = normalize.Fit(train).Transform(ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test), 100));
        var options = new AeOptions { LatentSize = 4, Epochs = 2, BatchSize = 64 };
        using var ae = normalize.Append(new AutoencoderEstimator(options) { ValidationSet = test }).Fit(train).LastTransformer!;
        Assert.All(ae.History.Epochs, e => Assert.NotNull(e.Validation));
        // The AE's reconstruction loss is MSE per pixel; the transformer's ReconstructionError column is MSE per pixel too.
        var expected = ctx.Data.CreateEnumerable<ErrorRow>(ae.Transform(test), ignoreMissingColumns: true).Average(r => (double)r.ReconstructionError);
        Assert.Equal(expected, ae.History.Epochs[^1].Validation!["reconstruction_per_pixel"], 4);
    }

    [Fact]
    public void AValidationSetOfAnotherShape_OrBesideAFraction_GetsAClearError()
    {
        var ctx = new GenerativeContext(seed: 3);
        var normalize = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne);
        var train = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Train), 64);
        var small = ctx.Transforms.ResizeImages("Image", 14, 14).Append(normalize).Fit(train).Transform(train);
        var same = normalize.Fit(train).Transform(train);
        var shape = Assert.Throws<SchemaMismatchException>(() => normalize.Append(new AutoencoderEstimator(new AeOptions { Epochs = 1 }) { ValidationSet = small }).Fit(train));
        Assert.Contains("validation set", shape.Message);
        var both = Assert.Throws<ArgumentException>(() => normalize.Append(new AutoencoderEstimator(new AeOptions { Epochs = 1, ValidationFraction = 0.1 }) { ValidationSet = same }).Fit(train));
        Assert.Contains("not both", both.Message);
    }
}
