using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ML.Generative.Data;

namespace ML.Generative.Tests.Cli;

/// <summary><c>mlgen train</c> as a user runs it: each kind of --data, --set, --json, --report, Ctrl+C and --resume, and its errors.</summary>
public class TrainCommandTests
{
    private static readonly string FashionTest = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";

    [Fact]
    public void Vae_WritesTheZipReportAndCheckpoint_WithSetOptionsSavedInTheZip()
    {
        using var dir = new TempDir();
        var zip = dir.File("vae.zip");
        var r = CliRunner.Run(new[] { "train", "vae", "--data", "fashion-mnist", "--max-train", "256", "--epochs", "2", "--batch-size", "64",
            "--latent", "8", "--out", zip, "--report", dir.File("report.html"), "--set", "beta=3", "--set", "optimizer.learningRate=0.002" });
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("1x28x28", r.Stdout);
        Assert.Contains($"model: {zip}", r.Stdout);
        Assert.True(File.Exists(zip + ".checkpoint"));
        var html = File.ReadAllText(dir.File("report.html"));
        Assert.Contains("<svg", html);
        Assert.Equal(4 + 1, html.Split("data:image/png;base64,").Length); // a sample grid per epoch, samples, reconstructions
        Assert.Contains("after epoch 2", html);

        var inspect = CliRunner.Run(new[] { "inspect", zip, "--json" });
        Assert.True(inspect.ExitCode == 0, inspect.Stderr);
        var vae = JsonNode.Parse(inspect.Stdout)!["stages"]!.AsArray().Single(s => s!["kind"]!.ToString() == "mlgen.vae")!["options"]!;
        Assert.Equal(3.0, vae["beta"]!.GetValue<double>());
        Assert.Equal(0.002, vae["optimizer"]!["learningRate"]!.GetValue<double>());
        Assert.Equal(8, vae["latentSize"]!.GetValue<int>());
        Assert.Null(vae["checkpointPath"]);   // the run's checkpoint location is not part of the model
    }

    [Fact]
    public void Data_IdxFile_FolderOfPngs_AndCifarBatches_EachTrain()
    {
        using var dir = new TempDir();
        // A folder of PNGs in two class folders, written from Fashion-MNIST test images.
        var ctx = new GenerativeContext();
        var images = ctx.Data.LoadIdx(FashionTest);
        ctx.Data.SaveImages(ctx.Data.TakeRows(images, 24), "Image", Path.Combine(dir.Path, "pngs", "a"));
        ctx.Data.SaveImages(ctx.Data.SkipRows(ctx.Data.TakeRows(images, 48), 24), "Image", Path.Combine(dir.Path, "pngs", "b"));
        CifarBatchFile.Write(Path.Combine(dir.Path, "cifar", "data_batch_1.bin"), 40);

        foreach (var (data, extra, shape) in new[]
        {
            (FashionTest, Array.Empty<string>(), "1x28x28"),
            (Path.Combine(dir.Path, "pngs"), Array.Empty<string>(), "3x32x32"),  // a folder: colour and 32x32 unless told
            (Path.Combine(dir.Path, "pngs"), new[] { "--channels", "1", "--image-size", "28" }, "1x28x28"),
            (Path.Combine(dir.Path, "cifar"), new[] { "--classes", "0,1,2,3,4" }, "3x32x32"),
        })
        {
            var r = CliRunner.Run(new[] { "train", "ae", "--data", data, "--max-train", "40", "--epochs", "1", "--batch-size", "16", "--latent", "4",
                "--validation", "0", "--out", dir.File("m.zip"), "--quiet" }.Concat(extra));
            Assert.True(r.ExitCode == 0, $"{data}: {r.Stderr}");
            Assert.Contains("trained ae: 1 epochs", r.Stdout);
            var inspect = CliRunner.Run(new[] { "inspect", dir.File("m.zip") });
            Assert.Contains("Pixels (vector Single [" + shape.Replace("x", ", ") + "])", inspect.Stdout);
        }
    }

