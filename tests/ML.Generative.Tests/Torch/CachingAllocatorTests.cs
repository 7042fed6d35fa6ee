using ML.Generative.Torch;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Tests.Torch;

public class CachingAllocatorTests
{
    private const long Elements = 1 << 20; // 4 MiB of float32: a cached size

    [Fact]
    public void FreedLargeBlock_IsKeptAndReused()
    {
        Assert.True(cpu.caching_allocator_enabled);
        cpu.empty_cache();
        var allocated = cpu.memory_allocated();
        using (var first = zeros(Elements))
            Assert.True(cpu.memory_allocated() >= allocated + Elements * 4);
        var cached = cpu.memory_cached();
        Assert.True(cached >= Elements * 4, $"cached {cached} bytes after freeing a 4 MiB tensor");
        using (var second = zeros(Elements))
            Assert.True(cached - cpu.memory_cached() >= Elements * 4, "the second tensor did not take the cached block");
        cpu.empty_cache();
        Assert.Equal(0, cpu.memory_cached());
    }

    [Fact]
    public void ReusedBlock_HoldsTheNewTensorsValues()
    {
        // The second tensor gets the first one's block back: creation ops must still write every element.
        using (var dirty = full(new[] { Elements }, 7.0f)) { }
        using var z = zeros(Elements);
        Assert.Equal(0.0, z.abs().sum().item<double>());
        using (var dirty = full(new[] { Elements }, 7.0f)) { }
        using var r = arange(0, Elements, 1, ScalarType.Float64);
        // 0 + 1 + ... + (n - 1) = n (n - 1) / 2
        Assert.Equal(Elements * (Elements - 1) / 2.0, r.sum().item<double>());
    }

    [Fact]
    public void SmallTensors_BypassTheCache()
    {
        cpu.empty_cache();
        using (var small = zeros(1000)) { }
        Assert.Equal(0, cpu.memory_cached());
    }
}
