using System.CommandLine;
using System.Globalization;
using ML.Generative.Models;

namespace ML.Generative.Cli;

/// <summary><c>mlgen score model.zip --data ... --out scores.csv</c>: reconstruction error per image (higher = more unusual).</summary>
internal static class ScoreCommand
{
    internal static Command Create()
    {
        var model = new Argument<string>("model") { Description = "a model zip" };
        var data = new Option<string>("--data") { Description = DataSources.Help, Required = true };
        var output = new Option<string>("--out") { Description = "CSV file: index, path or label where known, score", DefaultValueFactory = _ => "scores.csv" };
        var max = new Option<int?>("--max") { Description = "score at most this many images" };
        var command = new Command("score", "score images by reconstruction error (the model's error metric) into a CSV file") { model, data, output, max };
        command.SetAction(r =>
        {
            var ctx = new GenerativeContext();
            using var loaded = LoadedModel.Load(ctx, r.GetValue(model)!);
            var outPath = r.GetValue(output)!;
            var rows = RowExport.WriteCsv(loaded.Chain.Transform(loaded.Data(ctx, r.GetValue(data)!, r.GetValue(max))), AutoencoderTransformer.ErrorColumn, "score", outPath);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rows} scores ({loaded.Autoencoder.Options.ErrorMetric} per pixel): {Path.GetFullPath(outPath)}"));
            return 0;
        });
        return command;
    }
}
