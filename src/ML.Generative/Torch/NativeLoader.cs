using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ML.Generative.Torch;

/// <summary>
/// Finds and loads the native shim. The first P/Invoke into it lands here, which is the one moment
/// that is guaranteed to come before libtorch and OpenBLAS load: the BLAS settings are applied first.
/// </summary>
internal static class NativeLoader
{
    internal const string LibraryName = "MLGenerativeNative";
    private const string FileName = "libMLGenerativeNative.so";

    // A library may not assume who calls it first; a module initializer is the only hook that runs before
    // any P/Invoke in this assembly can be resolved.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != LibraryName) return IntPtr.Zero;
        BlasSetup.Apply();
        foreach (var candidate in Candidates(assembly))
            if (File.Exists(candidate)) return NativeLibrary.Load(candidate);
        throw new DllNotFoundException(
            $"{FileName} was not found (looked in: {string.Join(", ", Candidates(assembly))}). " +
            "Build the solution (dotnet build), which compiles the native shim with CMake, after running scripts/setup.sh.");
    }

    private static IEnumerable<string> Candidates(Assembly assembly)
    {
        var dirs = new[] { Path.GetDirectoryName(assembly.Location), AppContext.BaseDirectory }
            .Where(d => !string.IsNullOrEmpty(d)).Distinct();
        foreach (var dir in dirs)
        {
            yield return Path.Combine(dir!, FileName);
            yield return Path.Combine(dir!, "runtimes", "linux-x64", "native", FileName);
        }
    }
}
