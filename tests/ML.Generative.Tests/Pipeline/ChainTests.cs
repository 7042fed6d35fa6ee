using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Tests.Data;

namespace ML.Generative.Tests.Pipeline;

public class ChainTests
{
    private readonly GenerativeContext ctx = new(seed: 4);

    public sealed class Row
    {
        [ImageType(2, 2, 1)] public ImageData Image { get; set; } = null!;
    }

    [Fact]
    public void AppendFlattens_FitGivesATransformerChain_AndTransformIsLazy()
    {
        var reads = 0;
        IEnumerable<Row> Rows()
        {
            for (var i = 0; i < 3; i++)
            {
                reads++;
                yield return new Row { Image = new ImageData(2, 2, 1, new byte[] { 0, 85, 170, 255 }) };
            }
        }
        var data = ctx.Data.LoadFromEnumerable(Rows());
        var chain = ctx.Transforms.ResizeImages("Image", 4, 4)
            .Append(ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.MinusOneToOne))
            .Append(ctx.Transforms.ExtractPixels("Raw", "Image"));
        Assert.Equal(3, chain.Estimators.Count);
        var model = chain.Fit(data);
        Assert.IsType<PixelExtractingTransformer>(model.LastTransformer);
        reads = 0;
        var output = model.Transform(data);
        Assert.Equal(0, reads);  // nothing is read until a cursor moves
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 4, 4), output.Schema["Pixels"].Type);
        var pixels = DataTestKit.Column<float[]>(output, "Pixels");
        Assert.Equal(3, reads);
        Assert.Equal(-1f, pixels[0][0]);
        Assert.Equal(1f, pixels[0][15]);
    }

    [Fact]
    public void GetOutputSchema_FollowsTheWholeChain_WithoutData()
    {
        var input = new SchemaShape(new[] { new SchemaShape.Column("Image", new ImageDataViewType(0, 0, 3)) });
        var output = ctx.Transforms.ResizeImages("Image", 8, 6)
            .Append(ctx.Transforms.ConvertToGrayscale("Gray", "Image"))
            .Append(ctx.Transforms.NormalizePixels("Pixels", "Gray"))
            .GetOutputSchema(input);
        Assert.Equal(new ImageDataViewType(6, 8, 3), output.FindColumn("Image")!.Value.Type);
        Assert.Equal(SchemaShape.VectorKind.Vector, output.FindColumn("Pixels")!.Value.Kind);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 6, 8), output.FindColumn("Pixels")!.Value.Type);
        // Without a resize the image size is unknown, and the error says so at schema time.
        var e = Assert.Throws<SchemaMismatchException>(() => ctx.Transforms.NormalizePixels("Pixels", "Image").GetOutputSchema(input));
        Assert.Equal("Image", e.ColumnName);
        Assert.Equal("Image<?x?x3>", e.Actual);
    }
}
