using System.CommandLine;

namespace ML.Generative.Cli;

/// <summary><c>mlgen reproduce &lt;experiment&gt;</c>: the reference experiments, each one command with a default budget of
/// about 20 minutes on 2 cores that finishes with a results table (the README's) and an HTML report.</summary>
internal static class ReproduceCommand
{
    internal static Command Create() =>
        new("reproduce", "the reference experiments, one command each: conv-vae, vae-gans, wae-2d")
        {
            ConvVaeReproduction.Create(),
            CompareCommand.CreateVaeGanReproduction(),
            Wae2dReproduction.Create(),
        };
}
