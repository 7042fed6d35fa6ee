using ML.Generative.Evaluation;
using ML.Generative.Reporting;
using ML.Generative.Training;

namespace ML.Generative.Tests.Reporting;

/// <summary>Made-up but realistic report content shared by the structure and rendering tests.</summary>
public static class SampleReport
{
    /// <summary>The four quadrant colours of <see cref="QuadrantPng"/>: top-left, top-right, bottom-left, bottom-right.</summary>
    public static readonly (byte R, byte G, byte B)[] QuadrantColors = { (220, 30, 30), (30, 180, 60), (40, 60, 220), (240, 200, 20) };

    /// <summary>A size × size PNG in four flat-coloured quadrants.</summary>
    public static byte[] QuadrantPng(int size = 32) =>
        PngCodec.EncodeRgb(size, size, (x, y) => QuadrantColors[(y < size / 2 ? 0 : 2) + (x < size / 2 ? 0 : 1)]);

    /// <summary>A small grey gradient with a bright diagonal, standing in for a sample grid.</summary>
    public static byte[] GradientPng(int size, int shift) =>
        PngCodec.EncodeRgb(size, size, (x, y) =>
        {
            var v = (byte)((x * 255 / (size - 1) + shift * 40) % 256);
            return Math.Abs(x - y) < 2 ? ((byte)255, (byte)255, (byte)255) : (v, v, (byte)(255 - v));
        });

    /// <summary>A VAE-like history: total, reconstruction and KL per image, train and validation, per epoch.</summary>
    public static TrainingHistory History(int epochs = 12)
    {
        var history = new TrainingHistory { Steps = epochs * 469, TrainingSeconds = 183.4, ImagesPerSecond = 1962.5 };
        for (var e = 1; e <= epochs; e++)
        {
            double rec = 240 + 80 * Math.Exp(-0.35 * e), kl = 14 + 6 * (1 - Math.Exp(-0.5 * e));
            var train = new Dictionary<string, double> { ["loss"] = rec + kl, ["reconstruction"] = rec, ["kl"] = kl };
            var validation = new Dictionary<string, double> { ["loss"] = rec + kl + 4, ["reconstruction"] = rec + 3.5, ["kl"] = kl + 0.5 };
            // Sample grids kept at three epochs' ends, as AutoencoderOptions.EpochSamples makes them.
            var grid = e == 1 ? GradientPng(28, 0) : e == 6 ? GradientPng(28, 1) : e == epochs ? GradientPng(28, 2) : null;
            history.Epochs.Add(new EpochRecord(e, train, validation) { SampleGrid = grid });
        }
        return history;
    }

    /// <summary>Anomaly metrics of scores where anomalies score higher on average.</summary>
    public static AnomalyMetrics Anomaly()
    {
        var rng = new Random(5);
        var labels = Enumerable.Range(0, 400).Select(i => i % 4 == 0).ToArray();
        var scores = labels.Select(a => rng.NextDouble() + (a ? 0.6 : 0)).ToArray();
        return AnomalyMetrics.Compute(scores, labels);
    }

    /// <summary>Three Gaussian blobs labelled "0", "1", "2".</summary>
    public static (double[] X, double[] Y, string[] Labels) Latents(int n = 900)
    {
        var rng = new Random(11);
        var centres = new[] { (-2.0, -1.0), (1.5, 2.0), (2.0, -2.0) };
        var x = new double[n];
        var y = new double[n];
        var labels = new string[n];
        for (var i = 0; i < n; i++)
        {
            var c = i % 3;
            x[i] = centres[c].Item1 + Gaussian(rng) * 0.6;
            y[i] = centres[c].Item2 + Gaussian(rng) * 0.6;
            labels[i] = c.ToString();
        }
        return (x, y, labels);
    }

    /// <summary>Per-class AUROCs of Fashion-MNIST's ten classes.</summary>
    public static (string Label, double Value)[] ClassAurocs() => new[]
    {
        ("T-shirt/top", 0.912), ("Trouser", 0.981), ("Pullover", 0.874), ("Dress", 0.935), ("Coat", 0.889),
        ("Sandal", 0.902), ("Shirt", 0.781), ("Sneaker", 0.974), ("Bag", 0.851), ("Ankle boot", 0.969),
    };

    /// <summary>The full report: every kind of section.</summary>
    public static TrainingReport Full(string title = "VAE on Fashion-MNIST")
    {
        var history = History();
        var anomaly = Anomaly();
        var (x, y, labels) = Latents();
        var aurocs = ClassAurocs();
        var mean = aurocs.Average(a => a.Value);
        return new TrainingReport(title) { Subtitle = "conv VAE · latent 64 · 12 epochs · cpu", GeneratedAt = null }
            .AddLossCurves(history, new LossCurveOptions { Values = LossValues.Both, PixelsPerImage = 784, Terms = new[] { "loss", "kl" } })
            .AddEpochSamples(history, "Samples from a fixed latent batch")
            .AddImage("Reconstructions", QuadrantPng(), "originals above, reconstructions below")
            .AddMetrics("Sample quality", new[] { ("FID (1,000 samples)", 41.237), ("KID", 0.01234) })
            .AddRocCurve("ROC curve, class 0 normal", anomaly, "VAE")
            .AddScatter("Latent space (WAE, 2-D)", x, y, labels)
            .AddBarChart("AUROC per class", aurocs, "AUROC", (0, 1), ($"mean {mean:F4}", mean))
            .AddOptions("Options", new { Model = "vae", Latent = 64, LearningRate = 1e-3, Loss = System.IO.FileAccess.Read })
            .AddTiming(history);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
