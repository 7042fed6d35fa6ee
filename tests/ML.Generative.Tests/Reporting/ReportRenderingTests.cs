using System.Globalization;
using System.Text.RegularExpressions;
using ML.Generative.Reporting;
using Xunit.Abstractions;

namespace ML.Generative.Tests.Reporting;

/// <summary>
/// Opens the report in headless Chromium (installed by scripts/setup.sh; the test fails, saying so, where it is
/// missing) and checks the screenshot: every chart drew its data colours, every image shows its own pixels.
/// Element positions come from a copy of the page with a measuring script; the screenshot is of the real page.
/// </summary>
public class ReportRenderingTests
{
    private const int WindowWidth = 1200;
    private readonly ITestOutputHelper _output;

    public ReportRenderingTests(ITestOutputHelper output) => _output = output;

    private sealed record Box(string Tag, int Left, int Top, int Width, int Height);

    [Fact]
    public void Report_RendersChartsAndImagesInChromium()
    {
        var dir = Directory.CreateTempSubdirectory("mlgen-render-");
        try
        {
            var report = SampleReport.Full();
            var page = Path.Combine(dir.FullName, "report.html");
            report.Save(page);

            var (boxes, pageHeight) = Measure(File.ReadAllText(page), Path.Combine(dir.FullName, "probe.html"));
            var svgs = boxes.Where(b => b.Tag == "svg").ToList();
            var imgs = boxes.Where(b => b.Tag == "img").ToList();
            Assert.Equal(7, svgs.Count);
            Assert.Equal(4, imgs.Count);

            var shot = PngCodec.Decode(Chromium.Screenshot(page, WindowWidth, pageHeight));
            _output.WriteLine($"screenshot {shot.Width}x{shot.Height}, {svgs.Count} charts, {imgs.Count} images");
            Assert.Equal(WindowWidth, shot.Width);
            Assert.All(boxes, b => Assert.True(b.Left >= 0 && b.Top >= 0 && b.Left + b.Width <= shot.Width && b.Top + b.Height <= shot.Height,
                $"{b} lies outside the {shot.Width}x{shot.Height} screenshot"));

            // Not blank: a good share of the page is neither the page grey nor the cards' white.
            var inked = Share(shot, new Box("page", 0, 0, shot.Width, shot.Height), c => !Near(c, (0xf3, 0xf4, 0xf6), 6) && !Near(c, (255, 255, 255), 6));
            _output.WriteLine($"page: {inked:P1} inked");
            Assert.True(inked > 0.08, $"only {inked:P1} of the page differs from its background");

            // Charts: ink in the plot (axes, grid, text) and the data colours themselves. Order: 4 loss charts, ROC,
            // scatter (three classes), bars.
            var blue = Rgb(SvgChart.Palette[0]);
            for (var i = 0; i < svgs.Count; i++)
            {
                var box = svgs[i];
                var ink = Share(shot, box, c => !Near(c, (255, 255, 255), 10));
                var colours = i == 5 ? new[] { 0, 1, 2 } : new[] { 0 };
                var counts = colours.Select(k => Count(shot, box, c => Near(c, Rgb(SvgChart.Palette[k]), 40))).ToArray();
                _output.WriteLine($"chart {i}: {box}, {ink:P1} ink, data-colour pixels {string.Join("/", counts)}");
                Assert.True(ink > 0.02, $"chart {i} at {box} is nearly blank ({ink:P1} ink)");
                Assert.All(counts, n => Assert.True(n >= 40, $"chart {i} at {box}: data colour drawn on only {n} pixels"));
            }
            Assert.True(Count(shot, svgs[6], c => Near(c, blue, 12)) > 2000, "the bar chart's bars are missing");

            // Images: each source pixel appears, enlarged, at its place (pixelated scaling keeps colours exact).
            var sources = new[] { SampleReport.GradientPng(28, 0), SampleReport.GradientPng(28, 1), SampleReport.GradientPng(28, 2), SampleReport.QuadrantPng() };
            for (var i = 0; i < imgs.Count; i++)
            {
                var source = PngCodec.Decode(sources[i]);
                var box = imgs[i];
                var scale = (double)box.Width / source.Width;
                Assert.Equal(box.Width / (double)source.Width, box.Height / (double)source.Height, 6);
                Assert.Equal(Math.Round(scale), scale); // enlarged by a whole factor
                var wrong = 0;
                for (var sy = 0; sy < source.Height; sy++)
                    for (var sx = 0; sx < source.Width; sx++)
                    {
                        var px = shot.At(box.Left + (int)((sx + 0.5) * scale), box.Top + (int)((sy + 0.5) * scale));
                        if (!Near(px, source.At(sx, sy), 3)) wrong++;
                    }
                _output.WriteLine($"image {i}: {box}, scale {scale}, {wrong} wrong pixels");
                Assert.Equal(0, wrong);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // Positions in CSS pixels (= screenshot pixels at scale factor 1) measured by a script in a copy of the page;
    // the report itself forbids scripts, so the copy drops its content-security policy.
    private static (List<Box> Boxes, int PageHeight) Measure(string html, string probePath)
    {
        const string script = """
            <script>
            const rows = [...document.querySelectorAll('svg.chart, figure img')].map(e => {
              const b = e.getBoundingClientRect();
              const isImg = e.tagName === 'IMG';
              return [e.tagName.toLowerCase(), b.left + scrollX + (isImg ? e.clientLeft : 0), b.top + scrollY + (isImg ? e.clientTop : 0),
                      isImg ? e.clientWidth : b.width, isImg ? e.clientHeight : b.height].map(v => typeof v === 'number' ? Math.round(v) : v).join(',');
            });
            const pre = document.createElement('pre');
            pre.id = 'probe';
            pre.textContent = rows.join(';') + '|' + document.documentElement.scrollHeight;
            document.body.appendChild(pre);
            </script>
            """;
        var probe = Regex.Replace(html, "<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "");
        Assert.NotEqual(html, probe);
        File.WriteAllText(probePath, probe.Replace("</body>", script + "</body>"));
        var dom = Chromium.DumpDom(probePath, WindowWidth, 2400);
        var m = Regex.Match(dom, "<pre id=\"probe\">(.*?)\\|(\\d+)</pre>");
        Assert.True(m.Success, "the measuring script left no result in the DOM");
        var boxes = m.Groups[1].Value.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(row =>
        {
            var f = row.Split(',');
            return new Box(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture),
                int.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture));
        }).ToList();
        return (boxes, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static (byte, byte, byte) Rgb(string hex) =>
        (Convert.ToByte(hex.Substring(1, 2), 16), Convert.ToByte(hex.Substring(3, 2), 16), Convert.ToByte(hex.Substring(5, 2), 16));

    private static bool Near((byte R, byte G, byte B) a, (byte R, byte G, byte B) b, int tolerance) =>
        Math.Abs(a.R - b.R) <= tolerance && Math.Abs(a.G - b.G) <= tolerance && Math.Abs(a.B - b.B) <= tolerance;

    private static int Count(RgbaImage image, Box box, Func<(byte R, byte G, byte B), bool> predicate)
    {
        var n = 0;
        for (var y = box.Top; y < Math.Min(box.Top + box.Height, image.Height); y++)
            for (var x = box.Left; x < Math.Min(box.Left + box.Width, image.Width); x++)
                if (predicate(image.At(x, y))) n++;
        return n;
    }

    private static double Share(RgbaImage image, Box box, Func<(byte R, byte G, byte B), bool> predicate) =>
        (double)Count(image, box, predicate) / Math.Max(1, box.Width * box.Height);
}
