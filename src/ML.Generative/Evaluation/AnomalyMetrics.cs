namespace ML.Generative.Evaluation;

/// <summary>
/// How well a score separates anomalies (positives) from normal rows: area under the ROC curve (the
/// probability that a random anomaly scores above a random normal row, ties counting half), area under the
/// precision–recall curve (average precision, the step-wise sum Σ (Rₙ − Rₙ₋₁)·Pₙ over thresholds), and the
/// best F1 over thresholds with the threshold that reaches it (score ≥ threshold is flagged).
/// </summary>
public sealed record AnomalyMetrics(double Auroc, double Aupr, double F1Max, double Threshold, int Positives, int Negatives)
{
    /// <summary>The ROC curve as (false-positive rate, true-positive rate) points from (0,0) to (1,1).</summary>
    public IReadOnlyList<(double Fpr, double Tpr)> RocCurve { get; init; } = Array.Empty<(double, double)>();

    /// <summary>Computes the metrics; higher scores mean "more anomalous".</summary>
    public static AnomalyMetrics Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(isAnomaly);
        if (scores.Count != isAnomaly.Count)
            throw new ArgumentException($"{scores.Count} scores but {isAnomaly.Count} labels");
        if (scores.Any(s => !double.IsFinite(s))) throw new ArgumentException("scores must be finite numbers (a NaN or infinite score was found)");
        var positives = isAnomaly.Count(a => a);
        var negatives = isAnomaly.Count - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"anomaly metrics need both anomalies and normal rows (got {positives} anomalies, {negatives} normal)");

        // Sweep thresholds from the highest score down, one group of tied scores at a time.
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var roc = new List<(double, double)> { (0, 0) };
        double tp = 0, fp = 0, auc = 0, ap = 0, bestF1 = 0, bestThreshold = scores[order[0]], lastRecall = 0;
        for (var i = 0; i < order.Length;)
        {
            var threshold = scores[order[i]];
            double groupTp = 0, groupFp = 0;
            for (; i < order.Length && scores[order[i]] == threshold; i++)
                if (isAnomaly[order[i]]) groupTp++;
                else groupFp++;
            // Trapezoid over a tied group = the "ties count half" rule of the rank statistic.
            auc += groupFp * (tp + groupTp / 2);
            tp += groupTp;
            fp += groupFp;
            var recall = tp / positives;
            var precision = tp / (tp + fp);
            ap += (recall - lastRecall) * precision;
            lastRecall = recall;
            var f1 = tp == 0 ? 0 : 2 * precision * recall / (precision + recall);
            if (f1 > bestF1)
            {
                bestF1 = f1;
                bestThreshold = threshold;
            }
            roc.Add((fp / negatives, recall));
        }
        return new AnomalyMetrics(auc / ((double)positives * negatives), ap, bestF1, bestThreshold, positives, negatives) { RocCurve = roc };
    }
}

/// <summary>Thresholds for flagging anomalies from scores of normal data.</summary>
public static class AnomalyThresholds
{
    /// <summary>The <paramref name="percentile"/>-th percentile (0–100) of scores, linearly interpolated between
    /// order statistics (NumPy's default method).</summary>
    public static double Percentile(IReadOnlyList<double> scores, double percentile)
    {
        if (scores.Count == 0) throw new ArgumentException("no scores to take a percentile of", nameof(scores));
        if (percentile is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "percentile must be in [0, 100]");
        var sorted = scores.OrderBy(s => s).ToArray();
        var position = percentile / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }

    /// <summary>The lowest threshold whose false-positive rate on normal validation scores is at most
    /// <paramref name="targetFalsePositiveRate"/> (scores strictly above the threshold are flagged).</summary>
    public static double ForFalsePositiveRate(IReadOnlyList<double> normalScores, double targetFalsePositiveRate)
    {
        if (normalScores.Count == 0) throw new ArgumentException("no validation scores", nameof(normalScores));
        if (targetFalsePositiveRate is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(targetFalsePositiveRate), targetFalsePositiveRate, "a rate in [0, 1]");
        var sorted = normalScores.OrderByDescending(s => s).ToArray();
        var allowed = (int)Math.Floor(targetFalsePositiveRate * sorted.Length);
        // Flag at most `allowed` normal rows: the threshold is the (allowed+1)-th highest score.
        return sorted[Math.Min(allowed, sorted.Length - 1)];
    }
}
