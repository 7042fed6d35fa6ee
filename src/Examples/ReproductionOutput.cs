using System.Text;
using ML.Generative.Models;

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

    /// <summary>The option that every reproduction (and <c>compare</c>) takes to continue an interrupted run.</summary>
    public static System.CommandLine.Option<bool> ResumeOption() => new("--resume")
    {
        Description = "continue from the checkpoints an earlier, interrupted run of the same command left in the output folder (models it finished are not retrained; a larger --epochs extends them)",
    };

    /// <summary><paramref name="options"/> writing a checkpoint of the model <paramref name="key"/> after every epoch
    /// into <c>checkpoints/</c> of the folder, and, with <paramref name="resume"/>, continuing from the one an
    /// earlier run left (a model that run finished trains no further epochs).</summary>
    public AutoencoderOptions Checkpointed(AutoencoderOptions options, string key, bool resume) => Checkpointed(options, folder, key, resume);

    /// <summary>The same for a command whose outputs go to <paramref name="folder"/>.</summary>
    public static AutoencoderOptions Checkpointed(AutoencoderOptions options, string folder, string key, bool resume)
    {
        var path = Path.Combine(Path.GetFullPath(folder), "checkpoints", key + ".ckpt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var resuming = resume && System.IO.File.Exists(path);
        Console.WriteLine(resuming ? $"  resuming {key} from {path}" : $"  checkpoint of {key} after every epoch: {path}");
        return options with { CheckpointPath = path, Resume = resuming };
    }

    /// <summary>The full path of <paramref name="name"/> in the folder; with <paramref name="what"/>, listed at the end.</summary>
    public string File(string name, string? what = null)
    {
        var path = Path.Combine(folder, name);
        if (what is not null && !written.Any(w => w.Path == path)) written.Add((what, path));
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
