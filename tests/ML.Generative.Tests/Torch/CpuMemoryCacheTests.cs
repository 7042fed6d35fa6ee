using ML.Generative.Torch;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Tests.Torch;

/// <summary>The reuse of freed CPU tensor memory: blocks come back, values are untouched, the limit is kept.
/// Other tests run beside these in the same process, so counts are checked as lower bounds.</summary>
[Collection("CpuMemoryCache")]
public class CpuMemoryCacheTests
{
    [Fact]
    public void AFreedLargeBlock_IsReusedForTheNextTensorOfThatSize_WithItsOwnValues()
    {
        Assert.True(CpuMemoryCache.LimitBytes > 0, "caching is on by default");
        var size = 1_000_003L;   // 4 MB of float32: above the 256 KB threshold
        using (var first = full(new[] { size }, 1f)) Assert.Equal(size, first.sum().item<float>());
        var (hits, _) = CpuMemoryCache.Counts;
        using var second = arange(size, dtype: ScalarType.Float32);
        Assert.True(CpuMemoryCache.Counts.Hits > hits, "the freed block should have been reused");
        // arange wrote every element: the reused block holds the new values, not the old ones.
        Assert.Equal((double)size * (size - 1) / 2, second.to(ScalarType.Float64).sum().item<double>());
    }

    // Many distinct sizes, each freed before the next: exact-size reuse alone keeps a block of each; the headroom
    // bound keeps idle bytes within (1 + h) x the largest in-use seen.
    [Fact]
    public void TheHeadroom_BoundsIdleBytes_ByTheLargestInUseSeen()
    {
        var (limit, headroom) = (CpuMemoryCache.LimitBytes, CpuMemoryCache.Headroom);
        try
        {
            CpuMemoryCache.Configure(64L << 30);   // the idle-bytes limit must not be what binds
            var size = Math.Clamp(CpuMemoryCache.HighWaterBytes / 10, 8L << 20, 256L << 20) / 4;   // float32 elements
            long Idle(double? h)
            {
                CpuMemoryCache.Headroom = h;
                cpu.empty_cache();
                // 40 sizes summing to about 4x the high-water mark; `empty` maps without touching the pages.
                for (var i = 0; i < 40; i++) empty(new[] { size + i * 16_384L }).Dispose();
                return CpuMemoryCache.IdleBytes;
            }

            var unbounded = Idle(null);
            Assert.True(unbounded >= 40 * size * 4, $"without the bound every size stays cached ({unbounded} idle bytes)");
            var bounded = Idle(0.25);
            Assert.InRange(bounded, 0, 1.25 * CpuMemoryCache.HighWaterBytes);
            Assert.True(bounded < unbounded / 2, $"the bound should release most idle blocks ({bounded} vs {unbounded})");
        }
        finally
        {
            CpuMemoryCache.Headroom = headroom;
            CpuMemoryCache.Configure(limit);
            cpu.empty_cache();
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuMemoryCache.Headroom = -0.5);
    }

    [Fact]
    public void ALimitOfZero_FreesTheIdleBlocks_AndALimitIsKept()
    {
        var limit = CpuMemoryCache.LimitBytes;
        try
        {
            CpuMemoryCache.Configure(0);
            Assert.Equal(0, CpuMemoryCache.IdleBytes);
            using (var t = zeros(1 << 20)) { }
            Assert.Equal(0, CpuMemoryCache.IdleBytes);

            CpuMemoryCache.Configure(6L << 20);   // 6 MB: one 4 MB block fits, a second does not
            using (var a = zeros(1 << 20))
            using (var b = zeros(1 << 20)) { }
            Assert.InRange(CpuMemoryCache.IdleBytes, 0, 6L << 20);
        }
        finally
        {
            CpuMemoryCache.Configure(limit);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuMemoryCache.Configure(-1));
    }
}
