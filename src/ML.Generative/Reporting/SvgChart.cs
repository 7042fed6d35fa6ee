namespace ML.Generative.Reporting;

/// <summary>A legend row: a label with the colour (and line style) it stands for.</summary>
public sealed record LegendEntry(string Label, string Color, bool Dashed = false, bool Marker = false);

/// <summary>The plotting rectangle inside a chart, in SVG pixels.</summary>
public readonly record struct PlotArea(double Left, double Top, double Right, double Bottom)
{
    /// <summary>Width in pixels.</summary>
    public double Width => Right - Left;

    /// <summary>Height in pixels.</summary>
    public double Height => Bottom - Top;
}

/// <summary>
/// The frame every chart shares, written as one self-contained <c>&lt;svg&gt;</c> element: title, optional note,
/// y axis with grid lines and tick labels, x axis, axis labels and a legend column on the right. A chart without
/// any finite data still draws its frame with a "no data" message, so a report never breaks on an empty series.
/// </summary>
public abstract class SvgChart
{
    // Estimated advance of one character at the 11 px tick font; sizes margins without measuring text.
    private protected const double CharWidth = 6.6;
    private const int MaxLegendChars = 24;

    /// <summary>Colours for series and classes, distinct for the first ten and readable on white.</summary>
    public static readonly IReadOnlyList<string> Palette = new[]
    {
        "#2563eb", "#ea580c", "#16a34a", "#dc2626", "#9333ea",
        "#92400e", "#db2777", "#4b5563", "#ca8a04", "#0891b2",
    };

    /// <summary>The title drawn above the plot.</summary>
    public string Title { get; set; } = "";

    /// <summary>What a screen reader announces; defaults to <see cref="Title"/>.</summary>
    public string? Label { get; set; }

    /// <summary>The x-axis label, if any.</summary>
    public string? XLabel { get; set; }

    /// <summary>The y-axis label, if any.</summary>
    public string? YLabel { get; set; }

    /// <summary>Width of the SVG in pixels.</summary>
    public int Width { get; set; } = 540;

    /// <summary>Height of the SVG in pixels.</summary>
    public int Height { get; set; } = 330;

    /// <summary>A colour from <see cref="Palette"/>, cycling past its end.</summary>
    public static string ColorAt(int index) => Palette[index % Palette.Count];

    /// <summary>The chart as an <c>&lt;svg&gt;</c> element; <paramref name="id"/> prefixes its internal ids, so
    /// several charts can share a page.</summary>
    public string ToSvg(string id = "chart")
    {
        var (x, y) = BuildAxes();
        var legend = LegendEntries();
        var note = Note();
        var plot = Layout(y, legend, note);

        var w = new HtmlWriter();
        w.Open("svg", ("xmlns", "http://www.w3.org/2000/svg"), ("class", "chart"), ("width", HtmlWriter.Num(Width)),
            ("height", HtmlWriter.Num(Height)), ("viewBox", $"0 0 {Width} {Height}"), ("role", "img"), ("aria-label", Label ?? Title),
            ("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"), ("font-size", "11"));
        if ((Label ?? Title).Length > 0) w.Element("title", Label ?? Title).Line();
        w.Empty("rect", ("width", "100%"), ("height", "100%"), ("fill", "#ffffff"));
        if (Title.Length > 0)
            w.Element("text", Title, ("x", HtmlWriter.Num(plot.Left)), ("y", "18"), ("font-size", "13"), ("font-weight", "600"), ("fill", "#111827"));
        if (note is not null)
            w.Element("text", note, ("x", HtmlWriter.Num(plot.Left)), ("y", Title.Length > 0 ? "33" : "15"), ("fill", "#6b7280"));

        if (x is null || y is null)
        {
            w.Empty("rect", ("x", HtmlWriter.Num(plot.Left)), ("y", HtmlWriter.Num(plot.Top)), ("width", HtmlWriter.Num(plot.Width)),
                ("height", HtmlWriter.Num(plot.Height)), ("fill", "#f9fafb"), ("stroke", "#d1d5db"));
            w.Element("text", "no data", ("x", HtmlWriter.Num((plot.Left + plot.Right) / 2)), ("y", HtmlWriter.Num((plot.Top + plot.Bottom) / 2)),
                ("text-anchor", "middle"), ("fill", "#6b7280"), ("font-size", "13"));
            w.Close("svg");
            return w.ToString();
        }

        x.PixelStart = plot.Left;
        x.PixelEnd = plot.Right;
        y.PixelStart = plot.Bottom;
        y.PixelEnd = plot.Top;
        DrawYAxis(w, y, plot);
        DrawXAxis(w, x, plot);
        // The clip reaches a little past the frame so markers on its edge stay whole.
        w.Open("clipPath", ("id", id + "-plot")).Empty("rect", ("x", HtmlWriter.Num(plot.Left - 5)), ("y", HtmlWriter.Num(plot.Top - 5)),
            ("width", HtmlWriter.Num(plot.Width + 10)), ("height", HtmlWriter.Num(plot.Height + 10))).Close("clipPath");
        w.Open("g", ("clip-path", $"url(#{id}-plot)")).Line();
        DrawData(w, x, y, plot);
        w.Close("g").Line();
        w.Empty("rect", ("x", HtmlWriter.Num(plot.Left)), ("y", HtmlWriter.Num(plot.Top)), ("width", HtmlWriter.Num(plot.Width)),
            ("height", HtmlWriter.Num(plot.Height)), ("fill", "none"), ("stroke", "#9ca3af"));
        DrawAxisLabels(w, plot);
        DrawLegend(w, legend, plot);
        w.Close("svg");
        return w.ToString();
    }

