using ML.Generative.Evaluation;

namespace ML.Generative.Tests.Evaluation;

public class AnomalyMetricsTests
{
    [Fact]
    public void SklearnDocumentationExample()
    {
        // scikit-learn's roc_auc_score / average_precision_score doc example: y = [0,0,1,1], s = [.1,.4,.35,.8]
        // gives AUROC 0.75 and AP 0.8333.
        var m = AnomalyMetrics.Compute(new[] { 0.1, 0.4, 0.35, 0.8 }, new[] { false, false, true, true });
        Assert.Equal(0.75, m.Auroc, 12);
        Assert.Equal(5.0 / 6, m.Aupr, 12);
    }

    [Fact]
    public void RandomScores_MatchBruteForceDefinitions()
    {
        var rng = new Random(3);
        for (var trial = 0; trial < 20; trial++)
        {
            var n = rng.Next(5, 60);
            // Scores rounded to one decimal produce ties; labels random with both classes present.
            var scores = Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble(), 1)).ToArray();
            var labels = Enumerable.Range(0, n).Select(i => i < 2 ? i == 0 : rng.Next(2) == 1).ToArray();
            var m = AnomalyMetrics.Compute(scores, labels);

            // AUROC = P(score(anomaly) > score(normal)) + ½ P(tie), over all pairs.
            double wins = 0, pairs = 0;
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++)
                    if (labels[i] && !labels[j])
                    {
                        pairs++;
                        wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    }
            Assert.Equal(wins / pairs, m.Auroc, 12);

            // F1-max over every threshold "score >= t".
            var best = 0.0;
            foreach (var t in scores.Distinct())
            {
                var tp = Enumerable.Range(0, n).Count(i => scores[i] >= t && labels[i]);
                var fp = Enumerable.Range(0, n).Count(i => scores[i] >= t && !labels[i]);
                var fn = Enumerable.Range(0, n).Count(i => scores[i] < t && labels[i]);
                if (tp > 0) best = Math.Max(best, 2.0 * tp / (2 * tp + fp + fn));
            }
            Assert.Equal(best, m.F1Max, 12);
        }
    }

    [Fact]
    public void AveragePrecision_WithoutTies_IsMeanPrecisionAtEachAnomaly()
    {
        var rng = new Random(9);
        var scores = Enumerable.Range(0, 40).Select(_ => rng.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, 40).Select(i => i % 3 == 0).ToArray();
        var ranked = Enumerable.Range(0, 40).OrderByDescending(i => scores[i]).ToArray();
        double hits = 0, sum = 0;
        for (var k = 0; k < ranked.Length; k++)
            if (labels[ranked[k]])
            {
                hits++;
                sum += hits / (k + 1);
            }
        Assert.Equal(sum / hits, AnomalyMetrics.Compute(scores, labels).Aupr, 12);
    }

    [Fact]
    public void RocCurve_RunsFromOriginToOne_AndPerfectSeparationGivesOne()
    {
        var m = AnomalyMetrics.Compute(new[] { 1.0, 2, 3, 10, 11 }, new[] { false, false, false, true, true });
        Assert.Equal(1.0, m.Auroc);
        Assert.Equal(1.0, m.F1Max);
        Assert.Equal(10.0, m.Threshold);
        Assert.Equal((0.0, 0.0), m.RocCurve[0]);
        Assert.Equal((1.0, 1.0), m.RocCurve[^1]);
    }

    [Fact]
    public void BadInput_IsRejectedClearly()
    {
        Assert.Contains("both anomalies and normal", Assert.Throws<ArgumentException>(() => AnomalyMetrics.Compute(new[] { 1.0, 2 }, new[] { true, true })).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => AnomalyMetrics.Compute(new[] { double.NaN, 2 }, new[] { true, false })).Message);
        Assert.Throws<ArgumentException>(() => AnomalyMetrics.Compute(new[] { 1.0 }, new[] { true, false }));
    }

    [Fact]
    public void Percentile_MatchesNumpyLinearMethod()
    {
        // numpy.percentile([1, 2, 3, 4], 25) == 1.75; ([10, 0, 5], 50) == 5; (..., 100) == max.
        Assert.Equal(1.75, AnomalyThresholds.Percentile(new double[] { 1, 2, 3, 4 }, 25), 12);
        Assert.Equal(5, AnomalyThresholds.Percentile(new double[] { 10, 0, 5 }, 50), 12);
        Assert.Equal(10, AnomalyThresholds.Percentile(new double[] { 10, 0, 5 }, 100), 12);
    }

    [Fact]
    public void ThresholdForFalsePositiveRate_FlagsAtMostThatShare()
    {
        var normal = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        var t = AnomalyThresholds.ForFalsePositiveRate(normal, 0.05);
        Assert.Equal(5, normal.Count(s => s > t));
    }
}
