using System.Globalization;
using System.Text.Json;
using ML.Generative.Training;
using Spectre.Console;

namespace ML.Generative.Cli;

/// <summary>How a long command shows training progress: a live bar on a terminal, one line per epoch when the
/// output is redirected, nothing with --quiet, or JSON lines (one object per event) with --json.</summary>
internal enum DisplayMode { Live, Lines, Quiet, Json }

internal static class TrainingDisplay
{
    internal static DisplayMode Choose(bool quiet, bool json) =>
        json ? DisplayMode.Json : quiet ? DisplayMode.Quiet : Console.IsOutputRedirected ? DisplayMode.Lines : DisplayMode.Live;

    /// <summary>Runs <paramref name="work"/> with a progress sink matching <paramref name="mode"/>.</summary>
    internal static T Run<T>(DisplayMode mode, string title, Func<IProgress<TrainingProgress>?, T> work)
    {
        switch (mode)
        {
            case DisplayMode.Live:
                return AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                             new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask(Markup.Escape(title), maxValue: 1);
                        return work(new Sink(p =>
                        {
                            task.MaxValue = Math.Max(1, p.TotalSteps);
                            task.Value = p.Step;
                            task.Description = Markup.Escape(Describe(p));
                            if (p.EndOfEpoch) AnsiConsole.MarkupLine(Markup.Escape("  " + EpochLine(p)));
                        }));
                    });
            case DisplayMode.Lines:
                Console.WriteLine(title);
                return work(new Sink(p => { if (p.EndOfEpoch) Console.WriteLine("  " + EpochLine(p)); }));
            case DisplayMode.Json:
                return work(new Sink(p =>
                {
                    if (p.EndOfEpoch || p.Step % 10 == 0) Console.WriteLine(JsonLine(p));
                }));
            default:
                return work(null);
        }
    }

    internal static string Describe(TrainingProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {p.Epoch + 1}/{p.Epochs} step {p.Step}/{p.TotalSteps}  {Losses(p.Losses)}  {p.ImagesPerSecond:F0} img/s");

    internal static string EpochLine(TrainingProgress p)
    {
        var validation = p.ValidationLosses is { } v ? $", validation {Losses(v)}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {p.Epoch + 1}/{p.Epochs}: {Losses(p.Losses)}{validation} ({p.ImagesPerSecond:F0} images/s, {p.Elapsed.TotalSeconds:F0} s)");
    }

    private static string Losses(IReadOnlyDictionary<string, double> losses) =>
        string.Join(" ", losses.Where(kv => !kv.Key.EndsWith("_per_pixel", StringComparison.Ordinal))
            .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:G5}")));

    private static string JsonLine(TrainingProgress p) => JsonSerializer.Serialize(new
    {
        @event = p.EndOfEpoch ? "epoch" : "step", epoch = p.Epoch + 1, epochs = p.Epochs, step = p.Step, total_steps = p.TotalSteps,
        losses = p.Losses, validation = p.ValidationLosses, images_per_second = p.ImagesPerSecond,
        elapsed_s = p.Elapsed.TotalSeconds, remaining_s = p.Remaining.TotalSeconds,
    });

    private sealed class Sink(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
