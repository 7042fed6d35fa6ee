using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ML.Generative.Evaluation;
using ML.Generative.Training;

namespace ML.Generative.Reporting;

/// <summary>
/// A self-contained HTML report of a run: sections in the order added (loss curves, images, metric tables,
/// charts, options, timing), charts as inline SVG and images as PNG data URIs, so the one file opens anywhere
/// without a network. Every string from the caller is escaped, and a content-security policy in the page forbids
/// scripts and remote loads. Sections are rendered when added, so later changes to the data do not alter them.
/// </summary>
/// <example><code>
/// var report = new TrainingReport("VAE on Fashion-MNIST")
///     .AddLossCurves(history, new LossCurveOptions { Values = LossValues.Both, PixelsPerImage = 784 })
///     .AddImage("Samples", samplePng)
///     .AddMetrics("Scores", new[] { ("FID", fid), ("AUROC", auroc) });
/// report.Save("report.html");
/// </code></example>
public sealed class TrainingReport
{
    // Longest displayed side: one image gets room, a gallery fits three per row.
    private const int SingleImageSize = 448, GalleryImageSize = 320;
    private readonly List<(string Title, string Body)> _sections = new();
    private int _charts;

    /// <summary>A report titled <paramref name="title"/>.</summary>
    public TrainingReport(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
    }

    /// <summary>The page heading and document title.</summary>
    public string Title { get; }

    /// <summary>A line under the heading (model, data set, device…).</summary>
    public string? Subtitle { get; set; }

    /// <summary>The time shown in the footer; null leaves it out (reproducible files).</summary>
    public DateTimeOffset? GeneratedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>The section titles, in order.</summary>
    public IReadOnlyList<string> SectionTitles => _sections.Select(s => s.Title).ToList();

    /// <summary>Loss curves, one chart per term with training and validation series per epoch, then a table of the
    /// last epoch's values.</summary>
    public TrainingReport AddLossCurves(TrainingHistory history, LossCurveOptions? options = null)
    {
        options ??= new LossCurveOptions();
        var charts = LossCurves.Build(history, options);
        var w = new HtmlWriter();
        if (history.Epochs.Count == 0) return Add(options.Title, w.Element("p", "No epochs recorded."));
        ChartGrid(w, charts);
        var last = history.Epochs[^1];
        var columns = new List<string> { $"epoch {last.Epoch}" };
        var scales = new List<double>();
        if (options.Values != LossValues.PerPixel)
        {
            columns.AddRange(new[] { "train", "validation" });
            scales.Add(1);
        }
        if (options.Values != LossValues.Raw)
        {
            columns.AddRange(new[] { "train per pixel", "validation per pixel" });
            scales.Add(1.0 / options.PixelsPerImage!.Value);
        }
        var rows = (options.Terms ?? LossCurves.Terms(history)).Select(t => (IReadOnlyList<string>)
            scales.SelectMany(scale => new[] { Lookup(last.Train, t, scale), Lookup(last.Validation, t, scale) }).Prepend(t).ToList());
        w.Raw("<div class=\"after\">");
        Table(w, columns, rows);
        w.Raw("</div>");
        return Add(options.Title, w);
    }

    /// <summary>One image (PNG bytes), e.g. a reconstruction or interpolation grid.</summary>
    /// <exception cref="ArgumentException">The bytes are not a PNG.</exception>
    public TrainingReport AddImage(string title, byte[] png, string? caption = null) =>
        AddImages(title, new[] { (caption ?? "", png) });

    /// <summary>Images side by side with captions, e.g. the sample grid from a fixed latent batch at each epoch.</summary>
    /// <exception cref="ArgumentException">One of the images is not a PNG.</exception>
    public TrainingReport AddImages(string title, IEnumerable<(string Caption, byte[] Png)> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var list = images.ToList();
        var displaySize = list.Count == 1 ? SingleImageSize : GalleryImageSize;
        var w = new HtmlWriter().Raw("<div class=\"gallery\">");
        foreach (var (caption, png) in list)
        {
            ArgumentNullException.ThrowIfNull(png);
            var (width, height) = ReportFormat.PngSize(png);
            // Small grids (28 px digits) are enlarged by a whole factor with crisp pixels.
            var scale = Math.Max(1, displaySize / Math.Max(width, height));
            w.Raw("<figure>").Empty("img", ("src", "data:image/png;base64," + Convert.ToBase64String(png)), ("alt", string.IsNullOrEmpty(caption) ? title : caption),
                ("width", (width * scale).ToString(CultureInfo.InvariantCulture)), ("height", (height * scale).ToString(CultureInfo.InvariantCulture)),
                ("class", scale > 1 ? "pixelated" : null));
            if (!string.IsNullOrEmpty(caption)) w.Element("figcaption", caption);
            w.Raw("</figure>").Line();
        }
        return Add(title, w.Raw("</div>"));
    }

