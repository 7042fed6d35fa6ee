// Usage:
//   run <model.zip> <images-folder> <column> <out.bin>   load the model, transform the folder's images as RGB
//                                                         (no labels), write the column's floats (little-endian)
//   golden <model.zip>                                    write the format-v1 golden model kept under tests/
//   readme <out.bin>                                      README.md's loading example (ReadmeExample.cs), run in
//                                                         the current directory; writes the pixels (little-endian)
using System.Runtime.InteropServices;
using ML.Generative;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;

var ctx = new GenerativeContext(seed: 1);
switch (args.FirstOrDefault())
{
    case "run" when args.Length == 5:
    {
        var model = ctx.Model.Load(args[1], out var schema);
        var input = ctx.Data.LoadImagesFromFolder(args[2], labelsFromFolders: false, colorMode: ImageColorMode.Rgb);
        var output = model.Transform(input);
        var col = output.Schema[args[3]];
        using var cursor = output.GetRowCursor(new[] { col });
        var get = cursor.GetGetter<float[]>(col);
        using var file = File.Create(args[4]);
        float[] v = null!;
        while (cursor.MoveNext())
        {
            get(ref v);
            file.Write(MemoryMarshal.AsBytes(v.AsSpan()));
        }
        return 0;
    }
    case "fmnist" when args.Length == 5:
    {
        // Fashion-MNIST test images through a saved model: write one column's floats, then Sample(8, seed 7).
        var model = ctx.Model.Load(args[1], out _);
        var input = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist", ML.Generative.Data.DatasetSplit.Test), long.Parse(args[2]));
        var output = model.Transform(input);
        var col = output.Schema[args[3]];
        using var file = File.Create(args[4]);
        using (var cursor = output.GetRowCursor(new[] { col }))
        {
            if (col.Type is VectorDataViewType)
            {
                var get = cursor.GetGetter<float[]>(col);
                float[] v = null!;
                while (cursor.MoveNext()) { get(ref v); file.Write(MemoryMarshal.AsBytes(v.AsSpan())); }
            }
            else
            {
                var get = cursor.GetGetter<float>(col);
                float v = 0;
                while (cursor.MoveNext()) { get(ref v); file.Write(BitConverter.GetBytes(v)); }
            }
        }
        var last = model.LastTransformer as ML.Generative.Models.AutoencoderTransformer;
        using var samples = last!.SampleTensor(8, 7);
        file.Write(MemoryMarshal.AsBytes(ML.Generative.Tensors.TensorData.ToFloats(samples).AsSpan()));
        return 0;
    }
    case "golden" when args.Length == 2:
    {
        var data = ctx.Data.LoadFromEnumerable(new[] { new GoldenRow { Image = new ImageData(8, 8, 3, new byte[8 * 8 * 3]) } });
        var pipeline = ctx.Transforms.ResizeImages("Image", 4, 4)
            .Append(ctx.Transforms.ConvertToGrayscale("Gray", "Image"))
            .Append(ctx.Transforms.NormalizePixels("Pixels", "Gray", PixelRange.MeanStd, mean: new[] { 0.5f }, std: new[] { 0.25f }))
            .Append(ctx.Transforms.RandomHorizontalFlip("Pixels", seed: 3));
        ctx.Model.Save(pipeline.Fit(data), data.Schema, args[1]);
        return 0;
    }
    case "readme" when args.Length == 2:
        return ReadmeExample.Run(args[1]);
    default:
        Console.Error.WriteLine("usage: run <model.zip> <images-folder> <column> <out.bin> | golden <model.zip> | readme <out.bin>");
        return 2;
}

internal sealed class GoldenRow
{
    [ImageType(8, 8, 3)] public ImageData Image { get; set; } = null!;
}
