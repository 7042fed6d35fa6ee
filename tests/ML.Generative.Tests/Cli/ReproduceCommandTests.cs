using System.Globalization;

namespace ML.Generative.Tests.Cli;

/// <summary>The reproductions run end to end on tiny budgets: every promised file is written and the results table
/// holds numbers (the real budgets' numbers are in the README, from committed logs).</summary>
public class ReproduceCommandTests
{
    private static string[] Cells(string row) => row.Split('|', StringSplitOptions.TrimEntries).Where(c => c.Length > 0).ToArray();

    private static void AssertNumber(string cell, string row) =>
        Assert.True(double.TryParse(cell.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0, $"'{cell}' in {row}");

    [Fact]
    public void ConvVae_WritesGridsReportAndTable_ForBothDataSets()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run(new[] { "reproduce", "conv-vae", "--epochs", "1", "--mnist-epochs", "1", "--max-train", "128", "--max-test", "100", "--fid-images", "100", "--out", dir.Path }, timeoutSeconds: 600);
        Assert.True(r.ExitCode == 0, r.Stderr);
        foreach (var data in new[] { "mnist", "fashion-mnist" })
            foreach (var file in new[] { "vae-samples", "vae-reconstructions", "ae-bootstrap-samples", "ae-uniform-samples" })
                Assert.True(File.Exists(dir.File($"{data}-{file}.png")), $"{data}-{file}.png missing");
        Assert.Contains("<svg", File.ReadAllText(dir.File("report.html")));
        var rows = File.ReadAllLines(dir.File("results.md")).Where(l => l.StartsWith("| mnist |") || l.StartsWith("| fashion-mnist |")).ToList();
        Assert.Equal(6, rows.Count);
        Assert.All(rows, row => Cells(row).Skip(2).ToList().ForEach(c => AssertNumber(c, row)));
    }

    [Fact]
    public void Wae2d_WritesGenerationsScatterPlaneAnalogyAndTable()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run(new[] { "reproduce", "wae-2d", "--epochs", "1", "--max-train", "256", "--fid-images", "100", "--out", dir.Path }, timeoutSeconds: 600);
        Assert.True(r.ExitCode == 0, r.Stderr);
        foreach (var file in new[] { "samples.png", "latent-plane.png", "analogy.png", "report.html", "results.md" })
            Assert.True(File.Exists(dir.File(file)), $"{file} missing");
        // The scatter holds a point per test image (MNIST's test split: 2,000) and a legend mark for each of ten classes.
        var svg = File.ReadAllText(dir.File("latent-scatter.svg"));
        Assert.Equal(2000 + 10, System.Text.RegularExpressions.Regex.Matches(svg, "<circle").Count);
        var row = File.ReadAllLines(dir.File("results.md")).Single(l => l.StartsWith("| mnist |"));
        Cells(row).Skip(2).ToList().ForEach(c => AssertNumber(c, row));

        // A larger budget continues the finished run from its checkpoint: only the new epoch trains.
        r = CliRunner.Run(new[] { "reproduce", "wae-2d", "--epochs", "2", "--max-train", "256", "--fid-images", "100", "--out", dir.Path, "--resume" }, timeoutSeconds: 600);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("resuming mnist-wae from " + dir.File(Path.Combine("checkpoints", "mnist-wae.ckpt")), r.Stdout);
        Assert.Contains("epoch 2/2", r.Stdout);
        Assert.DoesNotContain("epoch 1/2", r.Stdout);
    }

    // On CIFAR-10 batches (the experiment's own data, here files in its layout), two of its classes.
    [Fact]
    public void VaeGans_OnCifarClasses_ReportsTheUNetInBothSkipModes()
    {
        using var dir = new TempDir();
        var cifar = dir.File("cifar");
        CifarBatchFile.Write(Path.Combine(cifar, "data_batch_1.bin"), 160);
        CifarBatchFile.Write(Path.Combine(cifar, "test_batch.bin"), 520, seed: 1000);
        var table = dir.File("table.md");
        var r = CliRunner.Run(new[] { "reproduce", "vae-gans", "--data", cifar, "--classes", "0,1", "--models", "unet-vaegan", "--epochs", "1",
            "--fid-images", "100", "--latent", "8", "--out", table }, timeoutSeconds: 600);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = File.ReadAllLines(table);
        Assert.Single(lines, l => l.StartsWith("| unet-vaegan (skips: reference images) |"));
        Assert.Single(lines, l => l.StartsWith("| unet-vaegan (skips: statistics) |"));
        // 160 records with labels cycling 0..9: 32 of classes 0 and 1 to train on.
        Assert.Contains($"{cifar} (classes 0,1), 32 training images (--max-train 20000)", File.ReadAllText(table));

        // 104 test images of those classes cannot give 1,000 real images for FID.
        r = CliRunner.Run(new[] { "reproduce", "vae-gans", "--data", cifar, "--classes", "0,1", "--fid-images", "1000" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"--data '{cifar}' has 104 test images in classes 0,1, fewer than --fid-images (1000)", r.Stderr);
    }

    [Fact]
    public void BadOptions_ExitNonZeroWithOneLine()
    {
        var r = CliRunner.Run(new[] { "reproduce", "wae-2d", "--data", "cifar-10" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--data must be mnist or fashion-mnist, got 'cifar-10'", r.Stderr);
        r = CliRunner.Run(new[] { "reproduce", "conv-vae", "--epochs", "0" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--epochs and --mnist-epochs must be at least 1", r.Stderr);
    }
}