    [Fact]
    public void Json_EveryLineIsAnObject_AndTheLastSaysDone()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run(new[] { "train", "wae-mmd", "--data", "fashion-mnist", "--max-train", "200", "--epochs", "2", "--batch-size", "20",
            "--latent", "4", "--out", dir.File("w.zip"), "--json" });
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(2, lines.Count(l => l["event"]!.ToString() == "epoch"));
        Assert.Contains(lines, l => l["event"]!.ToString() == "step");
        var done = lines[^1];
        Assert.Equal("done", done["event"]!.ToString());
        Assert.Equal(dir.File("w.zip"), done["model"]!.ToString());
        Assert.True(double.IsFinite(done["validation"]!["loss"]!.GetValue<double>()));
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [Fact]
    public void CtrlC_StopsWithExitCode130_KeepsTheCheckpoint_AndResumeFinishes()
    {
        using var dir = new TempDir();
        var zip = dir.File("ae.zip");
        var args = new[] { "train", "ae", "--data", "fashion-mnist", "--max-train", "600", "--epochs", "12", "--batch-size", "64", "--latent", "4", "--out", zip };
        // A process inherits an ignored SIGINT (as from a test host or a background job) and .NET then keeps ignoring
        // it; env restores the default, as in an interactive shell.
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--default-signal=INT", "dotnet", CliRunner.MlgenDll }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(zip + ".checkpoint") && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(100);
        if (process.HasExited) Assert.Fail("training ended before it could be interrupted: " + stderr.Result);
        Assert.Equal(0, kill(process.Id, 2)); // SIGINT, as Ctrl+C sends
        Assert.True(process.WaitForExit(120_000));
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}\n{stdout.Result}\n{stderr.Result}");
        Assert.Contains("--resume", stderr.Result);
        Assert.True(File.Exists(zip + ".checkpoint"));
        Assert.False(File.Exists(zip));
        var finished = stdout.Result.Split('\n').Count(l => l.TrimStart().StartsWith("epoch ", StringComparison.Ordinal));
        Assert.True(finished < 12, "the run was not interrupted");

        var resumed = CliRunner.Run(args.Concat(new[] { "--resume", "--quiet" }), timeoutSeconds: 600);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("trained ae: 12 epochs", resumed.Stdout);
        Assert.True(File.Exists(zip));
    }

    [Theory]
    [InlineData("unknown model 'vea'", "train", "vea", "--data", "fashion-mnist")]
    [InlineData("--data 'no-such-data' was not found", "train", "vae", "--data", "no-such-data")]
    [InlineData("has no option 'bta'; its options: beta", "train", "vae", "--data", "fashion-mnist", "--set", "bta=3")]
    [InlineData("'abc' is not a valid number", "train", "vae", "--data", "fashion-mnist", "--set", "beta=abc")]
    [InlineData("expected one of BinaryCrossEntropy, MeanSquaredError, L1", "train", "vae", "--data", "fashion-mnist", "--set", "reconstructionLoss=huber")]
    [InlineData("expected key=value", "train", "vae", "--data", "fashion-mnist", "--set", "beta")]
    [InlineData("--channels must be 1 or 3", "train", "vae", "--data", "fashion-mnist", "--channels", "2")]
    [InlineData("the data has gray images", "train", "vae", "--data", "fashion-mnist", "--channels", "3")]
    [InlineData("--out must name a .zip file", "train", "vae", "--data", "fashion-mnist", "--out", "model.bin")]
    [InlineData("there is no checkpoint at", "train", "vae", "--data", "fashion-mnist", "--out", "/tmp/mlgen-never-trained.zip", "--resume")]
    [InlineData("CUDA is not available here", "train", "vae", "--data", "fashion-mnist", "--max-train", "64", "--device", "cuda")]
    [InlineData("unknown device 'gpu'", "train", "vae", "--data", "fashion-mnist", "--device", "gpu")]
    [InlineData("the split after ':' must be train or test", "train", "vae", "--data", "mnist:valid")]
    public void UserErrors_ExitNonZero_WithOneClearLine(string expected, params string[] args)
    {
        if (expected.StartsWith("CUDA", StringComparison.Ordinal) && TorchSharp.torch.cuda.is_available()) return;
        var r = CliRunner.Run(args);
        Assert.NotEqual(0, r.ExitCode);
        var errors = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("[ML.Generative]", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, r.Stderr);
        Assert.StartsWith("mlgen: error: ", errors[0]);
        Assert.Contains(expected, errors[0]);
    }

    [Fact]
    public void Help_ListsEveryModelWithOneLine()
    {
        var r = CliRunner.Run(new[] { "train", "--help" });
        Assert.Equal(0, r.ExitCode);
        foreach (var model in new[] { "ae", "vae", "wae-mmd", "wae-gan", "vaegan", "unet-vaegan" })
            Assert.Matches($@"\n\s+{model}\s+\S.+", r.Stdout);
    }
}

/// <summary>A temporary folder, deleted with everything in it.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("mlgen-cli-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
