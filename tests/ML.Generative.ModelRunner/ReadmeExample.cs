using System.Runtime.InteropServices;
using ML.Generative;
using ML.Generative.Data;

/// <summary>
/// The loading half of README.md's "Data and pipelines" example, run in its own process by
/// ReadmeExamplesTests (which also checks that README.md shows this code verbatim).
/// </summary>
internal static class ReadmeExample
{
    /// <summary>Runs in the current directory (holding pipeline.zip and images/); writes the pixels to <paramref name="output"/>.</summary>
    internal static int Run(string output)
    {
        // README:begin data-pipeline-load
        var ctx = new GenerativeContext();
        var model = ctx.Model.Load("pipeline.zip", out var schema);   // schema: the input columns it was saved with
        var images = ctx.Data.LoadImagesFromFolder("images", labelsFromFolders: false, colorMode: ImageColorMode.Rgb);
        var rows = ctx.Data.CreateEnumerable<PixelRow>(model.Transform(images)).ToList();
        // README:end
        if (!schema["Image"].Type.Equals(images.Schema["Image"].Type)) throw new InvalidDataException("the saved input schema differs");
        using var file = File.Create(output);
        foreach (var row in rows) file.Write(MemoryMarshal.AsBytes(row.Pixels.AsSpan()));
        return 0;
    }
}

// README:begin data-pipeline-row
public sealed class PixelRow
{
    [VectorType(3, 16, 16)] public float[] Pixels { get; set; } = null!;
}
// README:end
