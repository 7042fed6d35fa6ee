using System.Diagnostics;

namespace ML.Generative.Tests.Cli;

/// <summary>Runs the built <c>mlgen</c> app as a separate process, as a user would.</summary>
internal static class CliRunner
{
    internal sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>The mlgen.dll built for this test run's configuration.</summary>
    internal static string MlgenDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
            var path = Path.Combine(ReadmeExamplesTests.RepositoryRoot(), "src", "Examples", "bin", configuration, "net10.0", "mlgen.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("mlgen.dll was not built", path);
        }
    }

    internal static Result Run(IEnumerable<string> args, IDictionary<string, string>? environment = null, int timeoutSeconds = 300)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(MlgenDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The child decides its own thread and allocator settings: none of the parent's overrides leak in.
        foreach (var name in new[] { "MLGEN_TORCH_THREADS", "MLGEN_MALLOC", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_", "GLIBC_TUNABLES" })
            psi.Environment.Remove(name);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(true);
            throw new TimeoutException($"mlgen {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
