using System.Diagnostics;
using System.Runtime.InteropServices;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Models;
using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Vae;
using ML.Generative.Models.Wae;
using TorchSharp;

namespace ML.Generative.Tests.Models;

/// <summary>The estimator workout for the autoencoder family: fit → transform → save → load in a new process
/// → same schema and bit-identical outputs; sampling; a small one-class anomaly run.</summary>
public class VaeEstimatorTests
{
    private static float[] Column(IDataView view, string name)
    {
        var col = view.Schema[name];
        var values = new List<float>();
        using var cursor = view.GetRowCursor(new[] { col });
        if (col.Type is VectorDataViewType)
        {
            var get = cursor.GetGetter<float[]>(col);
            float[] v = null!;
            while (cursor.MoveNext()) { get(ref v); values.AddRange(v); }
        }
        else
        {
            var get = cursor.GetGetter<float>(col);
            float v = 0;
            while (cursor.MoveNext()) { get(ref v); values.Add(v); }
        }
        return values.ToArray();
    }

    private static float[] RunInChildProcess(string zip, int rows, string column, int expectedFloats)
    {
        var output = Path.Combine(Path.GetDirectoryName(zip)!, column + ".bin");
        var runner = Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "tests", "ML.Generative.ModelRunner", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "ML.Generative.ModelRunner.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { runner, "fmnist", zip, rows.ToString(), column, output }) psi.ArgumentList.Add(a);
        psi.Environment["MLGEN_QUIET"] = "1";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        var bytes = File.ReadAllBytes(output);
        Assert.Equal(expectedFloats * 4, bytes.Length);
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    [Fact]
    public void Workout_FitTransformSaveLoadInANewProcess_GivesIdenticalOutputs()
    {
        var ctx = new GenerativeContext(seed: 1);
        var train = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Train), 512);
        var test = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test), 40);
        var pipeline = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne)
            .Append(ctx.Generative.Vae(new VaeOptions { LatentSize = 4, Epochs = 1, BatchSize = 64, ValidationFraction = 0.1 }));
        var model = pipeline.Fit(train);
        var vae = model.LastTransformer!;
        Assert.Equal("mlgen.vae", vae.Kind);
        Assert.NotNull(vae.History.Epochs[0].Validation);

        var scored = model.Transform(test);
        Assert.Equal(new[] { 4 }, ((VectorDataViewType)scored.Schema["Latent"].Type).Dimensions);
        Assert.Equal(new[] { 1, 28, 28 }, ((VectorDataViewType)scored.Schema["Reconstruction"].Type).Dimensions);
        var latent = Column(scored, "Latent");
        var errors = Column(scored, "ReconstructionError");
        Assert.Equal(40 * 4, latent.Length);
        Assert.All(errors, e => Assert.True(e > 0 && e < 1, $"per-pixel MSE {e} out of range"));
        // Batched computation gives what one-row-at-a-time computation gives (the cursor's windowing is right);
        // kernels differ by batch size, so only to float rounding.
        var lastRows = Column(model.Transform(ctx.Data.SkipRows(test, 39)), "Latent");
        for (var i = 0; i < 4; i++) Assert.Equal(latent[39 * 4 + i], lastRows[i], 4);

        using var s1 = vae.SampleTensor(8, 7);
        using var s2 = vae.SampleTensor(8, 7);
        using var s3 = vae.SampleTensor(8, 8);
        Assert.True(s1.Identical(s2), "the same seed must give the same samples");
        Assert.False(s1.Identical(s3));

        var dir = Directory.CreateTempSubdirectory("mlgen-vae");
        try
        {
            var zip = Path.Combine(dir.FullName, "vae.zip");
            ctx.Model.Save(model, train.Schema, zip);
            var loaded = ctx.Model.Load(zip, out var schema);
            Assert.Equal(train.Schema.Select(c => c.Name), schema.Select(c => c.Name));
            Assert.Equal(latent, Column(loaded.Transform(test), "Latent"));

            var childLatent = RunInChildProcess(zip, 40, "Latent", 40 * 4 + 8 * 784);
            Assert.Equal(latent, childLatent.Take(40 * 4));
            Assert.Equal(s1.ToFloats(), childLatent.Skip(40 * 4));
            var childErrors = RunInChildProcess(zip, 40, "ReconstructionError", 40 + 8 * 784);
            Assert.Equal(errors, childErrors.Take(40));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void OneClass_TrainedOnOneClass_ScoresOtherClassesHigher()
    {
        var ctx = new GenerativeContext(seed: 2);
        var train = ctx.Data.TakeRows(ctx.Data.FilterByLabel(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Train), 1), 600); // trousers
        var test = ctx.Data.AddIsAnomaly(ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test), 600), normalLabel: 1);
        var model = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne)
            .Append(ctx.Generative.Autoencoder(new AeOptions { LatentSize = 16, Epochs = 3, BatchSize = 64 }))
            .Fit(train);
        var metrics = ctx.Evaluate.Anomaly(model.Transform(test), "IsAnomaly", "ReconstructionError");
        Assert.True(metrics.Auroc > 0.75, $"AUROC {metrics.Auroc}");
        Assert.InRange(metrics.Positives, 500, 580);
    }

    [Fact]
    public void BadInput_GetsClearErrors()
    {
        var ctx = new GenerativeContext(seed: 1);
        var data = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test), 8);
        var ex = Assert.Throws<SchemaMismatchException>(() => ctx.Generative.Vae(new VaeOptions { InputColumn = "Image", Epochs = 1 }).Fit(data));
        Assert.Contains("'Image'", ex.Message);
        Assert.Contains("Vector<Single>", ex.Message);
        Assert.Contains("LatentSize", Assert.Throws<ArgumentOutOfRangeException>(() => ctx.Generative.Vae(new VaeOptions { LatentSize = 0 })).Message);
        var minusOne = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.MinusOneToOne).Fit(data).Transform(data);
        Assert.Contains("BinaryCrossEntropy", Assert.Throws<ArgumentException>(() => ctx.Generative.Vae(new VaeOptions { Epochs = 1 }).Fit(minusOne)).Message);
    }

    [Fact]
    public void Wae_SavesAndLoads_WithThePriorSampler()
    {
        var ctx = new GenerativeContext(seed: 3);
        var train = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Train), 128);
        var model = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne)
            .Append(ctx.Generative.Wae(new WaeOptions { LatentSize = 2, Epochs = 1, BatchSize = 32 })).Fit(train);
        var zip = Path.Combine(Path.GetTempPath(), $"mlgen-wae-{Guid.NewGuid():N}.zip");
        ctx.Model.Save(model, train.Schema, zip);
        var loaded = ctx.Model.Load(zip, out _);
        File.Delete(zip);
        var wae = (AutoencoderTransformer)loaded.LastTransformer!;
        Assert.Equal("mlgen.wae", wae.Kind);
        using var a = model.LastTransformer!.SampleTensor(4, 1);
        using var b = wae.SampleTensor(4, 1);
        Assert.True(a.Identical(b));
    }
}
