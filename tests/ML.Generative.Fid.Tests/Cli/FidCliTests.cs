using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ML.Generative.Data;
using ML.Generative.Fid.Features;
using TorchSharp;
using ML.Generative.Serialization;
using static TorchSharp.torch;

namespace ML.Generative.Fid.Tests.Cli;

/// <summary><c>mlgen fid</c> run as a process on small folders of PNGs, with a randomly initialised domain network
/// saved to a file (the shipped network is not needed for the command's mechanics).</summary>
public class FidCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("fid-cli-").FullName;
    private readonly string network, realDir, fakeDir;
    private readonly byte[][] realPixels, fakePixels;

    public FidCliTests()
    {
        manual_seed(1);
        network = Path.Combine(dir, "net.safetensors");
        using (var net = new DomainFeatureNetwork()) SafeTensors.Save(network, net.state_dict());
        (realDir, realPixels) = Folder("real", seed: 1, brightness: 0);
        (fakeDir, fakePixels) = Folder("fake", seed: 2, brightness: 80);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private (string Folder, byte[][] Pixels) Folder(string name, int seed, int brightness)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dir, name)).FullName;
        var rng = new Random(seed);
        var all = new byte[12][];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = new byte[28 * 28];
            for (var j = 0; j < all[i].Length; j++) all[i][j] = (byte)Math.Min(255, rng.Next(0, 176) + brightness);
            ImageCodec.SavePng(new ImageData(28, 28, 1, all[i]), Path.Combine(folder, $"{i:D2}.png"));
        }
        return (folder, all);
    }

    private static (int Code, string[] Out, string Err) Mlgen(params string[] args)
    {
        var r = Processes.MlgenFid(args);
        return (r.Code, r.Out, r.Err);
    }

    internal static double FidLine(string[] lines)
    {
        var fid = lines.Where(l => l.StartsWith("FID: ", StringComparison.Ordinal)).ToList();
        Assert.Single(fid);
        return double.Parse(fid[0]["FID: ".Length..], CultureInfo.InvariantCulture);
    }

    /// <summary>The expected value, computed without the CLI or the data views: the network applied to the raw bytes / 255.</summary>
    private double DirectFid()
    {
        using var net = new DomainFeatureNetwork();
        ML.Generative.Serialization.StateDicts.LoadInto(net, SafeTensors.Load(network));
        net.eval();
        FidStatistics Stats(byte[][] images)
        {
            using var _ = inference_mode();
            var flat = images.SelectMany(b => b.Select(v => v / 255f)).ToArray();
            using var x = tensor(flat, new long[] { images.Length, 1, 28, 28 });
            using var f = net.Features(x);
            var acc = new FeatureStatistics(DomainFeatureNetwork.FeatureDimension);
            acc.Add(f.ToFloats());
            return acc.ToStatistics();
        }
        return FrechetDistance.Compute(Stats(realPixels), Stats(fakePixels));
    }

    [Fact]
    public void TwoFolders_GiveTheFidOfTheNetworkAppliedToTheirPixels_AfterTheWarnings()
    {
        var (code, lines, err) = Mlgen("--real", realDir, "--fake", fakeDir, "--feature-network", network);
        Assert.True(code == 0, err);
        var value = FidLine(lines);
        var expected = DirectFid();
        // A random network gives small features, so FIDs are small; the folders still differ by far more than rounding.
        Assert.True(expected > 1e-4, $"the two folders should differ clearly, got {expected}");
        Assert.Equal(expected, value, expected * 1e-6);
        // 12 images < 128 dimensions: warned, before the result line.
        var fidAt = Array.FindIndex(lines, l => l.StartsWith("FID: ", StringComparison.Ordinal));
        Assert.Contains(lines.Take(fidAt), l => l.StartsWith("warning: ", StringComparison.Ordinal) && l.Contains("fewer than the 128"));
    }

    [Fact]
    public void SavedStatistics_AgainstThemselves_GiveZero_AndJsonNamesTheNetworkHash()
    {
        var stats = Path.Combine(dir, "real.npz");
        var json = Path.Combine(dir, "result.json");
        var (code, _, err) = Mlgen("--real", realDir, "--fake", fakeDir, "--feature-network", network, "--save-stats", stats, "--json", json);
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            var net = doc.RootElement.GetProperty("featureNetwork");
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(network))), net.GetProperty("sha256").GetString());
            Assert.Equal(12, doc.RootElement.GetProperty("realCount").GetInt64());
            Assert.Equal(128, doc.RootElement.GetProperty("dimensions").GetInt32());
        }
        Assert.Equal(12, FidStatisticsFile.Load(stats).Count);

        (code, var lines, err) = Mlgen("--real", stats, "--fake", stats, "--feature-network", network);
        Assert.True(code == 0, err);
        Assert.InRange(FidLine(lines), -1e-9, 1e-9);
    }

    [Fact]
    public void AMissingInput_FailsWithOneClearLine()
    {
        var missing = Path.Combine(dir, "nowhere.npz");
        var (code, lines, err) = Mlgen("--real", missing, "--fake", fakeDir, "--feature-network", network);
        Assert.NotEqual(0, code);
        Assert.DoesNotContain(lines, l => l.StartsWith("FID", StringComparison.Ordinal));
        // The library's once-per-process BLAS line is not part of the command's message.
        var errLines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("[ML.Generative]", StringComparison.Ordinal)).ToArray();
        Assert.Single(errLines);
        Assert.Contains("not found", errLines[0]);
        Assert.Contains(missing, errLines[0]);
    }
}
