using System.Globalization;

namespace ML.Generative.Tests.Cli;

public class CompareCommandTests
{
    [Fact]
    public void TinyRun_PrintsOneRowPerModel_WithScores()
    {
        var table = Path.Combine(Directory.CreateTempSubdirectory("mlgen-compare-").FullName, "table.md");
        var r = CliRunner.Run(new[] { "compare", "--models", "ae,wae-mmd", "--max-train", "256", "--epochs", "1", "--fid-images", "100", "--latent", "8", "--out", table }, timeoutSeconds: 600);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = File.ReadAllLines(table).Where(l => l.StartsWith("| ae |") || l.StartsWith("| wae-mmd |")).ToList();
        Assert.Equal(2, rows.Count);
        foreach (var row in rows)
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries).Where(c => c.Length > 0).ToArray();
            // model, loss, validation loss/pixel, test MSE/pixel, images/s, FID 100, FID N, nearest-train MSE, minutes:
            // all numbers after the loss.
            Assert.Equal(9, cells.Length);
            foreach (var number in cells.Skip(2))
                Assert.True(double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0, $"'{number}' in {row}");
        }
        Directory.Delete(Path.GetDirectoryName(table)!, true);
    }

    [Fact]
    public void UnknownModel_ExitsNonZeroNamingIt()
    {
        var r = CliRunner.Run(new[] { "compare", "--models", "vae,gan" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("unknown model 'gan'", r.Stderr);
    }
}
