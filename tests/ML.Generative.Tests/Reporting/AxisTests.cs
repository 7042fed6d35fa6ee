using ML.Generative.Reporting;

namespace ML.Generative.Tests.Reporting;

public class AxisTests
{
    [Theory]
    // 0..9.3 in 5 intervals: step 1 needs 10, step 2 needs 0..10 = 5.
    [InlineData(0, 9.3, 5, 2)]
    // 0.12..0.87: step 0.1 needs 1..9 = 8 intervals, step 0.2 needs 0..5 = 5.
    [InlineData(0.12, 0.87, 5, 0.2)]
    // −3.7..12.1 in 7: step 2 needs −2..7 = 9, step 5 needs −1..3 = 4.
    [InlineData(-3.7, 12.1, 7, 5)]
    // 250..320 in 5: step 10 needs 25..32 = 7, step 20 needs 12..16 = 4.
    [InlineData(250, 320, 5, 20)]
    // 0.0012..0.0049 in 5: step 0.0005 needs 2..10 = 8, step 0.001 needs 1..5 = 4.
    [InlineData(0.0012, 0.0049, 5, 0.001)]
    public void NiceStep_IsSmallestRoundStepThatFits(double min, double max, int intervals, double expected) =>
        Assert.Equal(expected, Axis.NiceStep(min, max, intervals), 12);

    [Fact]
    public void Linear_WidensToRoundTicks()
    {
        var axis = Axis.Linear(250, 320, 6);
        Assert.Equal(new double[] { 240, 260, 280, 300, 320 }, axis.Ticks);
        Assert.Equal(240, axis.Min);
        Assert.Equal(320, axis.Max);

        axis = Axis.Linear(-3.7, 12.1, 8);
        Assert.Equal(new double[] { -5, 0, 5, 10, 15 }, axis.Ticks);
    }

    [Fact]
    public void Linear_TickValuesAreExactDecimals()
    {
        // k·0.1 would give 0.30000000000000004; the ticks must be the doubles nearest 0.1, 0.2, 0.3.
        Assert.Equal(new[] { 0.1, 0.2, 0.3 }, Axis.Linear(0.1, 0.3, 3).Ticks);
        Assert.Equal(new[] { 0.0, 0.2, 0.4, 0.6, 0.8, 1.0 }, Axis.Fixed(0, 1).Ticks);
    }

    [Fact]
    public void Linear_ZeroWidthRangeStillGetsAnAxis()
    {
        // 5 → 4.5..5.5; step 0.2 would need 22..28 = 6 intervals, 0.5 needs 9..11.
        Assert.Equal(new[] { 4.5, 5, 5.5 }, Axis.Linear(5, 5).Ticks);
        // 0 → −1..1; step 0.5 gives −2..2 = 4 intervals (0.2 would need 10).
        Assert.Equal(new[] { -1, -0.5, 0, 0.5, 1 }, Axis.Linear(0, 0).Ticks);
    }

    [Fact]
    public void Linear_MinStepKeepsEpochTicksWhole()
    {
        Assert.Equal(new double[] { 1, 2, 3 }, Axis.Linear(1, 3, 8, minStep: 1).Ticks);
        Assert.Contains(1.5, Axis.Linear(1, 3, 8).Ticks);
    }

    [Fact]
    public void Log_TicksArePowersOfTen_WithTwoAndFiveOnShortSpans()
    {
        // log10(0.03) = −1.52 → 10⁻², log10(250) = 2.40 → 10³: five decades, powers only.
        Assert.Equal(new[] { 0.01, 0.1, 1, 10, 100, 1000 }, Axis.Log(0.03, 250).Ticks);
        Assert.Equal(new[] { 0.1, 0.2, 0.5, 1 }, Axis.Log(0.2, 0.8).Ticks);
        Assert.Equal(new double[] { 100, 200, 500, 1000 }, Axis.Log(100, 100).Ticks);
        Assert.Throws<ArgumentException>(() => Axis.Log(0, 10));
    }

    [Fact]
    public void Map_LinearAndLog_MatchHandComputedPixels()
    {
        var x = Axis.Linear(0, 10);
        x.PixelStart = 50;
        x.PixelEnd = 250;
        Assert.Equal(100, x.Map(2.5), 9);   // 50 + 0.25·200

        var y = Axis.Fixed(0, 1);
        y.PixelStart = 300;
        y.PixelEnd = 20;
        Assert.Equal(160, y.Map(0.5), 9);   // 300 − 0.5·280
        Assert.Equal(20, y.Map(1), 9);

        var log = Axis.Log(1, 1000);
        log.PixelStart = 0;
        log.PixelEnd = 300;
        Assert.Equal(100, log.Map(10), 9);             // one of three decades
        Assert.Equal(150, log.Map(Math.Sqrt(1000)), 9); // half way in log space
        Assert.True(double.IsNaN(log.Map(0)));
        Assert.True(double.IsNaN(log.Map(-1)));
    }

    [Fact]
    public void Format_UsesTheDecimalsTheStepNeeds()
    {
        var a = Axis.Fixed(0, 1);
        Assert.Equal("0.4", a.Format(0.4));
        Assert.Equal("0", a.Format(0));
        Assert.Equal("260", Axis.Linear(250, 320).Format(260));
        Assert.Equal("0.01", Axis.Log(0.03, 250).Format(0.01));
        Assert.Equal("1000", Axis.Log(0.03, 250).Format(1000));
        Assert.Equal("2e-5", Axis.Linear(0.00001, 0.00005).Format(0.00002));
        Assert.Equal("2e+6", Axis.Linear(0, 5e6).Format(2e6));
    }

    [Fact]
    public void InvalidRanges_Throw()
    {
        Assert.Throws<ArgumentException>(() => Axis.Linear(double.NaN, 1));
        Assert.Throws<ArgumentException>(() => Axis.Linear(2, 1));
        Assert.Throws<ArgumentException>(() => Axis.Fixed(1, 1));
    }
}
