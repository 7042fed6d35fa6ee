using System.Globalization;

namespace ML.Generative.Reporting;

/// <summary>How an axis maps data values to positions.</summary>
public enum AxisScale
{
    /// <summary>Equal distances for equal differences.</summary>
    Linear,

    /// <summary>Equal distances for equal ratios (base 10); only for positive values.</summary>
    Log,
}

/// <summary>
/// One chart axis: a data range widened to round tick values, and the mapping from data values to pixel
/// positions between <see cref="PixelStart"/> (where <see cref="Min"/> lands) and <see cref="PixelEnd"/>.
/// </summary>
public sealed class Axis
{
    private Axis(double min, double max, AxisScale scale, IReadOnlyList<double> ticks, double step)
    {
        Min = min;
        Max = max;
        Scale = scale;
        Ticks = ticks;
        Step = step;
    }

    /// <summary>The smallest value shown (a tick value unless the range was fixed).</summary>
    public double Min { get; }

    /// <summary>The largest value shown.</summary>
    public double Max { get; }

    /// <summary>Linear or logarithmic.</summary>
    public AxisScale Scale { get; }

    /// <summary>Values at which ticks and grid lines are drawn, ascending.</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>The distance between linear ticks (for label precision); on a log axis, the smallest tick.</summary>
    public double Step { get; }

    /// <summary>Pixel position of <see cref="Min"/>.</summary>
    public double PixelStart { get; set; }

    /// <summary>Pixel position of <see cref="Max"/> (smaller than <see cref="PixelStart"/> for a y axis).</summary>
    public double PixelEnd { get; set; }

    /// <summary>
    /// An axis covering <paramref name="dataMin"/>..<paramref name="dataMax"/> widened outwards to round ticks
    /// (1, 2 or 5 times a power of ten) with at most <paramref name="maxTicks"/> ticks. A zero-width range is
    /// widened around its value so a single point still gets an axis.
    /// </summary>
    /// <param name="dataMin">Smallest data value.</param>
    /// <param name="dataMax">Largest data value.</param>
    /// <param name="maxTicks">Most ticks wanted.</param>
    /// <param name="minStep">Smallest tick step allowed (1 for epochs, so no tick lands at 1.5).</param>
    public static Axis Linear(double dataMin, double dataMax, int maxTicks = 6, double minStep = 0)
    {
        CheckRange(dataMin, dataMax);
        if (maxTicks < 2) throw new ArgumentOutOfRangeException(nameof(maxTicks), maxTicks, "at least 2 ticks");
        if (dataMin == dataMax)
        {
            var pad = dataMin == 0 ? 1 : Math.Abs(dataMin) * 0.1;
            dataMin -= pad;
            dataMax += pad;
        }
        var step = Math.Max(NiceStep(dataMin, dataMax, maxTicks - 1), minStep);
        var (first, last) = Widen(dataMin, dataMax, step);
        return new Axis(first * step, last * step, AxisScale.Linear, TickRange(first, last, step), step);
    }

    /// <summary>A linear axis over exactly <paramref name="min"/>..<paramref name="max"/> (e.g. 0..1 for rates),
    /// with round ticks inside it.</summary>
    public static Axis Fixed(double min, double max, int maxTicks = 6)
    {
        CheckRange(min, max);
        if (!(min < max)) throw new ArgumentException($"a fixed axis needs min < max (got {min}..{max})");
        if (maxTicks < 2) throw new ArgumentOutOfRangeException(nameof(maxTicks), maxTicks, "at least 2 ticks");
        var step = NiceStep(min, max, maxTicks - 1);
        // A tiny tolerance so 0.1*3 still counts as inside 0..0.3.
        var first = Math.Ceiling(min / step - 1e-9);
        var last = Math.Floor(max / step + 1e-9);
        return new Axis(min, max, AxisScale.Linear, TickRange(first, last, step), step);
    }

