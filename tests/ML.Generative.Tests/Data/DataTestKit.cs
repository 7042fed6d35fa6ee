using System.Diagnostics;
using ML.Generative.Data;

namespace ML.Generative.Tests.Data;

/// <summary>Shared helpers: reading a column, temp folders, running python for independent expected values.</summary>
internal static class DataTestKit
{
    internal const string FashionDir = "/usr/share/datasets/fashion-mnist";

    internal static string MnistDir
    {
        get
        {
            var root = NamedDatasets.RepositoryRoots().First();
            return Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "mnist"));
        }
    }

    internal static List<T> Column<T>(IDataView view, string name, Random? rand = null)
    {
        var col = view.Schema[name];
        using var cursor = view.GetRowCursor(new[] { col }, rand);
        var get = cursor.GetGetter<T>(col);
        var list = new List<T>();
        while (cursor.MoveNext())
        {
            T v = default!;
            get(ref v);
            list.Add(v);
        }
        return list;
    }

    internal static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "mlg-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>Runs python3 with <paramref name="script"/> (argv after it) and returns its stdout.</summary>
    internal static string Python(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"python3 failed: {error}");
        return output.Trim();
    }
}
