using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Evaluation;
using ML.Generative.Models;
using ML.Generative.Models.Autoencoder;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Evaluation;

/// <summary>Pseudo-anomalies made from normal images, and the one-class score chosen on them.</summary>
public class OneClassScorerTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public OneClassScorerTests(Xunit.Abstractions.ITestOutputHelper output) => this.output = output;

    [Fact]
    public void PseudoAnomalies_AreTheFourDocumentedTransformations()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        const int n = 8, h = 6;
        var x = rand(n, 2, h, h);
        var y = PseudoAnomalies.Make(x);
        Assert.Equal(x.shape, y.shape);
        var xs = x.ToFloats().ToArray();
        var ys = y.ToFloats().ToArray();
        float X(int i, int c, int r, int col) => xs[((i * 2 + c) * h + r) * h + col];
        float Y(int i, int c, int r, int col) => ys[((i * 2 + c) * h + r) * h + col];
        for (var i = 0; i < n; i++)
            for (var c = 0; c < 2; c++)
                for (var r = 0; r < h; r++)
                    for (var col = 0; col < h; col++)
                    {
                        var expected = (i % 4) switch
                        {
                            0 => X(i, c, h - 1 - r, col),                              // upside down
                            1 => X(i, c, h - 1 - col, r),                              // quarter turn
                            2 => (X(i, c, r, col) + X((i + 1) % n, c, r, col)) / 2,     // blend with the next image
                            _ => X(i, c, (r + h / 2) % h, col),                        // halves swapped
                        };
                        Assert.Equal(expected, Y(i, c, r, col), 5);
                    }
        Assert.Throws<ArgumentException>(() => PseudoAnomalies.Make(rand(1, 1, 4, 4)));
        Assert.Throws<ArgumentException>(() => PseudoAnomalies.Make(rand(4, 1, 4, 5)));
    }

    private sealed class Row
    {
        public float[] Latent { get; set; } = Array.Empty<float>();
        public float ReconstructionError { get; set; }
        public bool IsAnomaly { get; set; }
    }

    [Fact]
    public void Scorer_ChoosesOnValidation_ScoresMatchTheirFormulas_AndSeparatesTheTestSet()
    {
        var ctx = new GenerativeContext(seed: 8);
        var normal = ctx.Data.TakeRows(ctx.Data.FilterByLabel(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Train), 1), 600);
        var split = ctx.Data.TrainTestSplit(normal, 1.0 / 6, seed: 2);
        var model = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne)
            .Append(ctx.Generative.Autoencoder(new AeOptions { LatentSize = 4, Epochs = 3, BatchSize = 64 })).Fit(split.TrainSet);
        var scorer = OneClassScorer.Select(model, split.TrainSet, split.TestSet);

        Assert.Equal(Enum.GetValues<AnomalyScore>().Length, scorer.ValidationAurocs.Count);
        Assert.All(scorer.ValidationAurocs.Values, a => Assert.InRange(a, 0, 1));
        Assert.Equal(scorer.ValidationAurocs.Values.Max(), scorer.ValidationAurocs[scorer.Chosen]);

        var test = ctx.Data.TakeRows(ctx.Data.AddIsAnomaly(ctx.Data.LoadDataset("fashion-mnist", DatasetSplit.Test), 1), 600);
        var all = scorer.ScoreAll(test);
        var rows = ctx.Data.CreateEnumerable<Row>(model.Transform(test), ignoreMissingColumns: true).ToList();
        // MSE: the transformer's ReconstructionError column (MSE by default) for the same rows.
        for (var i = 0; i < rows.Count; i++) Assert.True(Math.Abs(rows[i].ReconstructionError - all[AnomalyScore.ReconstructionMse][i]) <= 1e-6, $"row {i}");
        // Latent distance: √Σ((z − μ)/σ)² with μ, σ of the training codes (population std), from the Latent column.
        var trainLatents = ctx.Data.CreateEnumerable<Row>(model.Transform(split.TrainSet), ignoreMissingColumns: true).Select(r => r.Latent).ToList();
        var mu = Enumerable.Range(0, 4).Select(d => trainLatents.Average(z => (double)z[d])).ToArray();
        var sigma = Enumerable.Range(0, 4).Select(d => Math.Sqrt(trainLatents.Average(z => (z[d] - mu[d]) * (z[d] - mu[d])))).ToArray();
        for (var i = 0; i < rows.Count; i++)
        {
            var expected = Math.Sqrt(Enumerable.Range(0, 4).Sum(d => Math.Pow((rows[i].Latent[d] - mu[d]) / sigma[d], 2)));
            Assert.True(Math.Abs(expected - all[AnomalyScore.LatentDistance][i]) <= 1e-4 * Math.Max(1, expected), $"row {i}: {all[AnomalyScore.LatentDistance][i]} vs {expected}");
        }
        Assert.Equal(all[scorer.Chosen], scorer.Score(test));
        foreach (var (score, values) in all)
            output.WriteLine($"{score}: validation AUROC {scorer.ValidationAurocs[score]:F3}, test AUROC {AnomalyMetrics.Compute(values, rows.Select(r => r.IsAnomaly).ToList()).Auroc:F3}");
        var auroc = AnomalyMetrics.Compute(all[scorer.Chosen], rows.Select(r => r.IsAnomaly).ToList()).Auroc;
        Assert.True(auroc > 0.7, $"the chosen score ({scorer.Chosen}) separates trousers from the rest with AUROC {auroc:F3} only");
    }
}
