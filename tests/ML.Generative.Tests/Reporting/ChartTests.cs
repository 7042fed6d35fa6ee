using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ML.Generative.Reporting;

namespace ML.Generative.Tests.Reporting;

public class ChartTests
{
    private static readonly XNamespace S = "http://www.w3.org/2000/svg";

    private static XElement Parse(SvgChart chart) => XDocument.Parse(chart.ToSvg()).Root!;

    private static double D(XElement e, string name) => double.Parse(e.Attribute(name)!.Value, CultureInfo.InvariantCulture);

    // Tick labels are the chart's own statement of its scale: y labels are right-aligned left of the plot,
    // x labels centred below it.
    private static Dictionary<string, double> YTicks(XElement svg) =>
        svg.Descendants(S + "text").Where(t => (string?)t.Attribute("text-anchor") == "end" && t.Attribute("dy") is not null)
            .ToDictionary(t => t.Value, t => D(t, "y"));

    private static Dictionary<string, double> XTicks(XElement svg) =>
        svg.Descendants(S + "text").Where(t => (string?)t.Attribute("text-anchor") == "middle" && t.Attribute("font-size") is null)
            .ToDictionary(t => t.Value, t => D(t, "x"));

    private static List<(char Command, double X, double Y)> PathPoints(XElement path) =>
        Regex.Matches(path.Attribute("d")!.Value, @"([ML])(-?[\d.]+),(-?[\d.]+)")
            .Select(m => (m.Groups[1].Value[0], double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))
            .ToList();

    [Fact]
    public void LineChart_PointsLandWhereTheTickLabelsSay()
    {
        var chart = new LineChart { Title = "t", XLabel = "epoch", YLabel = "loss" };
        chart.Series.Add(new LineSeries("train", new[] { (0.0, 0.0), (5.0, 5.0), (10.0, 10.0) }));
        var svg = Parse(chart);
        var (ys, xs) = (YTicks(svg), XTicks(svg));
        var p = PathPoints(svg.Descendants(S + "path").Single());

        Assert.Equal(new[] { 'M', 'L', 'L' }, p.Select(q => q.Command));
        Assert.Equal(xs["0"], p[0].X, 1);
        Assert.Equal(ys["0"], p[0].Y, 1);
        Assert.Equal(xs["10"], p[2].X, 1);
        Assert.Equal(ys["10"], p[2].Y, 1);
        // 5 is half way between the 0 and 10 ticks on both axes.
        Assert.Equal((xs["0"] + xs["10"]) / 2, p[1].X, 1);
        Assert.Equal((ys["0"] + ys["10"]) / 2, p[1].Y, 1);
        Assert.True(ys["10"] < ys["0"]); // y grows upwards
        Assert.Equal(3, svg.Descendants(S + "circle").Count()); // short series: every point marked
    }

    [Fact]
    public void LineChart_LogScale_SpacesDecadesEvenly()
    {
        var chart = new LineChart { Title = "t", YScale = AxisScale.Log };
        chart.Series.Add(new LineSeries("loss", new[] { (1.0, 1.0), (2.0, 10.0), (3.0, 100.0) }));
        Assert.Equal(AxisScale.Log, chart.EffectiveYScale);
        var svg = Parse(chart);
        var ys = YTicks(svg);
        var p = PathPoints(svg.Descendants(S + "path").Single());
        Assert.Equal(ys["1"], p[0].Y, 1);
        Assert.Equal(ys["10"], p[1].Y, 1);
        Assert.Equal(ys["100"], p[2].Y, 1);
        Assert.Equal(p[0].Y - p[1].Y, p[1].Y - p[2].Y, 1);
        // 1..100 spans two decades, so 2 and 5 get ticks too.
        Assert.Contains("20", ys.Keys);
    }

    [Fact]
    public void LineChart_LogScaleWithNonPositiveValues_FallsBackToLinearWithANote()
    {
        var chart = new LineChart { Title = "t", YScale = AxisScale.Log };
        chart.Series.Add(new LineSeries("gan", new[] { (1.0, -0.5), (2.0, 1.0) }));
        Assert.Equal(AxisScale.Linear, chart.EffectiveYScale);
        Assert.Contains("linear scale: some values are ≤ 0", chart.ToSvg());
    }

    [Fact]
    public void LineChart_NaNBreaksTheLine_AndIsolatedPointsAreMarked()
    {
        var points = Enumerable.Range(0, 60).Select(i => ((double)i, i is 20 or 22 ? double.NaN : i * 0.5)).ToArray();
        var chart = new LineChart { Title = "t" };
        chart.Series.Add(new LineSeries("s", points));
        var svg = Parse(chart);
        var p = PathPoints(svg.Descendants(S + "path").Single());
        // Pieces 0..19, 21 alone, 23..59; the lone point has no line, so it gets the only marker (60 > 40 points).
        Assert.Equal(3, p.Count(q => q.Command == 'M'));
        Assert.Single(svg.Descendants(S + "circle"));
    }

