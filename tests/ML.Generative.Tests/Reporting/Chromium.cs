using System.Diagnostics;

namespace ML.Generative.Tests.Reporting;

/// <summary>Runs Debian's headless Chromium (installed by scripts/setup.sh) on local files, with a fresh profile
/// and every background network feature off.</summary>
public static class Chromium
{
    private static readonly string[] Candidates = { "/usr/bin/chromium", "/usr/bin/chromium-browser" };

    /// <summary>The browser executable.</summary>
    /// <exception cref="InvalidOperationException">Chromium is not installed.</exception>
    public static string Executable =>
        Candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("chromium is not installed (looked for " + string.Join(", ", Candidates) +
                                               "); run scripts/setup.sh, which installs Debian's chromium package");

    /// <summary>Loads <paramref name="htmlPath"/> and returns the DOM after scripts ran.</summary>
    public static string DumpDom(string htmlPath, int width, int height) =>
        Run(htmlPath, width, height, "--dump-dom");

    /// <summary>Loads <paramref name="htmlPath"/> in a window of the given size and returns the screenshot PNG.</summary>
    public static byte[] Screenshot(string htmlPath, int width, int height)
    {
        var png = Path.Combine(Path.GetTempPath(), $"mlgen-shot-{Guid.NewGuid():N}.png");
        try
        {
            Run(htmlPath, width, height, "--screenshot=" + png);
            if (!File.Exists(png)) throw new InvalidOperationException("chromium exited without writing " + png);
            return File.ReadAllBytes(png);
        }
        finally
        {
            File.Delete(png);
        }
    }

    private static string Run(string htmlPath, int width, int height, string action)
    {
        var profile = Directory.CreateTempSubdirectory("mlgen-chromium-");
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=" + profile.FullName,
                         $"--window-size={width},{height}", action, new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
                     })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium {action} did not finish in 90 s");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"chromium {action} exited with {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
