namespace ML.Generative.Training;

/// <summary>Sample-weighted running means of named loss values over an epoch.</summary>
internal sealed class LossAccumulator
{
    private readonly Dictionary<string, double> sums = new();
    private long count;

    public void Add(IReadOnlyDictionary<string, double> values, long samples)
    {
        foreach (var (k, v) in values) sums[k] = sums.GetValueOrDefault(k) + v * samples;
        count += samples;
    }

    public IReadOnlyDictionary<string, double> Means() =>
        count == 0 ? new Dictionary<string, double>() : sums.ToDictionary(kv => kv.Key, kv => kv.Value / count);
}