    /// <summary>The sample grids the history kept at the end of each epoch (<see cref="EpochRecord.SampleGrid"/>), side by
    /// side and captioned with the epoch; adds nothing when the run kept none.</summary>
    public TrainingReport AddEpochSamples(TrainingHistory history, string title = "Samples from a fixed latent batch, by epoch")
    {
        ArgumentNullException.ThrowIfNull(history);
        var grids = history.Epochs.Where(e => e.SampleGrid is not null).Select(e => ($"after epoch {e.Epoch + 1}", e.SampleGrid!)).ToList();
        return grids.Count == 0 ? this : AddImages(title, grids);
    }

    /// <summary>A name/value table, e.g. FID and KID, or AUROC per class with the mean.</summary>
    public TrainingReport AddMetrics(string title, IEnumerable<(string Name, double Value)> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var w = new HtmlWriter();
        Table(w, new[] { "metric", "value" }, metrics.Select(m => (IReadOnlyList<string>)new[] { m.Name, ReportFormat.Value(m.Value) }));
        return Add(title, w);
    }

    /// <summary>A table of text cells; cells that read as numbers are right-aligned, and a last row whose first cell
    /// starts with "mean" or "total" is set off as a summary.</summary>
    /// <exception cref="ArgumentException">A row has a different number of cells than there are columns.</exception>
    public TrainingReport AddTable(string title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        for (var i = 0; i < list.Count; i++)
            if (list[i].Count != columns.Count)
                throw new ArgumentException($"table '{title}': row {i} has {list[i].Count} cells but there are {columns.Count} columns");
        var w = new HtmlWriter();
        Table(w, columns, list);
        return Add(title, w);
    }

    /// <summary>ROC curves from (FPR, TPR) points, each with its AUROC in the legend, over the chance diagonal.</summary>
    public TrainingReport AddRocCurves(string title, IEnumerable<(string Name, IReadOnlyList<(double Fpr, double Tpr)> Points, double Auroc)> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var chart = new LineChart
        {
            XLabel = "false-positive rate", YLabel = "true-positive rate",
            XRange = (0, 1), YRange = (0, 1), Width = 540, Height = 420,
        };
        chart.ReferenceLines.Add((0, 0, 1, 1));
        foreach (var (name, points, auroc) in curves)
            chart.Series.Add(new LineSeries($"{name} (AUROC {auroc.ToString("F4", CultureInfo.InvariantCulture)})", points.Select(p => (p.Fpr, p.Tpr)).ToList()));
        return AddChart(title, chart);
    }

