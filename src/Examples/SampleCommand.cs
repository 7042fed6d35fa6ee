using System.CommandLine;
using ML.Generative.Data;
using ML.Generative.Models;
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
        var command = new Command("sample", "sample new images from a saved model into a PNG grid") { model, count, grid, seed };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(count), r.GetValue(grid)!, r.GetValue(seed)));
        return command;
    }

    private static int Run(string modelPath, int count, string gridPath, long seed)
    {
        if (count < 1) throw new ArgumentException($"-n must be at least 1, got {count}");
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"model file not found: {Path.GetFullPath(modelPath)}");
        var ctx = new GenerativeContext();
        var chain = ctx.Model.Load(modelPath, out _);
        using var generator = chain.OfType<AutoencoderTransformer>().LastOrDefault()
            ?? throw new ArgumentException($"{modelPath} holds no generative model stage (its stages: {string.Join(", ", chain.Select(t => t.GetType().Name))})");
        using var images = generator.SampleTensor(count, seed);
        // Images come out in the training data's normalisation; grids show [0, 1].
        using var shown = images.min().item<float>() < -0.01f ? (images + 1) / 2 : images.alias();
        ImageGrid.Save(shown, gridPath);
        Console.WriteLine($"{count} samples (seed {seed}): {Path.GetFullPath(gridPath)}");
        return 0;
    }
}
