using ML.Generative.Training;

namespace ML.Generative.Reporting;

/// <summary>Which loss values the curves show.</summary>
public enum LossValues
{
    /// <summary>The values as logged (losses summed over an image's pixels, averaged over the batch).</summary>
    Raw,

    /// <summary>The values divided by <see cref="LossCurveOptions.PixelsPerImage"/>, comparable across image sizes.</summary>
    PerPixel,

    /// <summary>A raw and a per-pixel chart side by side for each term.</summary>
    Both,
}

/// <summary>What <see cref="TrainingReport.AddLossCurves"/> draws.</summary>
public sealed class LossCurveOptions
{
    /// <summary>The section title.</summary>
    public string Title { get; set; } = "Loss curves";

    /// <summary>Raw, per-pixel or both; per-pixel needs <see cref="PixelsPerImage"/>.</summary>
    public LossValues Values { get; set; } = LossValues.Raw;

    /// <summary>C·H·W of the training images, the divisor for per-pixel values.</summary>
    public int? PixelsPerImage { get; set; }

    /// <summary>Log y axes (falls back to linear for a term with values ≤ 0, with a note on the chart).</summary>
    public bool LogScale { get; set; }

    /// <summary>The terms to plot, in order; null plots every term logged, in the order first seen.</summary>
    public IReadOnlyList<string>? Terms { get; set; }
}

/// <summary>Turns a <see cref="TrainingHistory"/> into one chart per loss term (training solid, validation dashed).</summary>
public static class LossCurves
{
    /// <summary>The loss term names of <paramref name="history"/>, training and validation, in the order first seen.</summary>
    public static IReadOnlyList<string> Terms(TrainingHistory history)
    {
        var terms = new List<string>();
        foreach (var e in history.Epochs)
            foreach (var key in e.Train.Keys.Concat(e.Validation?.Keys ?? Enumerable.Empty<string>()))
                if (!terms.Contains(key)) terms.Add(key);
        return terms;
    }

    /// <summary>The charts, per term: raw then per-pixel when both are asked for.</summary>
    /// <exception cref="ArgumentException">Per-pixel values without a positive <see cref="LossCurveOptions.PixelsPerImage"/>.</exception>
    public static IReadOnlyList<LineChart> Build(TrainingHistory history, LossCurveOptions options)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Values != LossValues.Raw && options.PixelsPerImage is not > 0)
            throw new ArgumentException($"per-pixel loss curves need {nameof(LossCurveOptions.PixelsPerImage)} (C·H·W) > 0, got {options.PixelsPerImage?.ToString() ?? "none"}");
        var kinds = options.Values switch
        {
            LossValues.Raw => new[] { false },
            LossValues.PerPixel => new[] { true },
            _ => new[] { false, true },
        };
        var charts = new List<LineChart>();
        foreach (var term in options.Terms ?? Terms(history))
            foreach (var perPixel in kinds)
            {
                var scale = perPixel ? 1.0 / options.PixelsPerImage!.Value : 1.0;
                var chart = new LineChart
                {
                    Title = perPixel ? $"{term} (per pixel)" : term,
                    XLabel = "epoch",
                    YLabel = perPixel ? "loss per pixel" : "loss",
                    YScale = options.LogScale ? AxisScale.Log : AxisScale.Linear,
                    IntegerX = true,
                };
                chart.Series.Add(new LineSeries("train", Points(history, term, scale, validation: false)));
                if (history.Epochs.Any(e => e.Validation?.ContainsKey(term) == true))
                    chart.Series.Add(new LineSeries("validation", Points(history, term, scale, validation: true)) { Dashed = true });
                charts.Add(chart);
            }
        return charts;
    }

    // An epoch without the term (validation every few epochs) is left out, so the line joins across it; a NaN
    // value stays and breaks the line, showing where training went wrong.
    private static List<(double, double)> Points(TrainingHistory history, string term, double scale, bool validation)
    {
        var points = new List<(double, double)>();
        foreach (var e in history.Epochs)
        {
            var values = validation ? e.Validation : e.Train;
            if (values is not null && values.TryGetValue(term, out var v)) points.Add((e.Epoch, v * scale));
        }
        return points;
    }
}
