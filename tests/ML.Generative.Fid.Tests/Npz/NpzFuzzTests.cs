using System.IO.Compression;
using ML.Generative.Fid.Npz;
using Xunit.Abstractions;

namespace ML.Generative.Fid.Tests.Npz;

/// <summary>
/// Bounded mutation fuzzing (fixed seeds): every outcome is a result or an <see cref="NpzFormatException"/>.
/// </summary>
public class NpzFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 3000;
    private static readonly NpzReadOptions Limits = new() { MaxFileBytes = 1 << 20, MaxArrayBytes = 1 << 20 };

    [Fact]
    public void MutatedPytorchFidFile_LoadsOrFailsCleanly()
    {
        var original = File.ReadAllBytes(TestData.Path("frechet", "A_stats.npz"));
        Run(original, new Random(11), bytes => FidStatisticsFile.Load(new MemoryStream(bytes), Limits, "fuzz"), "A_stats.npz");
    }

    [Fact]
    public void MutatedStoredNpyEntries_LoadOrFailCleanly()
    {
        // Stored entries: the mutations land in the .npy headers and data, not in deflate streams.
        var rng = new Random(12);
        var stats = FidStatisticsFile.Load(TestData.Path("frechet", "A_stats.npz"));
        var ms = new MemoryStream();
        FidStatisticsFile.Save(ms, new FidStatistics(stats.Mu[..4], Take4x4(stats.Sigma), 500), compress: false);
        Run(ms.ToArray(), rng, bytes => FidStatisticsFile.Load(new MemoryStream(bytes), Limits, "fuzz"), "stored npz");
    }

    [Fact]
    public void MutatedNpyHeaders_ParseOrFailCleanly()
    {
        var npy = NpyBytes.Make("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", NpyBytes.Doubles(1, 2, 3, 4), 3);
        Run(npy, new Random(13), bytes => NpyFormat.Read(bytes, Limits, "fuzz"), "npy");
    }

    private static double[] Take4x4(ReadOnlySpan<double> sigma64)
    {
        var s = new double[16];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) s[i * 4 + j] = sigma64[i * 64 + j];
        return s;
    }

    private void Run(byte[] original, Random rng, Action<byte[]> load, string what)
    {
        int ok = 0, refused = 0;
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var mutated = Mutator.Mutate(original, rng);
            try
            {
                load(mutated);
                ok++;
            }
            catch (NpzFormatException)
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{what} iteration {iteration}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        output.WriteLine($"{what}: {ok} loaded, {refused} refused");
        Assert.True(refused > 0);
    }
}
