using System.IO.Compression;
using ML.Generative.Fid.Checkpoints;
using Xunit.Abstractions;

namespace ML.Generative.Fid.Tests.Checkpoints;

/// <summary>
/// Bounded mutation fuzzing of real checkpoints (fixed seed): every outcome must be a state dict or a
/// <see cref="CheckpointFormatException"/> — never another exception, a hang or a huge allocation.
/// </summary>
public class CheckpointFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 4000;

    // Small limits: a mutation may legitimately describe a large view; it must be refused, not allocated.
    private static readonly CheckpointReadOptions Limits = new()
    {
        MaxFileBytes = 1 << 20, MaxPickleBytes = 1 << 20, MaxTensorBytes = 1 << 20, MaxTotalTensorBytes = 4 << 20,
    };

    [Theory]
    [MemberData(nameof(CheckpointReference.Files), MemberType = typeof(CheckpointReference))]
    public void MutatedCheckpoints_LoadOrFailCleanly(string file, string _)
    {
        var original = CheckpointReference.Bytes(file);
        var rng = new Random(20240316 + file.Length);
        int loaded = 0, refused = 0;
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var mutated = Mutator.Mutate(original, rng);
            try
            {
                TorchCheckpoint.Load(new MemoryStream(mutated), Limits, "fuzz");
                loaded++;
            }
            catch (CheckpointFormatException)
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{file} iteration {iteration}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        output.WriteLine($"{file}: {loaded} loaded, {refused} refused");
        Assert.True(refused > 0);
    }

    /// <summary>Mutates only data.pkl and repacks a valid zip, so the mutations reach the unpickler.</summary>
    [Theory]
    [InlineData("tiny_zip.pth")]
    [InlineData("shared_zip.pth")]
    public void MutatedDataPickles_LoadOrFailCleanly(string file)
    {
        var entries = new List<(string Name, byte[] Data)>();
        using (var zip = new ZipArchive(new MemoryStream(CheckpointReference.Bytes(file))))
            foreach (var e in zip.Entries)
            {
                using var s = e.Open();
                var ms = new MemoryStream();
                s.CopyTo(ms);
                entries.Add((e.FullName, ms.ToArray()));
            }
        int pickleIndex = entries.FindIndex(e => e.Name.EndsWith("/data.pkl"));
        var rng = new Random(7 + file.Length);
        int loaded = 0, refused = 0;
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var mutated = entries.ToList();
            mutated[pickleIndex] = (mutated[pickleIndex].Name, Mutator.Mutate(entries[pickleIndex].Data, rng));
            try
            {
                TorchCheckpoint.Load(new MemoryStream(Repack(mutated)), Limits, "fuzz");
                loaded++;
            }
            catch (CheckpointFormatException)
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{file} iteration {iteration}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        output.WriteLine($"{file} data.pkl: {loaded} loaded, {refused} refused");
        Assert.True(refused > 0);
    }

    private static byte[] Repack(List<(string Name, byte[] Data)> entries)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                s.Write(data);
            }
        return ms.ToArray();
    }
}
