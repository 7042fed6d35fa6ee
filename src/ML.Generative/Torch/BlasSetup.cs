using System.Runtime.InteropServices;

namespace ML.Generative.Torch;

/// <summary>
/// Chooses OpenBLAS's kernels and thread count for this machine before libtorch (and with it OpenBLAS)
/// is loaded, because OpenBLAS reads <c>OPENBLAS_CORETYPE</c> and <c>OPENBLAS_NUM_THREADS</c> only once,
/// when it loads. The values are set with libc's <c>setenv</c>: <see cref="Environment.SetEnvironmentVariable(string, string?)"/>
/// only changes .NET's own copy of the environment on Linux, which native code never sees.
/// </summary>
/// <remarks>
/// Defaults: one OpenBLAS thread (its threads otherwise spin against libtorch's OpenMP threads on the same
/// cores), and the kernels that match the CPU (SkylakeX where AVX-512 is present: about 1.7x the float32
/// matrix-multiply rate of the Haswell/AVX2 kernels that some environments pin). Users force their own
/// choice with <c>MLGEN_BLAS_CORETYPE</c> / <c>MLGEN_BLAS_THREADS</c>, or with <see cref="Configure"/>
/// before the first tensor is made.
/// </remarks>
public static class BlasSetup
{
    private static readonly object Gate = new();
    private static string? requestedCoreType;
    private static int? requestedThreads;

    /// <summary>True once the native library has been loaded and the settings can no longer change.</summary>
    public static bool Applied { get; private set; }

    /// <summary>The OpenBLAS kernel family chosen (e.g. <c>SkylakeX</c>), or null when left to OpenBLAS.</summary>
    public static string? CoreType { get; private set; }

    /// <summary>The OpenBLAS thread count chosen.</summary>
    public static int Threads { get; private set; }

    /// <summary>Where the choice came from: <c>default</c>, <c>MLGEN_BLAS_*</c> or <c>Configure</c>.</summary>
    public static string Source { get; private set; } = "default";

    /// <summary>Overrides the defaults; must be called before the first call into libtorch.</summary>
    public static void Configure(string? coreType = null, int? threads = null)
    {
        if (threads is <= 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "BLAS threads must be at least 1");
        lock (Gate)
        {
            if (Applied)
                throw new InvalidOperationException(
                    "BlasSetup.Configure must be called before the first tensor is created: OpenBLAS reads its settings once, when it loads.");
            requestedCoreType = coreType;
            requestedThreads = threads;
        }
    }

    /// <summary>Sets the environment for OpenBLAS; called once, just before the native library loads.</summary>
    internal static void Apply()
    {
        lock (Gate)
        {
            if (Applied) return;
            var envCore = Environment.GetEnvironmentVariable("MLGEN_BLAS_CORETYPE");
            var envThreads = Environment.GetEnvironmentVariable("MLGEN_BLAS_THREADS");
            CoreType = requestedCoreType ?? NonEmpty(envCore) ?? CoreTypeForCpu();
            Threads = requestedThreads ?? ParseThreads(envThreads) ?? 1;
            Source = requestedCoreType != null || requestedThreads != null ? "BlasSetup.Configure"
                : NonEmpty(envCore) != null || NonEmpty(envThreads) != null ? "MLGEN_BLAS_* environment"
                : "default";
            if (CoreType != null) SetNativeEnvironment("OPENBLAS_CORETYPE", CoreType);
            SetNativeEnvironment("OPENBLAS_NUM_THREADS", Threads.ToString());
            Applied = true;
        }
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static int? ParseThreads(string? value)
    {
        if (NonEmpty(value) is not { } v) return null;
        if (int.TryParse(v, out var n) && n > 0) return n;
        throw new ArgumentException($"MLGEN_BLAS_THREADS must be a positive integer, got '{value}'");
    }

    /// <summary>OpenBLAS's name for the best kernels this CPU runs, from the flags in /proc/cpuinfo.</summary>
    internal static string? CoreTypeForCpu()
    {
        try
        {
            var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            if (flags == null) return null;
            var set = flags[(flags.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            if (new[] { "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd" }.All(set.Contains)) return "SkylakeX";
            if (set.Contains("avx2") && set.Contains("fma")) return "Haswell";
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    private static void SetNativeEnvironment(string name, string value)
    {
        if (setenv(name, value, 1) != 0) throw new InvalidOperationException($"setenv({name}) failed");
        Environment.SetEnvironmentVariable(name, value);
    }
}
