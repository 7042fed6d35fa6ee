using System.Text;
using System.Text.Json;
using ML.Generative.Runtime;

namespace ML.Generative.Tests.Cli;

public class InfoCommandTests
{
    private static (JsonElement info, string stderr) Info(IDictionary<string, string>? env = null)
    {
        var r = CliRunner.Run(new[] { "info", "--json" }, env);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return (JsonDocument.Parse(r.Stdout).RootElement.Clone(), r.Stderr);
    }

    /// <summary>Whether this machine's libstdc++ defines GLIBCXX_3.4.32, read here from the file itself.</summary>
    private static bool SystemLibStdCxxHas3432() =>
        File.ReadAllBytes("/usr/lib/x86_64-linux-gnu/libstdc++.so.6").AsSpan().IndexOf("GLIBCXX_3.4.32\0"u8) >= 0;

    [Fact]
    public void Defaults_ThreadsPerLogicalCore_TunedMalloc_AndTheDebianFixReported()
    {
        var (info, _) = Info();
        Assert.Equal(Environment.ProcessorCount, info.GetProperty("TorchThreads").GetInt32());
        Assert.Equal("0.107.0", info.GetProperty("TorchSharpVersion").GetString());
        Assert.StartsWith("2.10", info.GetProperty("LibTorchVersion").GetString());
        Assert.Contains("(default;", info.GetProperty("Malloc").GetString());
        Assert.StartsWith(SystemLibStdCxxHas3432() ? "not needed" : "applied", info.GetProperty("DebianFix").GetString());
    }

    [Fact]
    public void UserOverrides_AreHonouredAndReported()
    {
        var (info, _) = Info(new Dictionary<string, string> { ["MLGEN_TORCH_THREADS"] = "1", ["MLGEN_MALLOC"] = "off" });
        Assert.Equal(1, info.GetProperty("TorchThreads").GetInt32());
        Assert.StartsWith("off", info.GetProperty("Malloc").GetString());
        var (numbers, _) = Info(new Dictionary<string, string> { ["MLGEN_MALLOC"] = "16777216,1073741824,0" });
        Assert.Equal("mmap threshold 16 MiB, trim threshold 1024 MiB, top pad 0 MiB (MLGEN_MALLOC)", numbers.GetProperty("Malloc").GetString());
    }

    [Fact]
    public void GlibcsOwnVariables_AreLeftInCharge()
    {
        var (info, _) = Info(new Dictionary<string, string> { ["MALLOC_TRIM_THRESHOLD_"] = "1000000000000" });
        Assert.Contains("MALLOC_*_", info.GetProperty("Malloc").GetString());
    }

    [Fact]
    public void BadMallocSetting_WarnsNamingTheVariable_AndKeepsGlibcsDefaults()
    {
        var (info, stderr) = Info(new Dictionary<string, string> { ["MLGEN_MALLOC"] = "lots" });
        Assert.Contains("MLGEN_MALLOC='lots'", stderr);
        Assert.StartsWith("glibc's defaults", info.GetProperty("Malloc").GetString());
    }

    [Theory]
    [InlineData(null, false, true)]
    [InlineData("", true, false)]
    [InlineData("OFF", false, false)]
    public void Decide_DefaultsOffAndGlibcVariables(string? variable, bool glibcSet, bool expectSettings)
    {
        var (settings, _) = GlibcMalloc.Decide(variable, glibcSet);
        Assert.Equal(expectSettings, settings is not null);
        if (expectSettings) Assert.Equal(GlibcMalloc.Default, settings);
    }

    [Theory]
    [InlineData("1,2")]
    [InlineData("a,b,c")]
    [InlineData("-1,0,0")]
    [InlineData("4294967296,0,0")]    // does not fit mallopt's int
    [InlineData("0,4294967296,0")]    // does not fit mallopt's int
    public void Decide_RejectsValuesGlibcCannotTake(string variable) =>
        Assert.ThrowsAny<ArgumentException>(() => GlibcMalloc.Decide(variable, false));
}
