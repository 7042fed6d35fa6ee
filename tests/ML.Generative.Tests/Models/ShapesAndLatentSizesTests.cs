using ML.Generative.Data;
using ML.Generative.Models;
using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Vae;
using ML.Generative.Models.VaeGan;
using ML.Generative.Models.Wae;
using TorchSharp;

namespace ML.Generative.Tests.Models;

/// <summary>The families fit, transform and sample at latent sizes 1 and 2 and at images 28, 32 and 64 with 1 or 3
/// channels (one training step each: shapes and plumbing, not quality).</summary>
public class ShapesAndLatentSizesTests
{
    public static TheoryData<string, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int>();
        // Every family at three shapes that between them cover each size, both channel counts and both latent
        // sizes; the VAE (the families share encoder and decoder) at the other three.
        foreach (var family in new[] { "ae", "vae", "wae-mmd", "wae-gan", "vaegan", "unet-vaegan" })
            foreach (var (c, size, latent) in new[] { (1, 28, 1), (3, 32, 2), (1, 64, 2) })
                data.Add(family, c, size, latent);
        foreach (var (c, size, latent) in new[] { (3, 28, 2), (1, 32, 1), (3, 64, 1) })
            data.Add("vae", c, size, latent);
        return data;
    }

    private static AutoencoderOptions Options(string family) => family switch
    {
        "ae" => new AeOptions(),
        "vae" => new VaeOptions(),
        "wae-mmd" => new WaeOptions(),
        "wae-gan" => new WaeOptions { Penalty = WaePenalty.Adversarial },
        "vaegan" => new VaeGanOptions { DiscriminatorWidth = 8 },
        _ => new VaeGanOptions { UNet = true, DiscriminatorWidth = 8 },
    };

    private static IDataView RandomImages(int count, int c, int size)
    {
        var rng = new Random(c * 100 + size);
        var rows = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, c * size * size).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
        var schema = new DataViewSchema.Builder();
        schema.AddColumn("Pixels", new VectorDataViewType(NumberDataViewType.Single, c, size, size));
        return new InMemoryDataView(schema.ToSchema(), new Array[] { rows });
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Family_FitsTransformsAndSamples(string family, int channels, int size, int latent)
    {
        var data = RandomImages(8, channels, size);
        var options = Options(family) with { LatentSize = latent, Epochs = 1, BatchSize = 8 };
        using var model = new AutoencoderEstimator(options).Fit(data);
        var view = model.Transform(data);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, latent), view.Schema["Latent"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, channels, size, size), view.Schema["Reconstruction"].Type);
        using (var cursor = view.GetRowCursor(view.Schema))
        {
            var get = cursor.GetGetter<float[]>(view.Schema["Latent"]);
            float[] z = null!;
            var rows = 0;
            while (cursor.MoveNext()) { get(ref z); Assert.Equal(latent, z.Length); Assert.All(z, v => Assert.True(float.IsFinite(v))); rows++; }
            Assert.Equal(8, rows);
        }
        using var samples = model.SampleTensor(3, seed: 1);
        Assert.Equal(new long[] { 3, channels, size, size }, samples.shape);
        Assert.True(samples.isfinite().all().item<bool>());
    }
}