    /// <summary>
    /// A base-10 log axis from the power of ten at or below <paramref name="dataMin"/> to the one at or above
    /// <paramref name="dataMax"/>; both must be positive. Spans under three decades also get ticks at 2 and 5
    /// times each power so the axis is not left with two labels.
    /// </summary>
    public static Axis Log(double dataMin, double dataMax)
    {
        CheckRange(dataMin, dataMax);
        if (!(dataMin > 0)) throw new ArgumentException($"a log axis needs positive values (got minimum {dataMin})");
        var lo = (int)Math.Floor(Math.Log10(dataMin) + 1e-12);
        var hi = (int)Math.Ceiling(Math.Log10(dataMax) - 1e-12);
        if (hi == lo) hi++;
        var ticks = new List<double>();
        var multiples = hi - lo < 3 ? new[] { 1.0, 2, 5 } : new[] { 1.0 };
        for (var e = lo; e <= hi; e++)
            foreach (var m in multiples)
                if (e < hi || m == 1) ticks.Add(Scaled(m, e));
        return new Axis(Scaled(1, lo), Scaled(1, hi), AxisScale.Log, ticks, Scaled(1, lo));
    }

    /// <summary>
    /// The smallest step of the form 1, 2 or 5 × 10ᵏ that covers <paramref name="min"/>..<paramref name="max"/>
    /// (widened to multiples of the step) in at most <paramref name="maxIntervals"/> intervals.
    /// </summary>
    public static double NiceStep(double min, double max, int maxIntervals)
    {
        if (maxIntervals < 1) throw new ArgumentOutOfRangeException(nameof(maxIntervals), maxIntervals, "at least one interval");
        var rough = (max - min) / maxIntervals;
        var exponent = (int)Math.Floor(Math.Log10(rough));
        // Start one decade low: floor/ceil widening can make the rough step's candidate too small anyway.
        for (var e = exponent - 1; ; e++)
            foreach (var m in new[] { 1.0, 2, 5 })
            {
                var step = Scaled(m, e);
                var (first, last) = Widen(min, max, step);
                if (last - first <= maxIntervals) return step;
            }
    }

    /// <summary>The pixel position of <paramref name="value"/>; NaN for NaN, or a non-positive value on a log axis.</summary>
    public double Map(double value)
    {
        double t;
        if (Scale == AxisScale.Log)
        {
            if (!(value > 0)) return double.NaN;
            t = (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min));
        }
        else t = (value - Min) / (Max - Min);
        return PixelStart + t * (PixelEnd - PixelStart);
    }

    /// <summary>A tick label: as many decimals as the step needs, exponent form for very large or small values.</summary>
    public string Format(double value)
    {
        if (value == 0) return "0";
        var magnitude = Math.Max(Math.Abs(Min), Math.Abs(Max));
        if (magnitude >= 1e6 || Step < 1e-4) return value.ToString("0.##e+0", CultureInfo.InvariantCulture);
        var decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(Scale == AxisScale.Log ? value : Step) + 1e-9), 0, 10);
        return value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    // Multiples of step at or outside min and max; the tolerance keeps 0.3/0.1 = 2.9999999999999996 at 3.
    private static (double First, double Last) Widen(double min, double max, double step) =>
        (Math.Floor(min / step + 1e-9), Math.Ceiling(max / step - 1e-9));

    private static List<double> TickRange(double first, double last, double step)
    {
        var e = (int)Math.Floor(Math.Log10(step) + 1e-9);
        var m = Math.Round(step / Math.Pow(10, e));
        var ticks = new List<double>();
        for (var k = first; k <= last; k++) ticks.Add(Scaled(k * m, e));
        return ticks;
    }

    // m·10^e; for e < 0 as m / 10^-e, since dividing by an exact power of ten gives 0.3 where 3·0.1 gives
    // 0.30000000000000004.
    private static double Scaled(double m, int e) => e < 0 ? m / Math.Pow(10, -e) : m * Math.Pow(10, e);

    private static void CheckRange(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException($"an axis range must be finite (got {min}..{max})");
        if (min > max) throw new ArgumentException($"axis minimum {min} is above maximum {max}");
    }
}
