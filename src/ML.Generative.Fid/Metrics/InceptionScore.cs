namespace ML.Generative.Fid.Metrics;

/// <summary>
/// The Inception Score (Salimans et al. 2016, "Improved Techniques for Training GANs"):
/// IS = exp(E_x KL(p(y|x) ‖ p(y))), with p(y) the mean of p(y|x) over the images of a split, computed on
/// <c>splits</c> contiguous splits (split i holds rows [i·N/splits, (i+1)·N/splits), integer division, as the
/// original code) and reported as the mean and standard deviation over splits.
/// </summary>
/// <remarks>
/// The softmax runs over every column given. With the 1008 logits of pytorch-fid's Inception that matches the
/// original TensorFlow code and torch-fidelity; implementations built on torchvision's Inception use 1000
/// classes: pass <c>logits.Columns(0, 1000)</c> to compare with those. Scores from different class counts
/// or different networks are not comparable. Computed in float64.
/// </remarks>
public static class InceptionScore
{
    /// <summary>The default number of splits, as in the original code.</summary>
    public const int DefaultSplits = 10;

    /// <summary>Scores generated images from their classifier logits (one row per image).</summary>
    /// <param name="logits">(images, classes) logits, e.g. the 1008 outputs of pytorch-fid's Inception fc layer.</param>
    /// <param name="splits">The number of contiguous splits; at most the number of images.</param>
    /// <exception cref="ArgumentException">There are fewer images than splits, or fewer than 2 classes.</exception>
    public static InceptionScoreResult FromLogits(FeatureMatrix logits, int splits = DefaultSplits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        Check(logits, splits, nameof(logits));
        return Score(LogSoftmax(logits), logits.Count, logits.Dimension, splits);
    }

    /// <summary>Scores generated images from class probabilities (rows of non-negative values summing to 1).</summary>
    /// <param name="probabilities">(images, classes) probabilities p(y|x).</param>
    /// <param name="splits">The number of contiguous splits; at most the number of images.</param>
    /// <exception cref="ArgumentException">There are fewer images than splits, fewer than 2 classes, a negative
    /// value, or a row whose sum is not 1 within 1e-4.</exception>
    public static InceptionScoreResult FromProbabilities(FeatureMatrix probabilities, int splits = DefaultSplits)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        Check(probabilities, splits, nameof(probabilities));
        var c = probabilities.Dimension;
        var logp = new double[probabilities.Values.Length];
        for (var i = 0; i < probabilities.Count; i++)
        {
            var row = probabilities.Row(i);
            double sum = 0;
            for (var j = 0; j < c; j++)
            {
                if (row[j] < 0) throw new ArgumentException($"probabilities must not be negative; row {i} column {j} is {row[j]}", nameof(probabilities));
                sum += row[j];
                logp[i * c + j] = Math.Log(row[j]);
            }
            // float32 softmax outputs sum to 1 within a few ulps; anything further off is not a distribution.
            if (Math.Abs(sum - 1) > 1e-4)
                throw new ArgumentException($"each row of probabilities must sum to 1; row {i} sums to {sum}", nameof(probabilities));
        }
        return Score(logp, probabilities.Count, c, splits);
    }

    private static void Check(FeatureMatrix m, int splits, string parameter)
    {
        if (splits < 1) throw new ArgumentOutOfRangeException(nameof(splits), splits, "at least one split is needed");
        if (m.Count < splits) throw new ArgumentException($"{m.Count} images cannot fill {splits} splits", parameter);
        if (m.Dimension < 2) throw new ArgumentException($"the Inception Score needs at least 2 classes, got {m.Dimension}", parameter);
    }

    // log p(y|x) per row, shifted by the row maximum so large logits do not overflow.
    private static double[] LogSoftmax(FeatureMatrix logits)
    {
        var c = logits.Dimension;
        var logp = new double[logits.Values.Length];
        for (var i = 0; i < logits.Count; i++)
        {
            var row = logits.Row(i);
            var max = double.NegativeInfinity;
            foreach (var v in row) max = Math.Max(max, v);
            double sum = 0;
            foreach (var v in row) sum += Math.Exp(v - max);
            var logSum = max + Math.Log(sum);
            for (var j = 0; j < c; j++) logp[i * c + j] = row[j] - logSum;
        }
        return logp;
    }

    private static InceptionScoreResult Score(double[] logp, int n, int c, int splits)
    {
        var warnings = new List<string>();
        if (n / splits < c)
            warnings.Add($"Inception Score: each split has about {n / splits} images, fewer than the {c} classes; " +
                         "the marginal p(y) is poorly estimated and the score is biased low compared with larger sets.");

        var scores = new double[splits];
        var marginal = new double[c];
        for (var s = 0; s < splits; s++)
        {
            int start = (int)((long)s * n / splits), end = (int)((long)(s + 1) * n / splits);
            Array.Clear(marginal);
            for (var i = start; i < end; i++)
                for (var j = 0; j < c; j++)
                    marginal[j] += Math.Exp(logp[i * c + j]);
            for (var j = 0; j < c; j++) marginal[j] = Math.Log(marginal[j] / (end - start));

            double kl = 0;
            for (var i = start; i < end; i++)
                for (var j = 0; j < c; j++)
                {
                    var p = Math.Exp(logp[i * c + j]);
                    // 0·log 0 = 0: a class no image of the split gives mass to adds nothing.
                    if (p > 0) kl += p * (logp[i * c + j] - marginal[j]);
                }
            scores[s] = Math.Exp(kl / (end - start));
        }

        var mean = scores.Average();
        var std = Math.Sqrt(scores.Sum(v => (v - mean) * (v - mean)) / splits);
        return new InceptionScoreResult(mean, std, splits, n, c, warnings);
    }
}
