namespace ML.Generative.Pipeline;

/// <summary>The kinds of this library's own transforms, registered once in <see cref="ModelComponentRegistry"/>.</summary>
internal static class BuiltInComponents
{
    internal static void RegisterAll()
    {
    }
}
