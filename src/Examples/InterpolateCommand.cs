using System.CommandLine;
using ML.Generative.Models;
using ML.Generative.Models.Sampling;

namespace ML.Generative.Cli;

/// <summary><c>mlgen interpolate model.zip --from a.png --to b.png --steps 10 --grid path.png</c>: decoded points on
/// the path between two images' latents.</summary>
internal static class InterpolateCommand
{
    internal static Command Create()
    {
        var model = new Argument<string>("model") { Description = "a model zip" };
        var from = new Option<string>("--from") { Description = "the first image file", Required = true };
        var to = new Option<string>("--to") { Description = "the last image file", Required = true };
        var steps = new Option<int>("--steps") { Description = "images on the path, both ends included", DefaultValueFactory = _ => 10 };
        var spherical = new Option<bool>("--spherical") { Description = "spherical instead of linear interpolation" };
        var grid = new Option<string>("--grid") { Description = "PNG file to write", DefaultValueFactory = _ => "interpolation.png" };
        var command = new Command("interpolate", "decode the path between two images' latent vectors into a PNG strip") { model, from, to, steps, spherical, grid };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(from)!, r.GetValue(to)!, r.GetValue(steps), r.GetValue(spherical), r.GetValue(grid)!));
        return command;
    }

    private static int Run(string modelPath, string from, string to, int steps, bool spherical, string gridPath)
    {
        if (steps is < 2 or > 100) throw new ArgumentException($"--steps must be between 2 and 100, got {steps}");
        var ctx = new GenerativeContext();
        using var model = LoadedModel.Load(ctx, modelPath);
        var column = model.Autoencoder.Options.InputColumn;
        var inputs = model.Chain.Transform(model.Files(ctx, from, to));
        var pixels = new List<float[]>();
        using (var cursor = inputs.GetRowCursor(new[] { inputs.Schema[column] }))
        {
            var get = cursor.GetGetter<float[]>(inputs.Schema[column]);
            while (cursor.MoveNext())
            {
                float[] v = null!;
                get(ref v);
                pixels.Add(v);
            }
        }
        var path = model.Autoencoder.Interpolate(pixels[0], pixels[1], steps, spherical ? Interpolation.Spherical : Interpolation.Linear);
        ctx.Data.SaveImageGrid(path, "Image", gridPath, columns: steps, maxImages: steps);
        Console.WriteLine($"interpolation ({steps} steps, {(spherical ? "spherical" : "linear")}): {Path.GetFullPath(gridPath)}");
        return 0;
    }
}
