using System.Runtime.CompilerServices;
using ML.Generative.Pipeline;

namespace ML.Generative.Fid;

/// <summary>Registers this package's model-zip component kinds when the assembly initialises (the registry also
/// loads this assembly by name when a zip names a <c>mlgen.fid.*</c> kind).</summary>
internal static class FidComponents
{
#pragma warning disable CA2255 // a library module initializer is the point here: kinds must be known before any zip is read
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => ModelComponentRegistry.Register(FidStatisticsTransformer.Kind, FidStatisticsTransformer.Load);
}