    /// <summary>The axes for the data, or nulls when there is nothing finite to plot.</summary>
    protected abstract (Axis? X, Axis? Y) BuildAxes();

    /// <summary>Legend rows (none: no legend column).</summary>
    protected abstract IReadOnlyList<LegendEntry> LegendEntries();

    /// <summary>A grey line under the title, e.g. "5,000 of 10,000 points shown".</summary>
    protected virtual string? Note() => null;

    /// <summary>Draws the data inside the plot area (clipped to it).</summary>
    protected abstract void DrawData(HtmlWriter w, Axis x, Axis y, PlotArea plot);

    /// <summary>Pixels below the plot needed by the x tick labels.</summary>
    protected virtual double XTickLabelHeight() => 18;

    /// <summary>Draws x ticks and labels; numeric by default.</summary>
    protected virtual void DrawXAxis(HtmlWriter w, Axis x, PlotArea plot)
    {
        foreach (var t in x.Ticks)
        {
            var px = HtmlWriter.Num(x.Map(t));
            w.Empty("line", ("x1", px), ("x2", px), ("y1", HtmlWriter.Num(plot.Top)), ("y2", HtmlWriter.Num(plot.Bottom)), ("stroke", "#eef0f3"));
            w.Empty("line", ("x1", px), ("x2", px), ("y1", HtmlWriter.Num(plot.Bottom)), ("y2", HtmlWriter.Num(plot.Bottom + 4)), ("stroke", "#6b7280"));
            w.Element("text", x.Format(t), ("x", px), ("y", HtmlWriter.Num(plot.Bottom + 15)), ("text-anchor", "middle"), ("fill", "#374151"));
        }
        w.Line();
    }

    /// <summary>A label cut to <paramref name="max"/> characters with an ellipsis.</summary>
    protected static string Shorten(string label, int max) => label.Length <= max ? label : label[..(max - 1)] + "…";

    private PlotArea Layout(Axis? y, IReadOnlyList<LegendEntry> legend, string? note)
    {
        var tickChars = y is null ? 1 : y.Ticks.Max(t => y.Format(t).Length);
        var left = 14 + tickChars * CharWidth + (YLabel is null ? 0 : 18);
        var legendChars = legend.Count == 0 ? 0 : legend.Max(e => Math.Min(e.Label.Length, MaxLegendChars));
        var right = Width - 14 - (legend.Count == 0 ? 0 : 34 + legendChars * CharWidth);
        var top = (Title.Length > 0 ? 30 : 12) + (note is null ? 0 : 14);
        var bottom = Height - 8 - XTickLabelHeight() - (XLabel is null ? 0 : 18);
        // Tiny sizes still get a positive area rather than an inverted one.
        return new PlotArea(left, top, Math.Max(right, left + 40), Math.Max(bottom, top + 40));
    }

    private static void DrawYAxis(HtmlWriter w, Axis y, PlotArea plot)
    {
        foreach (var t in y.Ticks)
        {
            var py = HtmlWriter.Num(y.Map(t));
            w.Empty("line", ("x1", HtmlWriter.Num(plot.Left)), ("x2", HtmlWriter.Num(plot.Right)), ("y1", py), ("y2", py), ("stroke", "#e5e7eb"));
            w.Empty("line", ("x1", HtmlWriter.Num(plot.Left - 4)), ("x2", HtmlWriter.Num(plot.Left)), ("y1", py), ("y2", py), ("stroke", "#6b7280"));
            w.Element("text", y.Format(t), ("x", HtmlWriter.Num(plot.Left - 7)), ("y", py), ("dy", "0.35em"), ("text-anchor", "end"), ("fill", "#374151"));
        }
        w.Line();
    }

    private void DrawAxisLabels(HtmlWriter w, PlotArea plot)
    {
        if (XLabel is not null)
            w.Element("text", XLabel, ("x", HtmlWriter.Num((plot.Left + plot.Right) / 2)), ("y", HtmlWriter.Num(Height - 8)),
                ("text-anchor", "middle"), ("fill", "#111827"), ("font-size", "12"));
        if (YLabel is not null)
        {
            var cy = HtmlWriter.Num((plot.Top + plot.Bottom) / 2);
            w.Element("text", YLabel, ("x", "14"), ("y", cy), ("transform", $"rotate(-90 14 {cy})"),
                ("text-anchor", "middle"), ("fill", "#111827"), ("font-size", "12"));
        }
        w.Line();
    }

    private static void DrawLegend(HtmlWriter w, IReadOnlyList<LegendEntry> legend, PlotArea plot)
    {
        for (var i = 0; i < legend.Count; i++)
        {
            var e = legend[i];
            var x = plot.Right + 14;
            var y = plot.Top + 8 + i * 18;
            w.Open("g");
            w.Element("title", e.Label);
            w.Empty("line", ("x1", HtmlWriter.Num(x)), ("x2", HtmlWriter.Num(x + 20)), ("y1", HtmlWriter.Num(y)), ("y2", HtmlWriter.Num(y)),
                ("stroke", e.Color), ("stroke-width", e.Marker ? "0" : "2.5"), ("stroke-dasharray", e.Dashed ? "5 3" : null));
            if (e.Marker) w.Empty("circle", ("cx", HtmlWriter.Num(x + 10)), ("cy", HtmlWriter.Num(y)), ("r", "4.5"), ("fill", e.Color));
            w.Element("text", Shorten(e.Label, MaxLegendChars), ("x", HtmlWriter.Num(x + 26)), ("y", HtmlWriter.Num(y)), ("dy", "0.35em"), ("fill", "#111827"));
            w.Close("g");
        }
        w.Line();
    }
}
