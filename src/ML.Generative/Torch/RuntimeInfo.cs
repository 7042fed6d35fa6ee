using ML.Generative.Torch.Native;
using static ML.Generative.Torch.Native.RuntimeNative;

namespace ML.Generative.Torch;

/// <summary>What the library runs on: versions, device, threads and the BLAS in use (for <c>mlgen info</c>
/// and the one-time log line).</summary>
public sealed record RuntimeInfo(
    string LibraryVersion,
    string TorchVersion,
    bool CudaAvailable,
    int CudaDevices,
    int TorchThreads,
    int InteropThreads,
    string BlasLibrary,
    BlasKind Blas,
    string OpenBlasConfig,
    int OpenBlasThreads,
    string? RequestedCoreType,
    string BlasSource,
    bool MkldnnAvailable,
    bool CachingAllocator = false)
{
    private static RuntimeInfo? logged;
    private static readonly object Gate = new();

    /// <summary>Reads the current state (loading the native library if needed).</summary>
    public static RuntimeInfo Current()
    {
        InitializeOnce();
        return Read();
    }

    private static unsafe RuntimeInfo Read()
    {
        var blasPath = ReadString(mlg_blas_library);
        var config = ReadString((b, l) => { int ignored; return mlg_openblas_info(b, l, &ignored); });
        int threads;
        mlg_openblas_info(null, 0, &threads);
        return new RuntimeInfo(
            typeof(RuntimeInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            torch.__version__,
            torch.cuda.is_available(),
            torch.cuda.device_count(),
            torch.get_num_threads(),
            torch.get_num_interop_threads(),
            blasPath,
            Classify(blasPath, config),
            config,
            threads,
            BlasSetup.CoreType,
            BlasSetup.Source,
            torch.backends.mkldnn.is_available(),
            torch.cpu.caching_allocator_enabled);
    }

    internal static BlasKind Classify(string blasPath, string openBlasConfig) =>
        blasPath.Contains("openblas", StringComparison.OrdinalIgnoreCase) ? BlasKind.OpenBlas
        : blasPath.Contains("/blas/libblas", StringComparison.Ordinal) ? BlasKind.Reference
        : blasPath.Length == 0 && openBlasConfig.Length > 0 ? BlasKind.OpenBlas
        : blasPath.Length == 0 ? BlasKind.Unknown
        : BlasKind.Other;

    /// <summary>The warning for a slow BLAS, or null when the BLAS is fine.</summary>
    public string? BlasWarning => Blas == BlasKind.Reference
        ? $"libtorch is running on Debian's reference BLAS ({BlasLibrary}), about 4x slower for training. " +
          "Install OpenBLAS: apt-get install libopenblas0-pthread (scripts/setup.sh does this)."
        : null;

    /// <summary>One line describing the BLAS choice.</summary>
    public string BlasSummary =>
        $"BLAS: {Blas} ({(OpenBlasConfig.Length > 0 ? OpenBlasConfig : BlasLibrary)}), {OpenBlasThreads} BLAS thread(s), " +
        $"kernels requested: {RequestedCoreType ?? "OpenBLAS's own choice"} ({BlasSource}); torch threads: {TorchThreads}";

    /// <summary>
    /// Runs once, when the first tensor is created: sets libtorch's intra-op threads to the machine's logical
    /// cores (libtorch counts only physical cores, which leaves half of an SMT machine idle; measured here with
    /// OpenBLAS at one thread, 2 threads ran a VAE step 1.5x faster than 1) unless <c>MLGEN_TORCH_THREADS</c> or
    /// <c>OMP_NUM_THREADS</c> says otherwise; turns on the reuse of freed tensor memory (<see cref="CpuMemoryCache"/>);
    /// then writes the BLAS choice (and any warning) to standard error,
    /// unless <c>MLGEN_QUIET</c> is set.
    /// </summary>
    internal static void InitializeOnce()
    {
        lock (Gate)
        {
            if (logged != null) return;
            var requested = Environment.GetEnvironmentVariable("MLGEN_TORCH_THREADS");
            if (int.TryParse(requested, out var n) && n > 0) torch.set_num_threads(n);
            else if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_NUM_THREADS")))
                torch.set_num_threads(Environment.ProcessorCount);
            CpuMemoryCache.ApplyDefault();
            logged = Read();
        }
        if (logged.BlasWarning is { } warning) Console.Error.WriteLine($"[ML.Generative] warning: {warning}");
        if (Environment.GetEnvironmentVariable("MLGEN_QUIET") is not { Length: > 0 })
            Console.Error.WriteLine($"[ML.Generative] {logged.BlasSummary}");
    }
}

public enum BlasKind
{
    Unknown,
    OpenBlas,
    Reference,
    Other,
}
