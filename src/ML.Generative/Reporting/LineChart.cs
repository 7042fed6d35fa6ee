using System.Text;

namespace ML.Generative.Reporting;

/// <summary>One line of a <see cref="LineChart"/>: (x, y) points in order; a NaN or infinite y breaks the line.</summary>
public sealed record LineSeries(string Name, IReadOnlyList<(double X, double Y)> Points)
{
    /// <summary>Drawn dashed (e.g. validation beside a solid training line).</summary>
    public bool Dashed { get; init; }

    /// <summary>The colour; null takes the next palette colour by series index.</summary>
    public string? Color { get; init; }
}

/// <summary>
/// Lines over a numeric x axis: loss curves per epoch (optionally on a log y axis) or ROC curves (fixed 0..1
/// axes with the chance diagonal as a reference line). Points are marked when a series is short, so a one-epoch
/// run still shows its value.
/// </summary>
public sealed class LineChart : SvgChart
{
    private const int MarkerLimit = 40;

    /// <summary>The series, drawn in order.</summary>
    public List<LineSeries> Series { get; } = new();

    /// <summary>Grey dashed segments under the data, e.g. the ROC chance diagonal, in data coordinates.</summary>
    public List<(double X1, double Y1, double X2, double Y2)> ReferenceLines { get; } = new();

    /// <summary>Log or linear y. A log axis falls back to linear (with a note) when a finite y is zero or negative.</summary>
    public AxisScale YScale { get; set; } = AxisScale.Linear;

    /// <summary>A fixed x range instead of one fitted to the data.</summary>
    public (double Min, double Max)? XRange { get; set; }

    /// <summary>A fixed y range instead of one fitted to the data (linear only).</summary>
    public (double Min, double Max)? YRange { get; set; }

    /// <summary>Only whole-number x ticks (epochs).</summary>
    public bool IntegerX { get; set; }

    /// <summary>The y scale actually drawn: <see cref="YScale"/> unless the data forced linear.</summary>
    public AxisScale EffectiveYScale =>
        YScale == AxisScale.Log && YRange is null && FiniteYs().All(v => v > 0) ? AxisScale.Log : AxisScale.Linear;

    /// <inheritdoc/>
    protected override (Axis? X, Axis? Y) BuildAxes()
    {
        var points = Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (points.Count == 0) return (null, null);
        var x = XRange is { } xr ? Axis.Fixed(xr.Min, xr.Max)
            : Axis.Linear(points.Min(p => p.X), points.Max(p => p.X), 8, IntegerX ? 1 : 0);
        var (yMin, yMax) = (points.Min(p => p.Y), points.Max(p => p.Y));
        var y = YRange is { } yr ? Axis.Fixed(yr.Min, yr.Max)
            : EffectiveYScale == AxisScale.Log ? Axis.Log(yMin, yMax) : Axis.Linear(yMin, yMax);
        return (x, y);
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<LegendEntry> LegendEntries() =>
        Series.Select((s, i) => new LegendEntry(s.Name, s.Color ?? ColorAt(i), s.Dashed)).ToList();

    /// <inheritdoc/>
    protected override string? Note() =>
        YScale == AxisScale.Log && EffectiveYScale == AxisScale.Linear && FiniteYs().Any() ? "linear scale: some values are ≤ 0" : null;

    /// <inheritdoc/>
    protected override void DrawData(HtmlWriter w, Axis x, Axis y, PlotArea plot)
    {
        foreach (var (x1, y1, x2, y2) in ReferenceLines)
            w.Empty("line", ("x1", HtmlWriter.Num(x.Map(x1))), ("y1", HtmlWriter.Num(y.Map(y1))), ("x2", HtmlWriter.Num(x.Map(x2))),
                ("y2", HtmlWriter.Num(y.Map(y2))), ("stroke", "#9ca3af"), ("stroke-dasharray", "4 4"));
        for (var i = 0; i < Series.Count; i++)
        {
            var s = Series[i];
            var color = s.Color ?? ColorAt(i);
            var pixels = s.Points.Select(p => double.IsFinite(p.X) && double.IsFinite(p.Y) ? (x.Map(p.X), y.Map(p.Y)) : (double.NaN, double.NaN)).ToList();
            var path = PathData(pixels);
            if (path.Length > 0)
                w.Empty("path", ("d", path), ("fill", "none"), ("stroke", color), ("stroke-width", "2"),
                    ("stroke-linejoin", "round"), ("stroke-dasharray", s.Dashed ? "6 4" : null));
            for (var j = 0; j < pixels.Count; j++)
            {
                var (px, py) = pixels[j];
                if (double.IsNaN(px)) continue;
                var isolated = (j == 0 || double.IsNaN(pixels[j - 1].Item1)) && (j == pixels.Count - 1 || double.IsNaN(pixels[j + 1].Item1));
                if (pixels.Count <= MarkerLimit || isolated)
                    w.Empty("circle", ("cx", HtmlWriter.Num(px)), ("cy", HtmlWriter.Num(py)), ("r", "3"), ("fill", s.Dashed ? "#ffffff" : color),
                        ("stroke", color), ("stroke-width", "1.5"));
            }
            w.Line();
        }
    }

    /// <summary>SVG path data through the pixel points: a NaN starts a new piece, and a point within a quarter
    /// pixel of the last one drawn is skipped (a 10,000-point ROC curve stays small and looks the same).</summary>
    public static string PathData(IReadOnlyList<(double X, double Y)> pixels)
    {
        var sb = new StringBuilder();
        var penDown = false;
        (double X, double Y) last = (double.NaN, double.NaN);
        for (var i = 0; i < pixels.Count; i++)
        {
            var (px, py) = pixels[i];
            if (double.IsNaN(px) || double.IsNaN(py))
            {
                penDown = false;
                continue;
            }
            var final = i == pixels.Count - 1 || double.IsNaN(pixels[i + 1].X);
            if (penDown && !final && Math.Abs(px - last.X) < 0.25 && Math.Abs(py - last.Y) < 0.25) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(penDown ? 'L' : 'M').Append(HtmlWriter.Num(px)).Append(',').Append(HtmlWriter.Num(py));
            penDown = true;
            last = (px, py);
        }
        return sb.ToString();
    }

    private IEnumerable<double> FiniteYs() =>
        Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).Select(p => p.Y);
}
