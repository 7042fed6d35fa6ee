using System.Globalization;
using ML.Generative.Training;

namespace ML.Generative.Cli;

/// <summary>One line per epoch, for long non-interactive runs (the train command's live progress bar is for terminals).</summary>
internal sealed class EpochPrinter : IProgress<TrainingProgress>
{
    private readonly string prefix;

    public EpochPrinter(string prefix = "  ") => this.prefix = prefix;

    public void Report(TrainingProgress p)
    {
        if (!p.EndOfEpoch) return;
        var validation = p.ValidationLosses is { } v ? string.Create(CultureInfo.InvariantCulture, $", validation {v["loss"]:F2}") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{prefix}epoch {p.Epoch + 1}/{p.Epochs}: loss {p.Losses["loss"]:F2}{validation}  ({p.ImagesPerSecond:F0} images/s, {p.Elapsed.TotalSeconds:F0} s)"));
    }
}
