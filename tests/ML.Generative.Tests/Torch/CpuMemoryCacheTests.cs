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
