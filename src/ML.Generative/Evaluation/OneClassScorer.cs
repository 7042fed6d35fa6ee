using ML.Generative.Models;
using ML.Generative.Models.Losses;
using ML.Generative.Pipeline;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Evaluation;

/// <summary>The ways a one-class autoencoder can score an image (higher = more anomalous).</summary>
public enum AnomalyScore
{
    /// <summary>Mean squared reconstruction error per pixel.</summary>
    ReconstructionMse,

    /// <summary>Binary cross-entropy of the reconstruction per pixel (pixels in [0, 1] only).</summary>
    ReconstructionBce,

    /// <summary>Mean absolute reconstruction error per pixel.</summary>
    ReconstructionL1,

    /// <summary>1 − SSIM between the image and its reconstruction.</summary>
    Ssim,

    /// <summary>Distance of the embedding from the normal training embeddings: √Σ((zᵢ − μᵢ)/σᵢ)², per-dimension
    /// mean and standard deviation of the training codes.</summary>
    LatentDistance,

    /// <summary>The sum of the MSE and latent-distance scores, each standardised by its mean and standard
    /// deviation over the normal validation images.</summary>
    Combined,
}

/// <summary>
/// Scores images by every <see cref="AnomalyScore"/> for a model fitted on one normal class, and chooses the score
/// on normal data only: the score that best separates held-out normal images from <see cref="PseudoAnomalies"/>
/// made from them (highest AUROC). The test set plays no part in the choice.
/// </summary>
public sealed class OneClassScorer
{
    private const int BatchSize = 256;
    private readonly AutoencoderTransformer model;
    private readonly IReadOnlyList<ITransformer> before;
    private readonly float[] latentMean, latentStd;
    private readonly bool unitRange;
    private (double Mean, double Std) mseStats = (0, 1), latentStats = (0, 1);

    private OneClassScorer(AutoencoderTransformer model, IReadOnlyList<ITransformer> before, float[] latentMean, float[] latentStd, bool unitRange)
    {
        (this.model, this.before, this.latentMean, this.latentStd, this.unitRange) = (model, before, latentMean, latentStd, unitRange);
    }

    /// <summary>The score chosen on the validation images.</summary>
    public AnomalyScore Chosen { get; private set; }

    /// <summary>Each candidate's AUROC of held-out normal images against their pseudo-anomalies.</summary>
    public IReadOnlyDictionary<AnomalyScore, double> ValidationAurocs { get; private set; } = new Dictionary<AnomalyScore, double>();

    /// <summary>The candidates this model can use (BCE only for pixels in [0, 1]).</summary>
    public IReadOnlyList<AnomalyScore> Candidates =>
        Enum.GetValues<AnomalyScore>().Where(s => unitRange || s != AnomalyScore.ReconstructionBce).ToList();

    /// <summary>Chooses the score for <paramref name="model"/> (a fitted pipeline ending in an autoencoder-family stage)
    /// from normal images only: latent statistics from <paramref name="trainNormal"/> (the images it was trained on),
    /// the choice from <paramref name="validationNormal"/> (normal images it did not see) and their pseudo-anomalies.</summary>
    public static OneClassScorer Select(ITransformer model, IDataView trainNormal, IDataView validationNormal)
    {
        var (stages, index) = AutoencoderTransformer.LastStageIn(model);
        if (index < 0) throw new ArgumentException("one-class scoring needs a model with an autoencoder-family stage", nameof(model));
        var ae = (AutoencoderTransformer)stages[index];
        var before = stages.Take(index).ToList();

        using var scope = NewDisposeScope();
        var train = Images(before, ae, trainNormal);
        var latents = cat(train.split(BatchSize).Select(b => ae.Embed(b)).ToList());
        var mean = latents.mean(0);
        var std = latents.std(0, unbiased: false).clamp_min(1e-6);
        var validation = Images(before, ae, validationNormal);
        if (validation.shape[0] < 2) throw new ArgumentException("one-class scoring needs at least 2 validation images", nameof(validationNormal));
        var unitRange = train.min().ToSingle() >= 0 && train.max().ToSingle() <= 1;
        var scorer = new OneClassScorer(ae, before, mean.data<float>().ToArray(), std.data<float>().ToArray(), unitRange);

        var normalScores = scorer.Raw(validation);
        scorer.mseStats = Standardisation(normalScores[AnomalyScore.ReconstructionMse]);
        scorer.latentStats = Standardisation(normalScores[AnomalyScore.LatentDistance]);
        normalScores = scorer.WithCombined(normalScores);
        var pseudoScores = scorer.WithCombined(scorer.Raw(PseudoAnomalies.Make(validation)));
        var labels = Enumerable.Repeat(false, (int)validation.shape[0]).Concat(Enumerable.Repeat(true, (int)validation.shape[0])).ToArray();
        scorer.ValidationAurocs = scorer.Candidates.ToDictionary(s => s, s => AnomalyMetrics.Compute(normalScores[s].Concat(pseudoScores[s]).ToArray(), labels).Auroc);
        scorer.Chosen = scorer.ValidationAurocs.MaxBy(kv => kv.Value).Key;
        return scorer;
    }

