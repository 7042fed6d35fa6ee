using ML.Generative.Fid.Metrics;

namespace ML.Generative.Fid.Tests.Metrics;

/// <summary>Seeded Gaussian feature sets for the metric tests.</summary>
internal static class RandomFeatures
{
    public static double[,] Gaussian(int seed, int rows, int dimension, double mean = 0, double scale = 1)
    {
        var random = new Random(seed);
        var x = new double[rows, dimension];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < dimension; j++)
                x[i, j] = mean + scale * Normal(random);
        return x;
    }

    public static FeatureMatrix Matrix(int seed, int rows, int dimension, double mean = 0, double scale = 1) =>
        new(Gaussian(seed, rows, dimension, mean, scale));

    private static double Normal(Random random)
    {
        var u = 1 - random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
    }

    public static double[] RowOf(double[,] x, int i) =>
        Enumerable.Range(0, x.GetLength(1)).Select(j => x[i, j]).ToArray();
}
