using ML.Generative.Torch.Native;

namespace ML.Generative.Torch;

/// <summary>
/// Reuse of freed CPU tensor memory. libtorch's default allocator returns large blocks to the system on free, and
/// the next tensor of that size faults every page in again (zeroed by the kernel): on this project's VMs that was
/// about two thirds of an Inception forward pass (benchmarks/README.md). The library therefore keeps freed blocks of
/// 128 KiB and more for reuse (by exact size, rounded to 64 KiB), up to <see cref="LimitBytes"/> idle bytes — by default the smaller of 2 GiB and an
/// eighth of the memory available; <c>MLGEN_CPU_CACHE_MB</c> sets the limit (0 turns caching off). Set when the
/// first tensor is created; <see cref="Configure"/> changes it at any time. Tensor values are unaffected.
/// A second bound keeps the footprint near what tensors need: idle blocks are released (largest first) before a
/// new block would take in-use plus idle bytes above (1 + <see cref="Headroom"/>) times the largest in-use seen.
/// Exact-size reuse otherwise keeps a block of every size a network frees — 2.6 GB for FID's Inception at batch 50,
/// whose tensors peak at 0.86 GB.
/// </summary>
public static class CpuMemoryCache
{
    /// <summary>The default limit of idle cached bytes.</summary>
    public static long DefaultLimitBytes => Math.Min(2L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <summary>Keeps at most <paramref name="limitBytes"/> of freed CPU tensor memory for reuse; 0 frees the idle
    /// blocks and stops caching.</summary>
    public static void Configure(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limitBytes);
        RuntimeInfo.InitializeOnce();   // the one-time setup applies the default first, never after this
        Errors.Check(AllocatorNative.mlg_cpu_cache_configure(limitBytes));
    }

    /// <summary>How far idle cached blocks may take the footprint above the largest in-use seen, as a fraction of
    /// it: 0.3 by default (training steps need 1.16–1.22x their in-use peak to reuse every block, so they keep every
    /// hit; Inception's RSS stays within PyTorch's; benchmarks/README.md), or <c>MLGEN_CPU_CACHE_HEADROOM</c>; null:
    /// no such bound (only the limit of idle bytes). A larger value trades memory for fewer fresh pages (FID runs
    /// ~35% faster unbounded).</summary>
    public static double? Headroom
    {
        get
        {
            RuntimeInfo.InitializeOnce();
            var h = AllocatorNative.mlg_cpu_cache_headroom();
            return h < 0 ? null : h;
        }
        set
        {
            if (value is < 0 || (value is { } v && !double.IsFinite(v)))
                throw new ArgumentOutOfRangeException(nameof(value), value, "the headroom must be a finite fraction >= 0, or null for no bound");
            RuntimeInfo.InitializeOnce();
            AllocatorNative.mlg_cpu_cache_set_headroom(value ?? -1);
        }
    }

    /// <summary>The largest in-use bytes seen after a block was mapped: the base of the <see cref="Headroom"/>
    /// bound.</summary>
    internal static long HighWaterBytes
    {
        get
        {
            RuntimeInfo.InitializeOnce();
            return AllocatorNative.mlg_cpu_cache_high_water();
        }
    }

    /// <summary>Idle bytes now cached.</summary>
    public static long IdleBytes => Stats()[0];

    /// <summary>The limit of idle bytes (0: not caching).</summary>
    public static long LimitBytes => Stats()[1];

    /// <summary>Allocations served from the cache, and allocations that had to ask the system, since the start.</summary>
    public static (long Hits, long Misses) Counts
    {
        get
        {
            var s = Stats();
            return (s[2], s[3]);
        }
    }

    private static unsafe long[] Stats()
    {
        RuntimeInfo.InitializeOnce();
        var s = new long[4];
        fixed (long* p = s) AllocatorNative.mlg_cpu_cache_stats(p);
        return s;
    }

    /// <summary>The limit from <c>MLGEN_CPU_CACHE_MB</c>, or the default; called once by the library's setup.</summary>
    internal static void ApplyDefault()
    {
        var requested = Environment.GetEnvironmentVariable("MLGEN_CPU_CACHE_MB");
        var limit = long.TryParse(requested, out var mb) && mb >= 0 ? mb << 20 : DefaultLimitBytes;
        Errors.Check(AllocatorNative.mlg_cpu_cache_configure(limit));
    }
}
