using static ML.Generative.Torch.Native.AllocatorNative;

namespace ML.Generative.Torch;

public static partial class torch
{
    /// <summary>
    /// CPU memory. The library installs a caching allocator for libtorch's large CPU tensors (128 KiB and up): a freed
    /// buffer is kept and handed to the next request of its size, so a training step reuses last step's pages instead
    /// of mapping fresh ones and faulting every page in again (on the 64x64 WAE step that fault storm cost 6x the
    /// compute). The cache holds at most the smaller of 2 GiB and an eighth of physical memory (<c>MLGEN_CPU_CACHE_MB</c> sets it, 0 turns caching off);
    /// <c>MLGEN_CPU_CACHING_ALLOCATOR=0</c> at start keeps libtorch's own allocator.
    /// </summary>
    public static class cpu
    {
        /// <summary>Whether the caching allocator serves libtorch's CPU tensors in this process.</summary>
        public static bool caching_allocator_enabled => mlg_cpu_allocator_stats(out _, out _, out _, out _) != 0;

        /// <summary>Bytes of freed large blocks kept for reuse.</summary>
        public static long memory_cached()
        {
            mlg_cpu_allocator_stats(out var cached, out _, out _, out _);
            return cached;
        }

        /// <summary>Bytes of large blocks currently held by tensors.</summary>
        public static long memory_allocated()
        {
            mlg_cpu_allocator_stats(out _, out var inUse, out _, out _);
            return inUse;
        }

        /// <summary>The most bytes of large blocks held by tensors at once, since the start or <see cref="reset_peak_memory_stats"/>.</summary>
        public static long max_memory_allocated()
        {
            mlg_cpu_allocator_stats(out _, out _, out var peak, out _);
            return peak;
        }

        /// <summary>The most bytes of large blocks mapped at once (held by tensors plus cached).</summary>
        public static long max_memory_reserved()
        {
            mlg_cpu_allocator_stats(out _, out _, out _, out var peak);
            return peak;
        }

        /// <summary>Starts the peaks over from the current values.</summary>
        public static void reset_peak_memory_stats() => mlg_cpu_reset_peaks();

        /// <summary>Returns every cached free block to the system (as <c>torch.cuda.empty_cache()</c> does on the GPU).</summary>
        public static void empty_cache() => mlg_cpu_empty_cache();
    }
}
