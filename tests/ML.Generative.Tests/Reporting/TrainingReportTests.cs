using System.Text.RegularExpressions;
using System.Xml.Linq;
using ML.Generative.Reporting;
using ML.Generative.Training;

namespace ML.Generative.Tests.Reporting;

public class TrainingReportTests
{
    private static readonly Regex Svg = new("<svg[ >].*?</svg>", RegexOptions.Singleline);
    private static readonly Regex DataImage = new("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

    [Fact]
    public void FullReport_HasEveryChartAndImage_InSectionOrder()
    {
        var html = SampleReport.Full().ToHtml();

        // Loss curves: 2 terms × (raw, per pixel); then ROC, scatter and bar chart.
        Assert.Equal(7, Svg.Matches(html).Count);
        var images = DataImage.Matches(html);
        Assert.Equal(4, images.Count);
        Assert.Equal(4, Regex.Matches(html, "<img ").Count);
        Assert.Equal(SampleReport.QuadrantPng(), Convert.FromBase64String(images[3].Groups[1].Value));
        Assert.Equal(SampleReport.GradientPng(28, 0), Convert.FromBase64String(images[0].Groups[1].Value));

        var headings = Regex.Matches(html, "<h2>(.*?)</h2>").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(new[]
        {
            "Loss curves", "Samples from a fixed latent batch", "Reconstructions", "Sample quality", "ROC curve, class 0 normal",
            "Latent space (WAE, 2-D)", "AUROC per class", "Options", "Timing",
        }, headings);
        Assert.Equal(9, Regex.Matches(html, "<nav>.*</nav>", RegexOptions.Singleline).Single().Value.Split("<a ").Length - 1);
        // Nothing is fetched from anywhere: no http(s) URL other than the SVG namespace name.
        Assert.DoesNotMatch("(src|href)=\"(https?:|//)", html);
        Assert.Contains("Content-Security-Policy", html);
    }

    [Fact]
    public void EveryChart_IsWellFormedXml()
    {
        // An escaping slip inside an SVG shows up as malformed XML.
        foreach (Match m in Svg.Matches(SampleReport.Full("a < b & \"c\"").ToHtml()))
            XDocument.Parse(m.Value);
    }

    [Fact]
    public void UserStrings_AreEscapedEverywhere()
    {
        const string evil = "<script>alert('x')</script>";
        var history = new TrainingHistory();
        history.Epochs.Add(new EpochRecord(1, new Dictionary<string, double> { [evil] = 1.0 }, null));
        var html = new TrainingReport(evil) { Subtitle = evil }
            .AddLossCurves(history, new LossCurveOptions { Title = evil })
            .AddImage(evil, SampleReport.QuadrantPng(), evil)
            .AddMetrics(evil, new[] { (evil, 1.0) })
            .AddTable(evil, new[] { evil }, new[] { new[] { evil } })
            .AddScatter(evil, new[] { 0.0, 1 }, new[] { 0.0, 1 }, new[] { evil, "<img src=x onerror=alert(1)>" }, evil, evil)
            .AddBarChart(evil, new[] { (evil, 0.5) }, evil, reference: (evil, 0.4))
            .AddRocCurves(evil, new[] { (evil, (IReadOnlyList<(double, double)>)new[] { (0.0, 0.0), (1.0, 1.0) }, 0.5) })
            .AddOptions(evil, new { Name = evil, Tail = "</pre><b>" })
            .AddJson(evil, "{\"k\": \"</pre><script>\"}")
            .AddTiming(evil, new[] { (evil, 1.0, (double?)null) }, evil)
            .ToHtml();

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html);
        Assert.DoesNotContain("</pre><b>", html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html);
        Assert.Single(Regex.Matches(html, "<img "));
        foreach (Match m in Svg.Matches(html)) XDocument.Parse(m.Value);
    }

    [Fact]
    public void Escape_CoversMarkupQuotesAndControlCharacters()
    {
        Assert.Equal("a&lt;b&gt;&amp;&quot;&#39;", HtmlWriter.Escape("a<b>&\"'"));
        Assert.Equal("x\uFFFDy\tz\n", HtmlWriter.Escape("x\0y\tz\n"));
        Assert.Equal("\uFFFD", HtmlWriter.Escape("\uD800"));
        Assert.Equal("😀", HtmlWriter.Escape("😀"));
        Assert.Equal("", HtmlWriter.Escape(null));
    }

    [Fact]
    public void LossCurves_PerPixelValuesAreDividedByPixelCount()
    {
        var history = new TrainingHistory();
        history.Epochs.Add(new EpochRecord(1, new Dictionary<string, double> { ["loss"] = 1568 }, new Dictionary<string, double> { ["loss"] = 784 }));
        var html = new TrainingReport("t") { GeneratedAt = null }
            .AddLossCurves(history, new LossCurveOptions { Values = LossValues.Both, PixelsPerImage = 784 })
            .ToHtml();
        // Last-epoch table: raw train, raw validation, then per pixel: 1568/784 = 2, 784/784 = 1.
        var cells = Regex.Matches(html, "<td class=\"num\">(.*?)</td>").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(new[] { "1568.00", "784.00", "2.0000", "1.0000" }, cells);
        Assert.Contains(">loss (per pixel)</text>", html);
        Assert.Equal(2, Svg.Matches(html).Count);
    }

