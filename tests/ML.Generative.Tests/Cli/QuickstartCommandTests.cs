using System.Globalization;
using System.Security.Cryptography;
using ML.Generative.Data;

namespace ML.Generative.Tests.Cli;

/// <summary>The README's main job, on a tiny budget: every file it promises, and the zip usable by a new process.</summary>
public class QuickstartCommandTests
{
    [Fact]
    public void TinyRun_WritesEveryOutput_AndTheZipSamplesInANewProcess()
    {
        var dir = Directory.CreateTempSubdirectory("mlgen-quickstart-").FullName;
        try
        {
            var r = CliRunner.Run(new[] { "quickstart", "--out", dir, "--epochs", "1", "--max-train", "640", "--fid-images", "64" }, timeoutSeconds: 600);
            Assert.True(r.ExitCode == 0, r.Stderr);
            foreach (var name in new[] { "model.zip", "samples.png", "reconstructions.png", "interpolation.png", "report.html" })
                Assert.Contains(Path.Combine(dir, name), r.Stdout);
            // 8x8 tiles of 28 pixels with 2-pixel gaps; originals above reconstructions (2 rows of 8); 10 interpolation steps.
            Assert.Equal((8 * 28 + 9 * 2, 8 * 28 + 9 * 2), Size(Path.Combine(dir, "samples.png")));
            Assert.Equal((8 * 28 + 9 * 2, 2 * 28 + 3 * 2), Size(Path.Combine(dir, "reconstructions.png")));
            Assert.Equal((10 * 28 + 11 * 2, 28 + 2 * 2), Size(Path.Combine(dir, "interpolation.png")));
            var auroc = Value(r.Stdout, "one-class AUROC (normal class 0): ");
            Assert.InRange(auroc, 0, 1);
            Assert.True(Value(r.Stdout, "FID (") >= 0);
            var html = File.ReadAllText(Path.Combine(dir, "report.html"));
            Assert.Contains("<svg", html);
            Assert.Equal(4 + 1, html.Split("data:image/png;base64,").Length); // the epoch's sample grid and the three grids
            Assert.Contains("KID (Fashion-MNIST features)", html);

            // A fresh process loads the zip; one seed gives the same images, another seed different ones.
            string Sample(string seed, string file)
            {
                var s = CliRunner.Run(new[] { "sample", Path.Combine(dir, "model.zip"), "-n", "16", "--seed", seed, "--grid", Path.Combine(dir, file) });
                Assert.True(s.ExitCode == 0, s.Stderr);
                return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, file))));
            }
            Assert.Equal(Sample("3", "a.png"), Sample("3", "b.png"));
            Assert.NotEqual(Sample("3", "a.png"), Sample("4", "c.png"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Sample_MissingModel_ExitsNonZeroWithOneLine()
    {
        var r = CliRunner.Run(new[] { "sample", "no-such-model.zip" });
        Assert.NotEqual(0, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("[ML.Generative]")).ToList();
        Assert.Single(lines);
        Assert.Contains("no-such-model.zip", lines[0]);
    }

    private static (int Width, int Height) Size(string png)
    {
        var image = ImageCodec.Load(png);
        return (image.Width, image.Height);
    }

    private static double Value(string stdout, string prefix)
    {
        var line = stdout.Split('\n').First(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