    [Fact]
    public void LineChart_AllNaNOrEmpty_DrawsNoDataFrame()
    {
        var chart = new LineChart { Title = "t" };
        chart.Series.Add(new LineSeries("s", new[] { (1.0, double.NaN), (2.0, double.PositiveInfinity) }));
        var svg = Parse(chart);
        Assert.Empty(svg.Descendants(S + "path"));
        Assert.Contains(svg.Descendants(S + "text"), t => t.Value == "no data");
        Assert.Contains("no data", new LineChart().ToSvg());
    }

    [Fact]
    public void PathData_BreaksAtNaN_AndSkipsSubPixelSteps()
    {
        var d = LineChart.PathData(new[] { (0.0, 0.0), (10.0, 0.0), (double.NaN, double.NaN), (20.0, 5.0), (20.1, 5.1), (20.2, 5.0), (30.0, 5.0) });
        // (20.1, 5.1) and (20.2, 5.0) are within a quarter pixel of (20, 5); the last point of a piece is always kept.
        Assert.Equal("M0,0 L10,0 M20,5 L30,5", d);
        Assert.Equal("M1,2 L1.1,2", LineChart.PathData(new[] { (1.0, 2.0), (1.1, 2.0) }));
    }

    [Fact]
    public void ScatterChart_ColoursByClass_InNumericOrder()
    {
        var chart = new ScatterChart(new[] { 0.0, 1, 2, 3 }, new[] { 0.0, 1, 2, 3 }, new[] { "10", "2", "1", "2" }) { Title = "z" };
        Assert.Equal(new[] { "1", "2", "10" }, chart.Classes);
        var svg = Parse(chart);
        var data = svg.Descendants(S + "circle").Where(c => c.Attribute("fill-opacity") is not null).ToList();
        Assert.Equal(4, data.Count);
        Assert.Equal(new[] { SvgChart.Palette[2], SvgChart.Palette[1], SvgChart.Palette[0], SvgChart.Palette[1] }, data.Select(c => c.Attribute("fill")!.Value));
        // Legend: one marker per class.
        Assert.Equal(3, svg.Descendants(S + "circle").Count() - data.Count);
    }

    [Fact]
    public void ScatterChart_ManyPoints_AreEvenlySubsampledWithANote()
    {
        const int n = 12000;
        var xs = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var chart = new ScatterChart(xs, xs, xs.Select(v => (v % 2).ToString(CultureInfo.InvariantCulture)).ToArray()) { MaxPoints = 5000 };
        var drawn = chart.DrawnIndices();
        Assert.Equal(5000, drawn.Count);
        Assert.Equal(0, drawn[0]);
        Assert.Equal(12, drawn[5]); // floor(5·12000/5000)
        Assert.Equal(5000, drawn.Distinct().Count());
        Assert.Contains("5,000 of 12,000 points shown", chart.ToSvg());
    }

    [Fact]
    public void ScatterChart_MismatchedLengths_Throw() =>
        Assert.Throws<ArgumentException>(() => new ScatterChart(new[] { 1.0 }, new[] { 1.0, 2 }, new[] { "a" }));

    [Fact]
    public void BarChart_HeightsAreProportionalToValues()
    {
        var chart = new BarChart(new[] { ("a", 0.5), ("b", 1.0), ("c", double.NaN) }) { YRange = (0, 1), ReferenceValue = 0.75, ReferenceLabel = "mean" };
        var svg = Parse(chart);
        var bars = svg.Descendants(S + "rect").Where(r => r.Element(S + "title") is not null).ToList();
        Assert.Equal(2, bars.Count); // the NaN bar is left out
        var ys = YTicks(svg);
        var baseline = ys["0"];
        Assert.Equal(baseline - ys["0.4"], (baseline - ys["0.2"]) * 2, 1);
        Assert.Equal(baseline - 0.5 * (baseline - ys["1.0"]), D(bars[0], "y"), 1);
        Assert.Equal(2 * D(bars[0], "height"), D(bars[1], "height"), 1);
        Assert.Equal(baseline, D(bars[1], "y") + D(bars[1], "height"), 1);
        Assert.Contains(svg.Descendants(S + "text"), t => t.Value == "n/a");
        var reference = svg.Descendants(S + "line").Single(l => (string?)l.Attribute("stroke-dasharray") == "6 4");
        Assert.Equal(ys["0.6"] + 0.75 * (ys["0.8"] - ys["0.6"]), D(reference, "y1"), 1); // 0.75 = 0.6 + ¾·0.2
    }
}
