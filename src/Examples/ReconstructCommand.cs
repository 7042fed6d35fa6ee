using System.CommandLine;
using ML.Generative.Models;

namespace ML.Generative.Cli;

/// <summary><c>mlgen reconstruct model.zip --data ... --grid recon.png</c>: originals above, reconstructions below.</summary>
internal static class ReconstructCommand
{
    internal static Command Create()
    {
        var model = new Argument<string>("model") { Description = "a model zip" };
        var data = new Option<string>("--data") { Description = DataSources.Help, Required = true };
        var count = new Option<int>("-n", "--count") { Description = "images to reconstruct (the first ones of --data)", DefaultValueFactory = _ => 8 };
        var grid = new Option<string>("--grid") { Description = "PNG file to write", DefaultValueFactory = _ => "reconstructions.png" };
        var command = new Command("reconstruct", "reconstruct images through a saved model: originals above, reconstructions below") { model, data, count, grid };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(data)!, r.GetValue(count), r.GetValue(grid)!));
        return command;
    }

    private static int Run(string modelPath, string dataSpec, int count, string gridPath)
    {
        if (count is < 1 or > 256) throw new ArgumentException($"-n must be between 1 and 256, got {count}");
        var ctx = new GenerativeContext();
        using var model = LoadedModel.Load(ctx, modelPath);
        var scored = model.Chain.Transform(model.Data(ctx, dataSpec, count));
        ctx.Data.SaveImageGrid(scored, new[] { model.Autoencoder.Options.InputColumn, AutoencoderTransformer.ReconstructionColumn }, gridPath, count);
        Console.WriteLine($"reconstructions: {Path.GetFullPath(gridPath)}");
        return 0;
    }
}
