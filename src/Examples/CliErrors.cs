namespace ML.Generative.Cli;

/// <summary>Turns any failure into one clear line on standard error and a non-zero exit code.</summary>
internal static class CliErrors
{
    internal static int Run(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"mlgen: error: {Innermost(e).Message}");
            return 1;
        }
    }

    // Type initialisers and reflection wrap the error the user needs to see.
    private static Exception Innermost(Exception e)
    {
        while (e is TypeInitializationException or System.Reflection.TargetInvocationException or AggregateException && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }
}
