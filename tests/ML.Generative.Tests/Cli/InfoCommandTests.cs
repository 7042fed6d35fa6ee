using System.Text.Json;
using ML.Generative.Torch;

namespace ML.Generative.Tests.Cli;

public class InfoCommandTests
{
    private static JsonElement Info(IDictionary<string, string>? env = null)
    {
        var r = CliRunner.Run(new[] { "info", "--json" }, env);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    /// <summary>The OpenBLAS kernels the CPU supports, read from /proc/cpuinfo here independently of the library.</summary>
    private static string ExpectedCore()
    {
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags")).Split(' ');
        return flags.Contains("avx512f") && flags.Contains("avx512bw") && flags.Contains("avx512vl") && flags.Contains("avx512dq") ? "SkylakeX" : "Haswell";
    }

    [Fact]
    public void Defaults_OneBlasThreadAndTheCpusKernels_LoadedBeforeOpenBlasStarts()
    {
        var info = Info();
        Assert.Equal("OpenBlas", info.GetProperty("Blas").GetString());
        Assert.Equal(1, info.GetProperty("OpenBlasThreads").GetInt32());
        // OpenBLAS reports the kernels it actually loaded: proof the settings reached it before it started.
        Assert.EndsWith("core=" + ExpectedCore(), info.GetProperty("OpenBlasConfig").GetString());
        Assert.Equal("default", info.GetProperty("BlasSource").GetString());
        Assert.Equal(Environment.ProcessorCount, info.GetProperty("TorchThreads").GetInt32());
    }

    [Fact]
    public void UserOverrides_AreHonouredAndReported()
    {
        var info = Info(new Dictionary<string, string> { ["MLGEN_BLAS_CORETYPE"] = "Haswell", ["MLGEN_BLAS_THREADS"] = "2", ["MLGEN_TORCH_THREADS"] = "1" });
        Assert.EndsWith("core=Haswell", info.GetProperty("OpenBlasConfig").GetString());
        Assert.Equal(2, info.GetProperty("OpenBlasThreads").GetInt32());
        Assert.Equal(1, info.GetProperty("TorchThreads").GetInt32());
        Assert.Contains("MLGEN_BLAS", info.GetProperty("BlasSource").GetString());
    }

    [Fact]
    public void BadThreadOverride_FailsWithOneClearLine()
    {
        var r = CliRunner.Run(new[] { "info" }, new Dictionary<string, string> { ["MLGEN_BLAS_THREADS"] = "many" });
        Assert.NotEqual(0, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("MLGEN_BLAS_THREADS", lines[0]);
    }

    [Theory]
    [InlineData("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", "", BlasKind.OpenBlas)]
    [InlineData("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", "", BlasKind.Reference)]
    [InlineData("/opt/intel/mkl/libmkl_rt.so", "", BlasKind.Other)]
    public void BlasClassification_WarnsOnlyForTheReferenceBlas(string path, string config, BlasKind expected)
    {
        Assert.Equal(expected, RuntimeInfo.Classify(path, config));
        var info = new RuntimeInfo("0", "1.13", false, 0, 2, 1, path, expected, config, 1, null, "default", true);
        if (expected == BlasKind.Reference) Assert.Contains("libopenblas0-pthread", info.BlasWarning);
        else Assert.Null(info.BlasWarning);
    }
}
