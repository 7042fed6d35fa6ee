using ML.Generative.Fid.Npz;

namespace ML.Generative.Fid;

/// <summary>
/// FID statistics as .npz files in pytorch-fid's layout (<c>mu</c>: [d] float64, <c>sigma</c>: [d, d]
/// float64), plus an optional <c>n</c> (int64 scalar, the sample count) that pytorch-fid ignores.
/// Files written by pytorch-fid's <c>save_fid_stats</c> load here, and files written here load there.
/// </summary>
public static class FidStatisticsFile
{
    /// <summary>Loads statistics from an .npz file.</summary>
    /// <exception cref="NpzFormatException">The file is not a valid statistics file; the message says why.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static FidStatistics Load(string path, NpzReadOptions? options = null) =>
        FromArrays(NpzFile.Read(path, options), $"'{path}'");

    /// <summary>Loads statistics from an .npz stream.</summary>
    /// <exception cref="NpzFormatException">The data is not a valid statistics file; the message says why.</exception>
    public static FidStatistics Load(Stream stream, NpzReadOptions? options = null, string? sourceName = null) =>
        FromArrays(NpzFile.Read(stream, options, sourceName), sourceName ?? "npz stream");

    /// <summary>Saves statistics atomically; <paramref name="compress"/> deflates as <c>np.savez_compressed</c>.</summary>
    public static void Save(string path, FidStatistics statistics, bool compress = true) =>
        NpzFile.Write(path, ToArrays(statistics), compress);

    /// <summary>Saves statistics to a stream.</summary>
    public static void Save(Stream stream, FidStatistics statistics, bool compress = true) =>
        NpzFile.Write(stream, ToArrays(statistics), compress);

    private static List<KeyValuePair<string, NpyArray>> ToArrays(FidStatistics s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var arrays = new List<KeyValuePair<string, NpyArray>>
        {
            new("mu", NpyArray.FromDoubles(s.Mu, s.Dimension)),
            new("sigma", NpyArray.FromDoubles(s.Sigma, s.Dimension, s.Dimension)),
        };
        if (s.Count is long n) arrays.Add(new("n", NpyArray.Scalar(n)));
        return arrays;
    }

    private static FidStatistics FromArrays(OrderedDictionary<string, NpyArray> arrays, string source)
    {
        NpyArray Get(string name) => arrays.TryGetValue(name, out var a) ? a
            : throw new NpzFormatException($"{source}: no '{name}' array (an FID statistics file has 'mu' and 'sigma')");
        var mu = Get("mu");
        var sigma = Get("sigma");
        if (mu.Shape.Count != 1 || mu.Shape[0] == 0 || mu.DType == NpyDType.Int64)
            throw new NpzFormatException($"{source}: 'mu' must be a non-empty 1-D float array; got {mu.DType} ({string.Join(", ", mu.Shape)})");
        long d = mu.Shape[0];
        if (sigma.Shape.Count != 2 || sigma.Shape[0] != d || sigma.Shape[1] != d || sigma.DType == NpyDType.Int64)
            throw new NpzFormatException($"{source}: 'sigma' must be a {d}x{d} float array for a 'mu' of length {d}; got {sigma.DType} ({string.Join(", ", sigma.Shape)})");
        long? count = null;
        if (arrays.TryGetValue("n", out var n))
        {
            if (n.DType != NpyDType.Int64 || n.ElementCount != 1 || n.ToInt64Array()[0] < 0)
                throw new NpzFormatException($"{source}: 'n' must be one non-negative int64");
            count = n.ToInt64Array()[0];
        }
        return new FidStatistics(mu.ToDoubleArray(), sigma.ToDoubleArray(), count);
    }
}
