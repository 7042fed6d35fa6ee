using System.Globalization;

namespace ML.Generative.Reporting;

/// <summary>
/// One bar per category with its value written above it, e.g. AUROC per class with the mean as a reference
/// line. A NaN value leaves its slot empty with "n/a". Long category labels are drawn slanted.
/// </summary>
public sealed class BarChart : SvgChart
{
    private const int MaxLabelChars = 16;

    /// <summary>A chart of <paramref name="bars"/> in the order given.</summary>
    public BarChart(IReadOnlyList<(string Label, double Value)> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        Bars = bars;
    }

    /// <summary>The categories and their values.</summary>
    public IReadOnlyList<(string Label, double Value)> Bars { get; }

    /// <summary>A fixed y range (e.g. 0..1 for AUROC); otherwise fitted to the values and zero.</summary>
    public (double Min, double Max)? YRange { get; set; }

    /// <summary>A horizontal dashed line, e.g. the mean or chance level.</summary>
    public double? ReferenceValue { get; set; }

    /// <summary>The reference line's legend label.</summary>
    public string? ReferenceLabel { get; set; }

    /// <summary>The .NET format of the value labels.</summary>
    public string ValueFormat { get; set; } = "F3";

    private bool Slanted => Bars.Count > 0 && Bars.Max(b => Math.Min(b.Label.Length, MaxLabelChars)) * CharWidth > BandWidth() - 4;

    /// <inheritdoc/>
    protected override (Axis? X, Axis? Y) BuildAxes()
    {
        var values = Bars.Select(b => b.Value).Where(double.IsFinite).ToList();
        if (ReferenceValue is { } r && double.IsFinite(r)) values.Add(r);
        if (values.Count == 0) return (null, null);
        var x = Axis.Fixed(0, Math.Max(1, Bars.Count));
        var y = YRange is { } yr ? Axis.Fixed(yr.Min, yr.Max) : Axis.Linear(Math.Min(0, values.Min()), Math.Max(0, values.Max()));
        return (x, y);
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<LegendEntry> LegendEntries() =>
        ReferenceValue is not null && ReferenceLabel is not null ? new[] { new LegendEntry(ReferenceLabel, ColorAt(1), Dashed: true) } : Array.Empty<LegendEntry>();

    /// <inheritdoc/>
    protected override double XTickLabelHeight() =>
        Slanted ? 14 + Bars.Max(b => Math.Min(b.Label.Length, MaxLabelChars)) * CharWidth * Math.Sin(Math.PI / 4) : 18;

    /// <inheritdoc/>
    protected override void DrawXAxis(HtmlWriter w, Axis x, PlotArea plot)
    {
        var slanted = Slanted;
        for (var i = 0; i < Bars.Count; i++)
        {
            var cx = HtmlWriter.Num(x.Map(i + 0.5));
            var ty = HtmlWriter.Num(plot.Bottom + 15);
            var label = Shorten(Bars[i].Label, MaxLabelChars);
            if (slanted)
                w.Element("text", label, ("x", cx), ("y", ty), ("text-anchor", "end"), ("transform", $"rotate(-45 {cx} {ty})"), ("fill", "#374151"));
            else
                w.Element("text", label, ("x", cx), ("y", ty), ("text-anchor", "middle"), ("fill", "#374151"));
        }
        w.Line();
    }

    /// <inheritdoc/>
    protected override void DrawData(HtmlWriter w, Axis x, Axis y, PlotArea plot)
    {
        var zero = y.Map(Math.Clamp(0, y.Min, y.Max));
        var band = plot.Width / Math.Max(1, Bars.Count);
        for (var i = 0; i < Bars.Count; i++)
        {
            var (label, value) = Bars[i];
            if (!double.IsFinite(value)) continue;
            var top = y.Map(value);
            w.Open("rect", ("x", HtmlWriter.Num(x.Map(i) + band * 0.15)), ("y", HtmlWriter.Num(Math.Min(top, zero))), ("width", HtmlWriter.Num(band * 0.7)),
                ("height", HtmlWriter.Num(Math.Abs(zero - top))), ("fill", ColorAt(0)), ("rx", "2"));
            w.Element("title", $"{label}: {Text(value)}").Close("rect");
        }
        if (ReferenceValue is { } r && double.IsFinite(r))
            w.Empty("line", ("x1", HtmlWriter.Num(plot.Left)), ("x2", HtmlWriter.Num(plot.Right)), ("y1", HtmlWriter.Num(y.Map(r))),
                ("y2", HtmlWriter.Num(y.Map(r))), ("stroke", ColorAt(1)), ("stroke-width", "2"), ("stroke-dasharray", "6 4"));
        for (var i = 0; i < Bars.Count; i++)
        {
            var value = Bars[i].Value;
            // Above the bar with a white halo (readable across the reference line), or inside its top in white
            // where the bar reaches the top of the plot.
            var barTop = double.IsFinite(value) ? Math.Min(y.Map(value), zero) : zero;
            var inside = double.IsFinite(value) && barTop - 4 < plot.Top + 10;
            w.Element("text", Text(value), ("x", HtmlWriter.Num(x.Map(i + 0.5))), ("y", HtmlWriter.Num(inside ? barTop + 13 : barTop - 4)),
                ("text-anchor", "middle"), ("fill", inside ? "#ffffff" : "#111827"), ("font-size", Bars.Count > 12 ? "9" : "10"),
                ("stroke", inside ? null : "#ffffff"), ("stroke-width", inside ? null : "3"), ("paint-order", inside ? null : "stroke"));
        }
        w.Line();
    }

    private string Text(double value) => double.IsFinite(value) ? value.ToString(ValueFormat, CultureInfo.InvariantCulture) : "n/a";

    // Estimated plot width: the frame's margins are not known before layout, so assume the usual ones.
    private double BandWidth() => (Width - 80 - (ReferenceLabel is null ? 0 : 34 + ReferenceLabel.Length * CharWidth)) / Math.Max(1, Bars.Count);
}