    /// <summary>The ROC curve of one <see cref="AnomalyMetrics"/> result.</summary>
    public TrainingReport AddRocCurve(string title, AnomalyMetrics metrics, string name = "model")
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return AddRocCurves(title, new[] { (name, metrics.RocCurve, metrics.Auroc) });
    }

    /// <summary>Points coloured by class, e.g. a 2-D latent space (see <see cref="ScatterChart"/>).</summary>
    public TrainingReport AddScatter(string title, IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<string> labels,
        string? xLabel = "z₁", string? yLabel = "z₂") =>
        AddChart(title, new ScatterChart(x, y, labels) { XLabel = xLabel, YLabel = yLabel, Width = 620, Height = 500 });

    /// <summary>One bar per category, e.g. AUROC per class; <paramref name="yRange"/> fixes the axis (0..1 for
    /// AUROC) and <paramref name="reference"/> draws a labelled dashed line (the mean).</summary>
    public TrainingReport AddBarChart(string title, IReadOnlyList<(string Label, double Value)> bars, string? yLabel = null,
        (double Min, double Max)? yRange = null, (string Label, double Value)? reference = null) =>
        AddChart(title, new BarChart(bars)
        {
            YLabel = yLabel, YRange = yRange, ReferenceValue = reference?.Value, ReferenceLabel = reference?.Label,
            Width = 720,
        });

    /// <summary>Any chart of this namespace, as its own section (the section heading names it, so the chart's own
    /// title may stay empty).</summary>
    public TrainingReport AddChart(string title, SvgChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        chart.Label ??= title;
        // Not in the two-column grid: a chart sized wider than a column keeps its size.
        return Add(title, new HtmlWriter().Raw(chart.ToSvg($"chart-{++_charts}")));
    }

    /// <summary>The options of the run as indented JSON (enums by name; NaN and infinities allowed).</summary>
    public TrainingReport AddOptions(string title, object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var json = JsonSerializer.Serialize(options, options.GetType(), JsonOptions);
        return Add(title, new HtmlWriter().Element("pre", json));
    }

    /// <summary>JSON text (e.g. a model manifest), re-indented.</summary>
    /// <exception cref="ArgumentException">The text is not valid JSON.</exception>
    public TrainingReport AddJson(string title, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        string pretty;
        try
        {
            using var doc = JsonDocument.Parse(json);
            pretty = JsonSerializer.Serialize(doc.RootElement, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"section '{title}': not valid JSON ({e.Message})", nameof(json), e);
        }
        return Add(title, new HtmlWriter().Element("pre", pretty));
    }

    /// <summary>Epochs, steps, training time and throughput of a run.</summary>
    public TrainingReport AddTiming(TrainingHistory history, string title = "Timing")
    {
        ArgumentNullException.ThrowIfNull(history);
        return AddTiming(title, new[] { ("training", history.TrainingSeconds, (double?)history.ImagesPerSecond) },
            $"{history.Epochs.Count} epochs, {history.Steps.ToString("N0", CultureInfo.InvariantCulture)} steps");
    }

    /// <summary>Wall time (and throughput, where it applies) of the stages of a run: training, sampling, FID…</summary>
    public TrainingReport AddTiming(string title, IEnumerable<(string Stage, double Seconds, double? ImagesPerSecond)> stages, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var rows = stages.Select(s => (IReadOnlyList<string>)new[]
        {
            s.Stage, ReportFormat.Duration(s.Seconds), s.Seconds.ToString("F2", CultureInfo.InvariantCulture),
            s.ImagesPerSecond is { } r ? r.ToString("F1", CultureInfo.InvariantCulture) : "",
        });
        var w = new HtmlWriter();
        Table(w, new[] { "stage", "time", "seconds", "images/s" }, rows);
        if (note is not null) w.Open("p").Text(note).Close("p");
        return Add(title, w);
    }

    /// <summary>The whole page.</summary>
    public string ToHtml()
    {
        var w = new HtmlWriter();
        w.Raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        // No scripts, no remote loads: the page is data, and an escaping slip could not run code.
        w.Raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n");
        w.Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        w.Element("title", Title).Line();
        w.Raw("<style>\n").Raw(ReportStyle.Css).Raw("\n</style>\n</head>\n<body>\n<main>\n<header>");
        w.Element("h1", Title);
        if (Subtitle is not null) w.Element("p", Subtitle);
        if (_sections.Count > 1)
        {
            w.Raw("<nav>");
            for (var i = 0; i < _sections.Count; i++) w.Element("a", _sections[i].Title, ("href", $"#section-{i + 1}"));
            w.Raw("</nav>");
        }
        w.Raw("</header>\n");
        for (var i = 0; i < _sections.Count; i++)
        {
            w.Open("section", ("id", $"section-{i + 1}")).Element("h2", _sections[i].Title).Line();
            w.Raw(_sections[i].Body).Raw("\n</section>\n");
        }
        var version = typeof(TrainingReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        var footer = $"ML.Generative {version.Split('+')[0]}" +
            (GeneratedAt is { } t ? " · " + t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "");
        w.Element("footer", footer).Raw("\n</main>\n</body>\n</html>\n");
        return w.ToString();
    }

    /// <summary>Writes the page to <paramref name="path"/> atomically: a temporary file in the same folder, flushed,
    /// then renamed over the target, so a reader never sees half a report and a failed write leaves the old one.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                var bytes = new UTF8Encoding(false).GetBytes(ToHtml());
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    private TrainingReport Add(string title, HtmlWriter body)
    {
        ArgumentNullException.ThrowIfNull(title);
        _sections.Add((title, body.ToString()));
        return this;
    }

    private void ChartGrid(HtmlWriter w, IEnumerable<SvgChart> charts)
    {
        w.Raw("<div class=\"grid\">").Line();
        foreach (var chart in charts) w.Raw(chart.ToSvg($"chart-{++_charts}")).Line();
        w.Raw("</div>");
    }

    private static void Table(HtmlWriter w, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var list = rows.ToList();
        w.Raw("<table><thead><tr>");
        foreach (var c in columns) w.Element("th", c);
        w.Raw("</tr></thead><tbody>").Line();
        for (var r = 0; r < list.Count; r++)
        {
            var first = list[r].Count > 0 ? list[r][0] : "";
            var summary = r == list.Count - 1 && r > 0 &&
                (first.StartsWith("mean", StringComparison.OrdinalIgnoreCase) || first.StartsWith("total", StringComparison.OrdinalIgnoreCase));
            w.Raw(summary ? "<tr class=\"summary\">" : "<tr>");
            foreach (var cell in list[r])
                w.Element("td", cell, ("class", IsNumber(cell) ? "num" : null));
            w.Raw("</tr>").Line();
        }
        w.Raw("</tbody></table>");
    }

    private static bool IsNumber(string cell) =>
        cell is "NaN" or "∞" or "−∞" || double.TryParse(cell, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out _);

    private static string Lookup(IReadOnlyDictionary<string, double>? values, string term, double scale) =>
        values is not null && values.TryGetValue(term, out var v) ? ReportFormat.Value(v * scale) : "";
}
