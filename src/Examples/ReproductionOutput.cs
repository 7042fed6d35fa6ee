using System.Text;

namespace ML.Generative.Cli;

/// <summary>The output folder of a reproduction: the files it writes (listed at the end), its HTML report and its
/// results table as Markdown (<c>results.md</c>, the README's table).</summary>
internal sealed class ReproductionOutput
{
    private readonly string folder;
    private readonly List<(string What, string Path)> written = new();

    public ReproductionOutput(string folder)
    {
        this.folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(this.folder);
    }

    /// <summary>The full path of <paramref name="name"/> in the folder; with <paramref name="what"/>, listed at the end.</summary>
    public string File(string name, string? what = null)
    {
        var path = Path.Combine(folder, name);
        if (what != null && !written.Any(w => w.Path == path)) written.Add((what, path));
        return path;
    }

    public static string Markdown(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, string footnote)
    {
        var text = new StringBuilder();
        text.AppendLine($"| {string.Join(" | ", header)} |");
        text.AppendLine($"|{string.Concat(header.Select(_ => "---|"))}");
        foreach (var row in rows) text.AppendLine($"| {string.Join(" | ", row)} |");
        text.AppendLine();
        text.AppendLine(footnote);
        return text.ToString();
    }

    /// <summary>Saves the report and the table, prints the table and where every file is.</summary>
    public void Finish(Reporting.TrainingReport report, string markdown)
    {
        report.Save(File("report.html", "HTML report"));
        System.IO.File.WriteAllText(File("results.md", "results table (Markdown)"), markdown);
        Console.WriteLine();
        Console.Write(markdown);
        Console.WriteLine();
        foreach (var (what, path) in written) Console.WriteLine($"{what}: {path}");
    }
}
