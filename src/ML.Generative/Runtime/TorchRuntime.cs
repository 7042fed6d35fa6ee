using ML.Generative.Build;
using TorchSharp;

namespace ML.Generative.Runtime;

/// <summary>
/// The process-wide torch settings the library makes once, before its first tensor work: libtorch's intra-op
/// threads = logical cores (libtorch counts physical cores only, which leaves half of an SMT machine idle; here
/// 2 threads ran a VAE step 1.5x faster than 1) unless <c>MLGEN_TORCH_THREADS</c> or <c>OMP_NUM_THREADS</c> says
/// otherwise; then one line to standard error describing the runtime, unless <c>MLGEN_QUIET</c> is set.
/// The allocator is set earlier still, when the assembly loads (<see cref="GlibcMalloc"/>).
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<RuntimeInfo> Initialized = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Applies the settings (once) and returns what the runtime is.</summary>
    public static RuntimeInfo EnsureInitialized() => Initialized.Value;

    private static RuntimeInfo Initialize()
    {
        var requested = Environment.GetEnvironmentVariable("MLGEN_TORCH_THREADS");
        if (int.TryParse(requested, out var n) && n > 0) torch.set_num_threads(n);
        else if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_NUM_THREADS")))
            torch.set_num_threads(Environment.ProcessorCount);
        var info = RuntimeInfo.Read();
        if (Environment.GetEnvironmentVariable("MLGEN_QUIET") is not { Length: > 0 })
            Console.Error.WriteLine($"[ML.Generative] {info.Summary}");
        return info;
    }
}

/// <summary>What the library runs on, for <c>mlgen info</c> and the one-time log line.</summary>
public sealed record RuntimeInfo(
    string LibraryVersion,
    string TorchSharpVersion,
    string LibTorchVersion,
    bool CudaAvailable,
    int CudaDevices,
    int TorchThreads,
    int InteropThreads,
    string Malloc)
{
    /// <summary>Whether the build patched TorchSharp's native library next to this application. Read from the
    /// files when asked (mlgen info), not at every start: it reads two multi-megabyte libraries.</summary>
    public string DebianFix => DescribeFix(AppContext.BaseDirectory);

    /// <summary>Reads the current state (loads TorchSharp's native library if it is not loaded yet).</summary>
    public static RuntimeInfo Read() => new(
        typeof(RuntimeInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "?",
        torch.__version__,
        torch.cuda.is_available(),
        torch.cuda.is_available() ? torch.cuda.device_count() : 0,
        torch.get_num_threads(),
        torch.get_num_interop_threads(),
        GlibcMalloc.Description);

    /// <summary>One line: versions, threads, allocator.</summary>
    public string Summary =>
        $"TorchSharp {TorchSharpVersion}, libtorch {LibTorchVersion}, {TorchThreads} torch thread(s), malloc: {Malloc}";

    /// <summary>Whether the build patched TorchSharp's native library in <paramref name="folder"/> for an older libstdc++.</summary>
    public static string DescribeFix(string folder)
    {
        try
        {
            var hasVersion = LibStdCxxFix.SystemHasMissingVersion();
            return LibStdCxxFix.Inspect(folder) switch
            {
                LibStdCxxFixState.Patched => $"applied ({LibStdCxxFix.LibraryName} loads without {LibStdCxxFix.MissingVersion})",
                LibStdCxxFixState.Unpatched when hasVersion == true => $"not needed (this libstdc++ has {LibStdCxxFix.MissingVersion})",
                LibStdCxxFixState.Unpatched => $"not applied ({LibStdCxxFix.LibraryName} still requires {LibStdCxxFix.MissingVersion})",
                LibStdCxxFixState.NotNeeded => "not needed (the library does not require it)",
                _ => $"{LibStdCxxFix.LibraryName} not found next to the application",
            };
        }
        catch (InvalidDataException e)
        {
            return $"unknown: {e.Message}";
        }
    }
}