    /// <summary>Every candidate score of each row of <paramref name="data"/> (raw rows, as the model's pipeline takes them).</summary>
    public IReadOnlyDictionary<AnomalyScore, double[]> ScoreAll(IDataView data)
    {
        using var scope = NewDisposeScope();
        return WithCombined(Raw(Images(before, model, data)));
    }

    /// <summary>The chosen score of each row of <paramref name="data"/>.</summary>
    public double[] Score(IDataView data) => ScoreAll(data)[Chosen];

    private static Tensor Images(IReadOnlyList<ITransformer> before, AutoencoderTransformer ae, IDataView data)
    {
        foreach (var stage in before) data = stage.Transform(data);
        return AutoencoderEstimator.ReadImages(data, ae.Options.InputColumn);
    }

    // Every score but the combined one.
    private Dictionary<AnomalyScore, double[]> Raw(Tensor images)
    {
        var scores = Candidates.Where(s => s != AnomalyScore.Combined).ToDictionary(s => s, _ => new List<double>());
        using var mode = inference_mode();
        var mean = tensor(latentMean);
        var std = tensor(latentStd);
        foreach (var x in images.split(BatchSize))
        {
            using var batchScope = NewDisposeScope();
            var z = model.Embed(x);
            var reconstruction = model.Reconstruct(x);
            foreach (var s in scores.Keys)
            {
                var values = s switch
                {
                    AnomalyScore.ReconstructionMse => ReconstructionErrors.PerImage(reconstruction, x, ReconstructionErrorMetric.MeanSquaredError),
                    AnomalyScore.ReconstructionBce => ReconstructionErrors.PerImage(reconstruction, x, ReconstructionErrorMetric.BinaryCrossEntropy),
                    AnomalyScore.ReconstructionL1 => ReconstructionErrors.PerImage(reconstruction, x, ReconstructionErrorMetric.L1),
                    AnomalyScore.Ssim => ReconstructionErrors.PerImage(reconstruction, x, ReconstructionErrorMetric.Ssim),
                    _ => ((z - mean) / std).square().sum(1).sqrt(),
                };
                scores[s].AddRange(values.data<float>().ToArray().Select(v => (double)v));
            }
        }
        return scores.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }

    private Dictionary<AnomalyScore, double[]> WithCombined(Dictionary<AnomalyScore, double[]> raw)
    {
        var mse = raw[AnomalyScore.ReconstructionMse];
        var latent = raw[AnomalyScore.LatentDistance];
        raw[AnomalyScore.Combined] = mse.Select((m, i) => (m - mseStats.Mean) / mseStats.Std + (latent[i] - latentStats.Mean) / latentStats.Std).ToArray();
        return raw;
    }

    private static (double Mean, double Std) Standardisation(double[] values)
    {
        var mean = values.Average();
        var std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        return (mean, Math.Max(std, 1e-12));
    }
}
