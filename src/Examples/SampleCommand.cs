using System.CommandLine;
using ML.Generative.Data;
using ML.Generative.Models.Sampling;
using ML.Generative.Models.VaeGan;
using ML.Generative.Pipeline;

namespace ML.Generative.Cli;

/// <summary><c>mlgen sample model.zip -n 64 --grid samples.png [--seed]</c>: new images from a saved generative model.</summary>
internal static class SampleCommand
{
    internal static Command Create()
    {
        var model = new Argument<string>("model") { Description = "a model zip saved by mlgen train, quickstart or ctx.Model.Save" };
        var count = new Option<int>("-n", "--count") { Description = "how many images", DefaultValueFactory = _ => 64 };
        var grid = new Option<string>("--grid") { Description = "PNG file for the image grid", DefaultValueFactory = _ => "samples.png" };
        var seed = new Option<long>("--seed") { Description = "the same seed gives the same images", DefaultValueFactory = _ => 0 };
        var skips = new Option<string?>("--skips") { Description = "U-Net VAE-GAN only: take skip features from 'reference' training images (as the reference does) or draw them from the training set's skip 'statistics' (no image needed); default: the model's option" };
        var command = new Command("sample", "sample new images from a saved model into a PNG grid") { model, count, grid, seed, skips };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(count), r.GetValue(grid)!, r.GetValue(seed), ParseSkips(r.GetValue(skips))));
        return command;
    }

    private static SkipSampling? ParseSkips(string? value) => value?.ToLowerInvariant() switch
    {
        null => null,
        "reference" => SkipSampling.ReferenceImages,
        "statistics" => SkipSampling.SkipStatistics,
        _ => throw new ArgumentException($"--skips must be 'reference' or 'statistics', got '{value}'"),
    };

    private static int Run(string modelPath, int count, string gridPath, long seed, SkipSampling? skips)
    {
        if (count < 1) throw new ArgumentException($"-n must be at least 1, got {count}");
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"model file not found: {Path.GetFullPath(modelPath)}");
        var ctx = new GenerativeContext();
        var chain = ctx.Model.Load(modelPath, out _);
        var sampler = ImageSampler.FromModel(chain);
        if (skips is not null && !sampler.UsesSkips) throw new ArgumentException("--skips applies only to a U-Net VAE-GAN model; this model has no skip inputs");
        // Samples come back in [0, 1] whatever normalisation the model was trained on.
        using (var images = sampler.Sample(count, seed, skips)) ImageGrid.Save(images, gridPath);
        foreach (var stage in chain.OfType<IDisposable>()) stage.Dispose();
        Console.WriteLine($"{count} samples (seed {seed}): {Path.GetFullPath(gridPath)}");
        return 0;
    }
}
