using ML.Generative.Data;

namespace ML.Generative.Fid;

/// <summary>Makes an image column readable by CreateBatches (known size and channels).</summary>
internal static class FidImageColumn
{
    private const string Prepared = "__FidPixels";

    /// <summary>The view and column to batch: as given when already fixed-size; otherwise the images resized to the
    /// first image's size (a no-op for uniform folders) and extracted to [0, 1] floats with the network's channels.</summary>
    public static (IDataView View, string Column) Prepare(GenerativeContext ctx, IDataView data, string column, int channels)
    {
        var col = data.Schema.GetColumnOrNull(column)
            ?? throw new ArgumentException($"no column '{column}' in the data (columns: {string.Join(", ", data.Schema.Select(c => c.Name))})", nameof(column));
        if (col.Type is not ImageDataViewType image || image is { IsKnownSize: true, Channels: > 0 })
            return (data, column);
        var view = data;
        if (!image.IsKnownSize)
        {
            var (w, h) = FirstImageSize(data, col);
            view = ctx.Transforms.ResizeImages(Prepared, w, h, column).Fit(view).Transform(view);
            column = Prepared;
        }
        view = ctx.Transforms.ExtractPixels(Prepared + "F", column, scaleImage: 1f / 255, channels: channels).Fit(view).Transform(view);
        return (view, Prepared + "F");
    }

    private static (int Width, int Height) FirstImageSize(IDataView data, DataViewSchema.Column column)
    {
        using var cursor = data.GetRowCursor(new[] { column });
        if (!cursor.MoveNext()) throw new InvalidOperationException($"column '{column.Name}' has no images");
        var get = cursor.GetGetter<ImageData>(column);
        ImageData img = null!;
        get(ref img);
        return (img.Width, img.Height);
    }
}
