namespace ML.Generative.Tests.Cli;

public class AnomalyCommandTests
{
    [Fact]
    public void UnknownModel_ExitsNonZeroWithOneLine()
    {
        var r = CliRunner.Run(new[] { "anomaly", "--model", "gan", "--epochs", "1" });
        Assert.NotEqual(0, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("unknown model 'gan'", lines[0]);
    }

    [Fact]
    public void UnknownScore_ExitsNonZeroNamingTheChoices()
    {
        var r = CliRunner.Run(new[] { "anomaly", "--score", "psnr", "--epochs", "1" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--score must be auto, mse, bce, l1, ssim, latent, combined; got 'psnr'", r.Stderr);
    }

    [Fact]
    public void MissingDataSet_SaysWhereItLooked()
    {
        var r = CliRunner.Run(new[] { "anomaly", "--data", "cifar-100", "--epochs", "1" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("cifar-100", r.Stderr);
    }

    [Fact]
    public void OneClass_OnAShortRun_PrintsClassLinesAndTheMeanLast()
    {
        var r = CliRunner.Run(new[] { "anomaly", "--data", "fashion-mnist", "--model", "ae", "--epochs", "3", "--latent", "16", "--classes", "1", "--max-train", "600", "--batch-size", "32" }, timeoutSeconds: 600);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("class 1: AUROC ", lines[0]);
        Assert.Matches(@"score (mse|bce|l1|ssim|latent|combined) \(validation AUROC \d\.\d{3}\)", lines[0]);
        Assert.StartsWith("mean test AUROC of each score (diagnostic", lines[^2]);
        Assert.Matches(@"^mean AUROC: (0|1)\.\d{4}$", lines[^1]);
        var mean = double.Parse(lines[^1]["mean AUROC: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(mean > 0.75, $"trousers against the other garments should separate well; got {mean}");
    }
}
