using System.Diagnostics;

namespace ML.Generative.Fid.Tests;

/// <summary>Runs the built <c>mlgen</c> app and the test model runner as processes (a fresh process is the only honest
/// test that a saved model loads elsewhere). Their output folders mirror this project's (same configuration).</summary>
internal static class Processes
{
    public sealed record Result(int Code, string[] Out, string Err)
    {
        /// <summary>Standard error without the library's once-per-process BLAS line.</summary>
        public string[] ErrorLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("[ML.Generative]", StringComparison.Ordinal)).ToArray();
    }

    private static string Sibling(string project) =>
        AppContext.BaseDirectory.Replace(
            $"{Path.DirectorySeparatorChar}tests{Path.DirectorySeparatorChar}ML.Generative.Fid.Tests{Path.DirectorySeparatorChar}bin",
            $"{Path.DirectorySeparatorChar}{project}{Path.DirectorySeparatorChar}bin");

    /// <summary><c>mlgen fid ARGS</c>.</summary>
    public static Result MlgenFid(params string[] args) =>
        Run(Path.Combine(Sibling(Path.Combine("src", "Examples")), "mlgen.dll"), ["fid", .. args]);

    /// <summary>tests/ML.Generative.ModelRunner with ARGS.</summary>
    public static Result ModelRunner(params string[] args) =>
        Run(Path.Combine(Sibling(Path.Combine("tests", "ML.Generative.ModelRunner")), "ML.Generative.ModelRunner.dll"), args);

    private static Result Run(string dll, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        return new Result(p.ExitCode, lines, stderr);
    }
}
