using System.CommandLine;
using ML.Generative.Models;

namespace ML.Generative.Cli;

/// <summary><c>mlgen embed model.zip --data ... --out embeddings.csv</c>: each image's latent vector (μ for VAEs).</summary>
internal static class EmbedCommand
{
    internal static Command Create()
    {
        var model = new Argument<string>("model") { Description = "a model zip" };
        var data = new Option<string>("--data") { Description = DataSources.Help, Required = true };
        var output = new Option<string>("--out") { Description = "CSV file: index, path or label where known, z0..z(d-1)", DefaultValueFactory = _ => "embeddings.csv" };
        var max = new Option<int?>("--max") { Description = "embed at most this many images" };
        var command = new Command("embed", "write each image's latent vector to a CSV file") { model, data, output, max };
        command.SetAction(r =>
        {
            var ctx = new GenerativeContext();
            using var loaded = LoadedModel.Load(ctx, r.GetValue(model)!);
            var outPath = r.GetValue(output)!;
            var rows = RowExport.WriteCsv(loaded.Chain.Transform(loaded.Data(ctx, r.GetValue(data)!, r.GetValue(max))), AutoencoderTransformer.LatentColumn, "z", outPath);
            Console.WriteLine($"{rows} embeddings ({loaded.Autoencoder.LatentSize} values each): {Path.GetFullPath(outPath)}");
            return 0;
        });
        return command;
    }
}
