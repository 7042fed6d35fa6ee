using System.Text;
using ML.Generative.Fid.Checkpoints;
using TorchSharp;

namespace ML.Generative.Fid.Weights;

/// <summary>
/// The deterministic "formula" values that stand in for real weights in the FID reference data, so the
/// Inception network can be built and checked against pytorch-fid without its weight file.
/// </summary>
/// <remarks>
/// For a tensor named N and flat index i, in uint32 arithmetic: h = FNV-1a(UTF-8 of N),
/// x = fmix32(h + i·0x9E3779B1) (MurmurHash3's finaliser), u = x / 2^32 as a double. Each rule is then
/// evaluated in double, in the documented order, and rounded once to float32. No FMA, no float maths.
/// </remarks>
public static class FormulaWeights
{
    private const uint FnvOffset = 0x811C9DC5;
    private const uint FnvPrime = 0x01000193;
    private const uint Golden = 0x9E3779B1;

    /// <summary>32-bit FNV-1a of some bytes.</summary>
    public static uint Fnv1a32(ReadOnlySpan<byte> bytes)
    {
        uint h = FnvOffset;
        foreach (byte b in bytes) h = unchecked((h ^ b) * FnvPrime);
        return h;
    }

    /// <summary>32-bit FNV-1a of a name's UTF-8 bytes.</summary>
    public static uint Fnv1a32(string name) => Fnv1a32(Encoding.UTF8.GetBytes(name));

    /// <summary>x = fmix32(hash + index·0x9E3779B1), all mod 2^32.</summary>
    public static uint Mix(uint hash, long index)
    {
        uint x = unchecked(hash + (uint)index * Golden);
        x ^= x >> 16;
        x = unchecked(x * 0x85EBCA6B);
        x ^= x >> 13;
        x = unchecked(x * 0xC2B2AE35);
        x ^= x >> 16;
        return x;
    }

    /// <summary>u = x / 2^32, exact in double, in [0, 1).</summary>
    public static double Uniform(uint hash, long index) => Mix(hash, index) / 4294967296.0;

    /// <summary>
    /// The rule for a state-dict key and shape: by suffix, and for <c>.weight</c> by rank.
    /// </summary>
    /// <exception cref="ArgumentException">The key has none of the known suffixes.</exception>
    public static FormulaRule RuleFor(string key, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(shape);
        if (key.EndsWith(".num_batches_tracked", StringComparison.Ordinal)) return FormulaRule.NumBatchesTracked;
        if (key.EndsWith(".running_mean", StringComparison.Ordinal)) return FormulaRule.RunningMean;
        if (key.EndsWith(".running_var", StringComparison.Ordinal)) return FormulaRule.RunningVar;
        if (key.EndsWith(".bias", StringComparison.Ordinal)) return FormulaRule.Bias;
        if (key.EndsWith(".weight", StringComparison.Ordinal))
            return shape.Count >= 2 ? FormulaRule.Weight : FormulaRule.BatchNormWeight;
        throw new ArgumentException($"No formula rule for '{key}' (expected .weight, .bias, .running_mean, .running_var or .num_batches_tracked).", nameof(key));
    }

    /// <summary>A rule's value for u, in double; <paramref name="fanIn"/> is used by <see cref="FormulaRule.Weight"/> only.</summary>
    public static double Value(FormulaRule rule, double u, long fanIn) => rule switch
    {
        FormulaRule.Weight => (2.0 * u - 1.0) * Math.Sqrt(6.0 / fanIn),
        FormulaRule.BatchNormWeight or FormulaRule.RunningVar => 0.5 + u,
        FormulaRule.Bias or FormulaRule.RunningMean => 0.2 * (u - 0.5),
        FormulaRule.NumBatchesTracked => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };

    /// <summary>The float32 values of a tensor by the rule for its key (not for num_batches_tracked).</summary>
    /// <exception cref="ArgumentException">The key has no rule, or is a num_batches_tracked (an int64).</exception>
    public static float[] Float32Values(string key, IReadOnlyList<long> shape)
    {
        var rule = RuleFor(key, shape);
        if (rule == FormulaRule.NumBatchesTracked)
            throw new ArgumentException($"'{key}' is an int64 counter, not a float32 tensor.", nameof(key));
        long numel = 1;
        foreach (long s in shape) numel = checked(numel * s);
        long fanIn = 1;
        for (int k = 1; k < shape.Count; k++) fanIn *= shape[k];
        uint h = Fnv1a32(key);
        var values = new float[numel];
        double scale = Math.Sqrt(6.0 / fanIn); // computed once, then (2u-1)·scale, as the reference does
        void Fill(long from, long to)
        {
            if (rule == FormulaRule.Weight)
                for (long i = from; i < to; i++) values[i] = (float)((2.0 * Uniform(h, i) - 1.0) * scale);
            else
                for (long i = from; i < to; i++) values[i] = (float)Value(rule, Uniform(h, i), fanIn);
        }
        const int Chunk = 1 << 16; // every element is independent, so chunks may run in any order
        if (numel <= Chunk) Fill(0, numel);
        else Parallel.For(0, (numel + Chunk - 1) / Chunk, c => Fill(c * Chunk, Math.Min(numel, (c + 1) * Chunk)));
        return values;
    }

    /// <summary>float32 u values of a name: the reference data's formula inputs (names "input", "input_large").</summary>
    public static float[] UniformFloats(string name, long count)
    {
        uint h = Fnv1a32(name);
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (float)Uniform(h, i);
        return values;
    }

    /// <summary>
    /// The formula tensor for a state-dict key: float32 by its rule, or an int64 0 scalar for
    /// num_batches_tracked.
    /// </summary>
    /// <exception cref="ArgumentException">The key has no rule.</exception>
    public static CheckpointTensor CreateTensor(string key, long[] shape)
    {
        if (RuleFor(key, shape) == FormulaRule.NumBatchesTracked)
            return new CheckpointTensor(key, torch.ScalarType.Int64, shape, new byte[8]);
        var bytes = LittleEndian.ToBytes<float>(Float32Values(key, shape));
        return new CheckpointTensor(key, torch.ScalarType.Float32, shape, bytes);
    }

    /// <summary>A whole formula state dict for the given keys and shapes, in that order.</summary>
    public static StateDict CreateStateDict(IEnumerable<(string Key, long[] Shape)> entries) =>
        new(entries.Select(e => CreateTensor(e.Key, e.Shape)));
}
