using System.Diagnostics;
using ML.Generative.Build;
using ML.Generative.Tests.Cli;

namespace ML.Generative.Tests.Packaging;

/// <summary>
/// What README.md's "Packages" section tells a user to do, done here: pack the library, the FID package and the
/// mlgen tool into a local folder; create a new console project, add the packages from that folder, build and run
/// it — TorchSharp's native library must load on this Debian 12 machine with no step of the app's own, through the
/// fix the ML.Generative package brings in buildTransitive/ — and install the tool from that folder and run it.
/// Packages restore into a private cache so that the user's cache never holds these test builds; TorchSharp,
/// libtorch and the rest come from the user's cache used as a local feed (nothing is downloaded again).
/// </summary>
public class PackageInstallTests
{
    private static (int ExitCode, string Output) Run(string workingDirectory, string file, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(300_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 300 s");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static string UserPackageCache() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set ? set
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    [Fact]
    public void Packages_InstallIntoANewProject_AndTheToolIntoAToolPath()
    {
        using var dir = new TempDir();
        var root = ReadmeExamplesTests.RepositoryRoot();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var packages = dir.File("packages");
        var env = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = dir.File("nuget-cache"), ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["MLGEN_QUIET"] = "1",
        };
        // The projects are already built for this configuration (the test project depends on all three).
        foreach (var project in new[] { "src/ML.Generative", "src/ML.Generative.Fid", "src/Examples" })
        {
            var pack = Run(root, "dotnet", env, "pack", project, "-c", configuration, "--no-build", "-o", packages);
            Assert.True(pack.ExitCode == 0, pack.Output);
        }
        var names = Directory.GetFiles(packages).Select(Path.GetFileName).OrderBy(n => n).ToList();
        Assert.Equal(new[] { "ML.Generative.0.1.0.nupkg", "ML.Generative.Cli.0.1.0.nupkg", "ML.Generative.Fid.0.1.0.nupkg" }, names);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(packages, "ML.Generative.0.1.0.nupkg")))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "buildTransitive/ML.Generative.targets");
            Assert.Contains(zip.Entries, e => e.FullName == "buildTransitive/LibTorchSharpFix.cs");
            Assert.DoesNotContain(zip.Entries, e => e.FullName.EndsWith(".so", StringComparison.Ordinal));
            using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var spec = nuspec.ReadToEnd();
            Assert.Contains("id=\"TorchSharp\" version=\"0.107.0\"", spec);
            Assert.Contains("id=\"libtorch-cpu-linux-x64\" version=\"2.10.0\"", spec);
        }

        // A new project, as the README shows it.
        var app = dir.File("MyApp");
        Assert.Equal(0, Run(dir.Path, "dotnet", env, "new", "console", "-o", app).ExitCode);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="ml-generative" value="{packages}" />
                <add key="user-cache" value="{UserPackageCache()}" />
                <add key="machine" value="/opt/nuget/packages" />
              </packageSources>
            </configuration>
            """);
        // The same sources for the tool install below, which runs in the folder above the app.
        File.Copy(Path.Combine(app, "nuget.config"), Path.Combine(dir.Path, "nuget.config"));
        foreach (var package in new[] { "ML.Generative", "ML.Generative.Fid" })
        {
            var add = Run(app, "dotnet", env, "add", "package", package, "--version", "0.1.0");
            Assert.True(add.ExitCode == 0, add.Output);
        }
        File.Copy(Path.Combine(root, "tests", "PackageConsumer", "Program.cs"), Path.Combine(app, "Program.cs"), overwrite: true);
        var run = Run(app, "dotnet", env, "run");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Matches(@"consumer: trained \d+ steps, reloaded, FID of 256 samples \d+\.\d", run.Output);
        Assert.True(File.Exists(Path.Combine(app, "vae.zip")));
        // The app's copy of TorchSharp's native library was patched where this libstdc++ needs it; the package
        // cache's copy was not touched.
        var output = Path.Combine(app, "bin", "Debug", "net10.0");
        var cached = Path.Combine(env["NUGET_PACKAGES"], "torchsharp", "0.107.0", "runtimes", "linux-x64", "native");
        if (LibStdCxxFix.SystemHasMissingVersion() == false)
        {
            Assert.Equal(LibStdCxxFixState.Patched, LibStdCxxFix.Inspect(output));
            Assert.Equal(LibStdCxxFixState.Unpatched, LibStdCxxFix.Inspect(cached));
        }

        // The tool, installed from the same folder.
        var tools = dir.File("tools");
        var install = Run(dir.Path, "dotnet", env, "tool", "install", "ML.Generative.Cli", "--version", "0.1.0", "--tool-path", tools, "--add-source", packages);
        Assert.True(install.ExitCode == 0, install.Output);
        var info = Run(dir.Path, Path.Combine(tools, "mlgen"), env, "info");
        Assert.True(info.ExitCode == 0, info.Output);
        Assert.Contains("libtorch", info.Output);
        Assert.Contains("TorchSharp", info.Output);
    }
}
