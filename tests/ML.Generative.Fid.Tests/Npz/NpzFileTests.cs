using System.IO.Compression;
using ML.Generative.Fid.Npz;

namespace ML.Generative.Fid.Tests.Npz;

public class NpzFileTests
{
    private static string StatsPath => TestData.Path("frechet", "A_stats.npz");

    [Fact]
    public void PytorchFidStatsFile_HoldsTheReferenceMuAndSigma()
    {
        var arrays = NpzFile.Read(StatsPath);
        Assert.Equal(new[] { "mu", "sigma" }, arrays.Keys);
        Assert.Equal(NpyDType.Float64, arrays["mu"].DType);
        Assert.Equal(new long[] { 64 }, arrays["mu"].Shape);
        Assert.Equal(new long[] { 64, 64 }, arrays["sigma"].Shape);
        Assert.Equal(TestData.ReadF64("frechet", "A_mu.f64"), arrays["mu"].ToDoubleArray());
        Assert.Equal(TestData.ReadF64("frechet", "A_sigma.f64"), arrays["sigma"].ToDoubleArray());

        var stats = FidStatisticsFile.Load(StatsPath);
        Assert.Equal(64, stats.Dimension);
        Assert.Null(stats.Count);
        Assert.Equal(TestData.ReadF64("frechet", "A_sigma.f64"), stats.Sigma.ToArray());
    }

    [Fact]
    public void Writer_ProducesNumpysOwnBytes()
    {
        // The .npy entries NumPy wrote into A_stats.npz, byte for byte (header, padding, data).
        byte[] Entry(byte[] npz, string name)
        {
            using var zip = new ZipArchive(new MemoryStream(npz));
            using var s = zip.GetEntry(name)!.Open();
            var ms = new MemoryStream();
            s.CopyTo(ms);
            return ms.ToArray();
        }
        var numpy = File.ReadAllBytes(StatsPath);
        var ms = new MemoryStream();
        FidStatisticsFile.Save(ms, FidStatisticsFile.Load(StatsPath));
        var ours = ms.ToArray();
        Assert.Equal(Entry(numpy, "mu.npy"), Entry(ours, "mu.npy"));
        Assert.Equal(Entry(numpy, "sigma.npy"), Entry(ours, "sigma.npy"));
    }

    [Theory]
    [InlineData(true, 8)]   // np.savez_compressed: deflate
    [InlineData(false, 0)]  // np.savez: stored
    public void RoundTrip_IsExact_InBothEntryKinds(bool compress, int zipMethod)
    {
        var rng = new Random(5);
        int d = 7;
        var mu = Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var sigma = Enumerable.Range(0, d * d).Select(_ => rng.NextDouble()).ToArray();
        var original = new FidStatistics(mu, sigma, 50_000);

        string dir = Directory.CreateTempSubdirectory("npz").FullName;
        try
        {
            string path = Path.Combine(dir, "stats.npz");
            File.WriteAllText(path, "old content");
            FidStatisticsFile.Save(path, original, compress);
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(zipMethod, BitConverter.ToUInt16(bytes, 8)); // method of the first local header
            var loaded = FidStatisticsFile.Load(path);
            Assert.Equal(mu, loaded.Mu.ToArray());
            Assert.Equal(sigma, loaded.Sigma.ToArray());
            Assert.Equal(50_000, loaded.Count);
            Assert.Equal(new[] { "stats.npz" }, Directory.GetFiles(dir).Select(Path.GetFileName)); // no temp file left
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void FailedSave_LeavesNothingBehind()
    {
        string dir = Directory.CreateTempSubdirectory("npz").FullName;
        try
        {
            string path = Path.Combine(dir, "stats.npz");
            File.WriteAllText(path, "old content");
            var bad = new[] { new KeyValuePair<string, NpyArray>("x", NpyArray.FromDoubles([1.0])), new("x", NpyArray.FromDoubles([2.0])) };
            Assert.Throws<ArgumentException>(() => NpzFile.Write(path, bad));
            Assert.Equal("old content", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void StatisticsFile_ChecksItsArrays()
    {
        NpzFormatException Refused(params (string Name, NpyArray Array)[] arrays)
        {
            var ms = new MemoryStream();
            NpzFile.Write(ms, arrays.Select(a => new KeyValuePair<string, NpyArray>(a.Name, a.Array)));
            ms.Position = 0;
            return Assert.Throws<NpzFormatException>(() => FidStatisticsFile.Load(ms, sourceName: "s.npz"));
        }
        var mu = NpyArray.FromDoubles([1.0, 2.0]);
        var sigma = NpyArray.FromDoubles([1.0, 0, 0, 1], 2, 2);
        Assert.Contains("no 'sigma'", Refused(("mu", mu)).Message);
        Assert.Contains("2x2", Refused(("mu", mu), ("sigma", NpyArray.FromDoubles([1.0, 0, 0], 3))).Message);
        Assert.Contains("'n'", Refused(("mu", mu), ("sigma", sigma), ("n", NpyArray.FromDoubles([3.0]))).Message);
    }

    [Fact]
    public void Float32Statistics_AreWidened()
    {
        var ms = new MemoryStream();
        NpzFile.Write(ms, new Dictionary<string, NpyArray>
        {
            ["mu"] = NpyArray.FromFloats([0.1f, 0.2f]),
            ["sigma"] = NpyArray.FromFloats([1f, 0.3f, 0.3f, 1f], 2, 2),
        });
        ms.Position = 0;
        var s = FidStatisticsFile.Load(ms);
        Assert.Equal(new[] { (double)0.1f, (double)0.2f }, s.Mu.ToArray());
    }

    [Fact]
    public void NotAZip_IsRefused()
    {
        var e = Assert.Throws<NpzFormatException>(() => NpzFile.Read(new MemoryStream("hello"u8.ToArray()), sourceName: "x.npz"));
        Assert.Contains("x.npz", e.Message);
    }
}
