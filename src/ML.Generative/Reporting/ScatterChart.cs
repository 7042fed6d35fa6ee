using System.Globalization;

namespace ML.Generative.Reporting;

/// <summary>
/// Points coloured by class label, e.g. a WAE's 2-D latent codes of the test set coloured by digit. Classes are
/// ordered numerically when every label is a number ("2" before "10"), otherwise by ordinal string order. Past
/// <see cref="MaxPoints"/> an evenly spaced subset is drawn (in data order, so no class hides the others) and a
/// note says so.
/// </summary>
public sealed class ScatterChart : SvgChart
{
    private readonly IReadOnlyList<double> _x;
    private readonly IReadOnlyList<double> _y;
    private readonly IReadOnlyList<string> _labels;

    /// <summary>A scatter of (<paramref name="x"/>[i], <paramref name="y"/>[i]) coloured by <paramref name="labels"/>[i].</summary>
    public ScatterChart(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(labels);
        if (x.Count != y.Count || x.Count != labels.Count)
            throw new ArgumentException($"a scatter needs as many x as y values and labels (got {x.Count}, {y.Count}, {labels.Count})");
        _x = x;
        _y = y;
        _labels = labels;
        Classes = OrderClasses(labels.Distinct());
    }

    /// <summary>The most points drawn; keeps a 60,000-point latent scatter from making a huge page.</summary>
    public int MaxPoints { get; set; } = 5000;

    /// <summary>The classes in legend (and colour) order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The indices of the points drawn: all, or every (n / MaxPoints)-th one.</summary>
    public IReadOnlyList<int> DrawnIndices()
    {
        var n = _x.Count;
        if (n <= MaxPoints) return Enumerable.Range(0, n).ToArray();
        return Enumerable.Range(0, MaxPoints).Select(k => (int)((long)k * n / MaxPoints)).ToArray();
    }

    /// <inheritdoc/>
    protected override (Axis? X, Axis? Y) BuildAxes()
    {
        var finite = Enumerable.Range(0, _x.Count).Where(i => double.IsFinite(_x[i]) && double.IsFinite(_y[i])).ToList();
        if (finite.Count == 0) return (null, null);
        return (Axis.Linear(finite.Min(i => _x[i]), finite.Max(i => _x[i]), 8), Axis.Linear(finite.Min(i => _y[i]), finite.Max(i => _y[i])));
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<LegendEntry> LegendEntries() =>
        Classes.Select((c, i) => new LegendEntry(c, ColorAt(i), Marker: true)).ToList();

    /// <inheritdoc/>
    protected override string? Note() =>
        _x.Count > MaxPoints ? $"{MaxPoints.ToString("N0", CultureInfo.InvariantCulture)} of {_x.Count.ToString("N0", CultureInfo.InvariantCulture)} points shown" : null;

    /// <inheritdoc/>
    protected override void DrawData(HtmlWriter w, Axis x, Axis y, PlotArea plot)
    {
        var colorOf = Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => ColorAt(p.i));
        var radius = _x.Count > 1000 ? "2" : "3";
        foreach (var i in DrawnIndices())
        {
            if (!double.IsFinite(_x[i]) || !double.IsFinite(_y[i])) continue;
            w.Empty("circle", ("cx", HtmlWriter.Num(x.Map(_x[i]))), ("cy", HtmlWriter.Num(y.Map(_y[i]))), ("r", radius),
                ("fill", colorOf[_labels[i]]), ("fill-opacity", "0.7"));
        }
        w.Line();
    }

    private static IReadOnlyList<string> OrderClasses(IEnumerable<string> classes)
    {
        var list = classes.ToList();
        var numeric = list.All(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        return numeric
            ? list.OrderBy(c => double.Parse(c, CultureInfo.InvariantCulture)).ToList()
            : list.OrderBy(c => c, StringComparer.Ordinal).ToList();
    }
}
