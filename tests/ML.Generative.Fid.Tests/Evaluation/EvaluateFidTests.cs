using ML.Generative.Fid.Features;
using TorchSharp;
using ML.Generative.Serialization;
using static TorchSharp.torch;

namespace ML.Generative.Fid.Tests.Evaluation;

/// <summary>ctx.Evaluate.Fid's generator path and its guard against mixing feature networks, with random domain networks.</summary>
public class EvaluateFidTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("fid-eval-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string RandomNetwork(int seed)
    {
        manual_seed(seed);
        var path = Path.Combine(dir, $"net{seed}.safetensors");
        using var net = new DomainFeatureNetwork();
        SafeTensors.Save(path, net.state_dict());
        return path;
    }

    [Fact]
    public void AGenerator_IsScoredInBatches_AndEqualsTheSameImagesExtractedAtOnce()
    {
        using var features = FidFeatures.Domain(RandomNetwork(1));
        features.BatchSize = 7; // 30 images: batches of 7, 7, 7, 7, 2
        manual_seed(5);
        using var all = rand(30, 1, 28, 28);
        var asked = new List<int>();
        var next = 0L;
        var ctx = new GenerativeContext(seed: 0);
        var fromGenerator = ctx.Evaluate.ExtractFeatures(n =>
        {
            asked.Add(n);
            var batch = all.narrow(0, next, n).clone();
            next += n;
            return batch;
        }, 30, features);
        Assert.Equal(new[] { 7, 7, 7, 7, 2 }, asked);
        Assert.Equal(30, fromGenerator.Count);

        using var f = features.Extract(all);
        var direct = new FeatureStatistics(features.Dimension);
        direct.Add(f.ToFloats());
        var expected = direct.ToStatistics();
        for (var i = 0; i < expected.Mu.Length; i++) Assert.Equal(expected.Mu[i], fromGenerator.Statistics.Mu[i], 1e-6);
    }

    [Fact]
    public void FeaturesOfDifferentNetworks_AreRefused()
    {
        using var a = FidFeatures.Domain(RandomNetwork(1));
        using var b = FidFeatures.Domain(RandomNetwork(2));
        Assert.NotEqual(a.ContentHash, b.ContentHash);
        var ctx = new GenerativeContext(seed: 0);
        using var images = rand(4, 1, 28, 28);
        var fa = ctx.Evaluate.ExtractFeatures(n => images.narrow(0, 0, n).clone(), 4, a);
        var fb = ctx.Evaluate.ExtractFeatures(n => images.narrow(0, 0, n).clone(), 4, b);
        var e = Assert.Throws<ArgumentException>(() => ctx.Evaluate.Fid(fa, fb));
        Assert.Contains("not comparable", e.Message);
        var same = ctx.Evaluate.Fid(fa, fa);
        Assert.Equal(a.Network, same.FeatureNetwork);
        Assert.Contains(same.Warnings, w => w.Contains("fewer than the 128"));
    }

    [Fact]
    public void AnImageTensorThatIsNotGrayOrRgb_IsRefusedWithItsShape()
    {
        using var features = FidFeatures.Domain(RandomNetwork(1));
        using var x = rand(2, 4, 28, 28);
        var e = Assert.Throws<ArgumentException>(() => features.Extract(x));
        Assert.Contains("(2, 4, 28, 28)", e.Message);
    }

    [Fact]
    public void StatisticsWithoutACount_AreNotWarnedAbout_ButASmallGeneratedSetIs()
    {
        using var features = FidFeatures.Domain(RandomNetwork(1));
        var ctx = new GenerativeContext(seed: 0);
        using var images = rand(6, 1, 28, 28);
        var generated = ctx.Evaluate.ExtractFeatures(n => images.narrow(0, 0, n).clone(), 6, features);
        // As read from a pytorch-fid .npz: mean and covariance, no count.
        var real = FeatureSet.FromStatistics(new FidStatistics(generated.Statistics.Mu, generated.Statistics.Sigma), features.Network);
        var result = ctx.Evaluate.Fid(real, generated);
        Assert.Equal(0, result.RealCount);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("real set"));
        Assert.Contains(result.Warnings, w => w.Contains("the generated set has 6 samples, fewer than the 128"));
    }
}
