using ML.Generative.Data;
using ML.Generative.Models;

namespace ML.Generative.Cli;

/// <summary>A model zip loaded for a command: the whole chain, its input schema and its autoencoder stage.</summary>
internal sealed class LoadedModel : IDisposable
{
    private LoadedModel(TransformerChain<ITransformer> chain, DataViewSchema inputSchema, AutoencoderTransformer autoencoder)
    {
        Chain = chain;
        InputSchema = inputSchema;
        Autoencoder = autoencoder;
    }

    internal TransformerChain<ITransformer> Chain { get; }
    internal DataViewSchema InputSchema { get; }
    internal AutoencoderTransformer Autoencoder { get; }

    /// <summary>The model's image channels (from its input schema; 0 when not recorded).</summary>
    internal int Channels => InputSchema.GetColumnOrNull("Image")?.Type is ImageDataViewType t ? t.Channels : 0;

    internal static LoadedModel Load(GenerativeContext ctx, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file not found: {Path.GetFullPath(path)}", path);
        var chain = ctx.Model.Load(path, out var schema);
        var autoencoder = chain.OfType<AutoencoderTransformer>().LastOrDefault();
        if (autoencoder is null)
        {
            foreach (var stage in chain.OfType<IDisposable>()) stage.Dispose();
            throw new ArgumentException($"{path} holds no autoencoder stage (its stages: {string.Join(", ", chain.Select(s => s.GetType().Name))})");
        }
        return new LoadedModel(chain, schema, autoencoder);
    }

    /// <summary>--data read to fit this model's input (a folder decoded to the model's channel count).</summary>
    internal IDataView Data(GenerativeContext ctx, string spec, int? max)
    {
        var data = DataSources.Load(ctx, spec, DatasetSplit.Test, Channels);
        if (max is int m) data = ctx.Data.TakeRows(data, m);
        return data;
    }

    /// <summary>The images from <paramref name="paths"/>, decoded for this model, as one data view.</summary>
    internal IDataView Files(GenerativeContext ctx, params string[] paths)
    {
        foreach (var p in paths)
            if (!File.Exists(p)) throw new FileNotFoundException($"image file not found: {Path.GetFullPath(p)}", p);
        var rows = ctx.Data.LoadFromEnumerable(paths.Select(p => new PathRow { ImagePath = Path.GetFullPath(p) }));
        var color = Channels == 1 ? ImageColorMode.Gray : ImageColorMode.Rgb;
        return ctx.Transforms.LoadImages("Image", colorMode: color).Fit(rows).Transform(rows);
    }

    public void Dispose()
    {
        foreach (var stage in Chain.OfType<IDisposable>()) stage.Dispose();
    }

    private sealed class PathRow
    {
        public string ImagePath { get; set; } = "";
    }
}