    [Fact]
    public void LossCurves_ValidationSeriesOnlyWhenLogged()
    {
        var history = SampleReport.History(3);
        var withValidation = LossCurves.Build(history, new LossCurveOptions());
        Assert.Equal(new[] { "loss", "reconstruction", "kl" }, withValidation.Select(c => c.Title));
        Assert.All(withValidation, c => Assert.Equal(new[] { "train", "validation" }, c.Series.Select(s => s.Name)));
        Assert.Equal(new[] { 1.0, 2, 3 }, withValidation[2].Series[0].Points.Select(p => p.X));
        Assert.Equal(history.Epochs[1].Validation!["kl"], withValidation[2].Series[1].Points[1].Y);

        var trainOnly = new TrainingHistory();
        trainOnly.Epochs.Add(new EpochRecord(1, new Dictionary<string, double> { ["loss"] = 2 }, null));
        trainOnly.Epochs.Add(new EpochRecord(2, new Dictionary<string, double> { ["loss"] = double.NaN }, new Dictionary<string, double>()));
        trainOnly.Epochs.Add(new EpochRecord(3, new Dictionary<string, double>(), null));
        var chart = Assert.Single(LossCurves.Build(trainOnly, new LossCurveOptions()));
        var series = Assert.Single(chart.Series);
        // A NaN value is kept (it breaks the line); an epoch without the term is left out (the line joins across).
        Assert.Equal(new[] { 1.0, 2 }, series.Points.Select(p => p.X));
        Assert.True(double.IsNaN(series.Points[1].Y));
    }

    [Fact]
    public void BadInput_GetsClearErrors()
    {
        var report = new TrainingReport("t");
        var e = Assert.Throws<ArgumentException>(() => report.AddImage("x", new byte[] { 1, 2, 3 }));
        Assert.Contains("not a PNG", e.Message);
        e = Assert.Throws<ArgumentException>(() => report.AddLossCurves(SampleReport.History(2), new LossCurveOptions { Values = LossValues.PerPixel }));
        Assert.Contains("PixelsPerImage", e.Message);
        e = Assert.Throws<ArgumentException>(() => report.AddTable("tbl", new[] { "a", "b" }, new[] { new[] { "1" } }));
        Assert.Contains("row 0 has 1 cells but there are 2 columns", e.Message);
        Assert.Throws<ArgumentException>(() => report.AddJson("j", "{not json"));
        Assert.Empty(report.SectionTitles);
    }

    [Fact]
    public void EmptyHistoryAndEmptyData_StillRender()
    {
        var html = new TrainingReport("t")
            .AddLossCurves(new TrainingHistory())
            .AddScatter("s", Array.Empty<double>(), Array.Empty<double>(), Array.Empty<string>())
            .AddRocCurves("r", Array.Empty<(string, IReadOnlyList<(double, double)>, double)>())
            .AddBarChart("b", Array.Empty<(string, double)>())
            .ToHtml();
        Assert.Contains("No epochs recorded.", html);
        Assert.Equal(3, Regex.Matches(html, ">no data</text>").Count);
    }

    [Fact]
    public void Save_WritesAtomicallyAndLeavesNoTemporaryFile()
    {
        var dir = Directory.CreateTempSubdirectory("mlgen-report-");
        try
        {
            var path = Path.Combine(dir.FullName, "out", "report.html");
            var report = SampleReport.Full();
            File.WriteAllText(Path.Combine(dir.FullName, "keep.txt"), "x");
            report.Save(path);
            Assert.Equal(report.ToHtml(), File.ReadAllText(path));
            Assert.Equal(new[] { "report.html" }, Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));

            // Overwrites an older report in place.
            new TrainingReport("second").Save(path);
            Assert.Contains("<h1>second</h1>", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));

            // A target that cannot be replaced (a folder) fails and leaves no temporary file behind.
            var blocked = Path.Combine(dir.FullName, "blocked.html");
            Directory.CreateDirectory(blocked);
            Assert.ThrowsAny<IOException>(() => report.Save(blocked));
            Assert.Equal(new[] { "keep.txt" }, Directory.GetFiles(dir.FullName).Select(Path.GetFileName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Images_AreEnlargedByWholeFactorsWithCrispPixels()
    {
        var html = new TrainingReport("t")
            .AddImage("small", SampleReport.QuadrantPng(28))
            .AddImage("large", SampleReport.QuadrantPng(500))
            .ToHtml();
        // 448 / 28 = 16 → 448 px; 500 px is not enlarged.
        Assert.Matches("width=\"448\" height=\"448\" class=\"pixelated\"", html);
        Assert.Matches("width=\"500\" height=\"500\"/>", html);
    }

    [Fact]
    public void ReportFormat_ValuesAndDurations()
    {
        Assert.Equal("0.9312", ReportFormat.Value(0.93123));
        Assert.Equal("249.76", ReportFormat.Value(249.7612));
        Assert.Equal("1.2e-4", ReportFormat.Value(0.00012));
        Assert.Equal("NaN", ReportFormat.Value(double.NaN));
        Assert.Equal("8.30 s", ReportFormat.Duration(8.3));
        Assert.Equal("2 min 05 s", ReportFormat.Duration(125.2));
        Assert.Equal("1 h 02 min", ReportFormat.Duration(3720));
        Assert.Equal((32, 32), ReportFormat.PngSize(SampleReport.QuadrantPng()));
    }
}
