using System.CommandLine;

namespace ML.Generative.Cli;

/// <summary><c>mlgen fid</c>: FID (and KID, IS, precision/recall) between real and generated images.</summary>
internal static partial class FidCommand
{
    internal static Command Create()
    {
        var command = new Command("fid", "FID (and KID, IS, precision/recall) between real and generated images or statistics files");
        command.Subcommands.Add(FidTrainFeaturesCommand.Create());
        AddScoring(command);
        return command;
    }

    /// <summary>Runs a command body; an expected failure becomes one line on stderr and exit code 1, not a stack trace.</summary>
    internal static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or NotSupportedException
                                     or InvalidDataException or UnauthorizedAccessException or FormatException
                                     or Fid.Checkpoints.CheckpointFormatException or System.Runtime.InteropServices.ExternalException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    static partial void AddScoring(Command command);
}
