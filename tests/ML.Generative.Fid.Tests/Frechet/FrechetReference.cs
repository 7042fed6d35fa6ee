using System.Text.Json;

namespace ML.Generative.Fid.Tests.Frechet;

/// <summary>The sets and pairs of frechet/expected_fid.json.</summary>
internal static class FrechetReference
{
    public static readonly Lazy<JsonElement> Json = new(() =>
        JsonDocument.Parse(File.ReadAllText(TestData.Path("frechet", "expected_fid.json"))).RootElement);

    public static JsonElement Pair(string name) => Json.Value.GetProperty("pairs").GetProperty(name);

    public static int Dims => Json.Value.GetProperty("feature_dims").GetInt32();

    public static FidStatistics Stored(string set) =>
        new(TestData.ReadF64("frechet", set + "_mu.f64"), TestData.ReadF64("frechet", set + "_sigma.f64"));

    public static double[] Features(string set) => TestData.ReadF64("frechet", set + ".f64");

    public static IEnumerable<object[]> PairNames() =>
        new[] { "A_B", "B_A", "A_A", "C_D", "D_C", "E_F" }.Select(p => new object[] { p });

    public static IEnumerable<object[]> SetNames() =>
        new[] { "A", "B", "C", "D", "E", "F" }.Select(s => new object[] { s });

    /// <summary>Tolerance the brief sets: 1e-6 relative, or 1e-9 absolute where the expected value is noise around 0.</summary>
    public static void AssertFid(double expected, double actual, string what)
    {
        double tol = Math.Abs(expected) < 1e-6 ? 1e-9 : 1e-6 * Math.Abs(expected);
        Assert.True(Math.Abs(actual - expected) <= tol, $"{what}: expected {expected:R}, got {actual:R} (diff {actual - expected:E3}, tol {tol:E1})");
    }
}
