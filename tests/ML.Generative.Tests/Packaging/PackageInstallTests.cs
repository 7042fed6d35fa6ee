using System.Diagnostics;
using ML.Generative.Tests.Cli;

namespace ML.Generative.Tests.Packaging;

/// <summary>
/// What README.md's "Packages" section tells a user to do, done here: pack the library (with the native shim),
/// the FID package and the mlgen tool into a local folder; create a new console project, add the packages from
/// that folder, build and run it; install the tool from that folder and run it. Packages restore into a
/// private cache so that the user's cache never holds these test builds.
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
            Assert.Contains(zip.Entries, e => e.FullName == "runtimes/linux-x64/native/libMLGenerativeNative.so");

        // A new project, as the README shows it.
        var app = dir.File("MyApp");
        Assert.Equal(0, Run(dir.Path, "dotnet", env, "new", "console", "-o", app).ExitCode);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="ml-generative" value="{packages}" />
              </packageSources>
            </configuration>
            """);
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

        // The tool, installed from the same folder.
        var tools = dir.File("tools");
        var install = Run(dir.Path, "dotnet", env, "tool", "install", "ML.Generative.Cli", "--version", "0.1.0", "--tool-path", tools, "--add-source", packages);
        Assert.True(install.ExitCode == 0, install.Output);
        var info = Run(dir.Path, Path.Combine(tools, "mlgen"), env, "info");
        Assert.True(info.ExitCode == 0, info.Output);
        Assert.Contains("libtorch", info.Output);
    }
}
