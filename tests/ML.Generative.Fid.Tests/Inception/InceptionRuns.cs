using System.Buffers.Binary;
using ML.Generative.Fid.Inception;
using ML.Generative.Fid.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Fid.Tests.Inception;

/// <summary>
/// The FID Inception-v3 with the formula weights in its two forms — <c>plain</c> (pytorch-fid's layers as they
/// are) and <c>prepared</c> (batch-norms and 2x−1 folded, channels-last: what <see cref="FidFeatures"/> runs) —
/// each run once on the shared 4x3x64x64 input, keeping every output the reference files hold.
/// </summary>
public sealed class InceptionRuns : IDisposable
{
    public static readonly string[] Forms = { "plain", "prepared" };

    private readonly Dictionary<string, Run> runs = new();

    public sealed class Run : IDisposable
    {
        public required FidInceptionV3 Network { get; init; }
        /// <summary>Pooled blocks 0–3, [4, dim] each.</summary>
        public required float[][] Blocks { get; init; }
        public required float[] Logits { get; init; }
        /// <summary>Per module (Conv2d_1a_3x3 … Mixed_7c): the spatial mean per channel, [4, C].</summary>
        public required Dictionary<string, float[]> ChannelMeans { get; init; }
        /// <summary>Image 0's full block-0 map, [64, 73, 73].</summary>
        public required float[] Block0Image0 { get; init; }
        /// <summary>The modules whose output was laid out channels-last.</summary>
        public required HashSet<string> ChannelsLastOutputs { get; init; }

        public void Dispose() => Network.Dispose();
    }

    public Run this[string form]
    {
        get
        {
            lock (runs)
            {
                if (!runs.TryGetValue(form, out var run)) runs[form] = run = Compute(form);
                return run;
            }
        }
    }

    public static float[] ReadF32(string name)
    {
        var bytes = File.ReadAllBytes(TestData.Path("inception", name));
        var values = new float[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        return values;
    }

    /// <summary>A network with the formula weights (shared/testdata/fid README, part 0), plain or prepared.</summary>
    public static FidInceptionV3 Build(string form)
    {
        var network = new FidInceptionV3();
        var weights = FormulaWeights.CreateStateDict(network.state_dict().Select(kv => (kv.Key, kv.Value.shape))).ToTensors();
        network.LoadWeights(weights);
        foreach (var t in weights.Values) t.Dispose();
        if (form == "prepared") network.PrepareForInference(channelsLast: true);
        return network;
    }

    private static Run Compute(string form)
    {
        var network = Build(form);
        using var scope = NewDisposeScope();
        var means = new Dictionary<string, float[]>();
        var channelsLast = new HashSet<string>();
        float[] block0 = null!;
        var input = tensor(ReadF32("input_4x3x64x64.f32"), new long[] { 4, 3, 64, 64 });
        var (blocks, logits) = network.Forward(input, new[] { 0, 1, 2, 3 }, logits: true, observe: (name, t) =>
        {
            if (name == "block0") block0 = t[0].contiguous().ToFloats();
            else if (!name.StartsWith("block", StringComparison.Ordinal)) means[name] = t.mean(new long[] { 2, 3 }).ToFloats();
            if (ChannelsLast.Is(t)) channelsLast.Add(name);
        });
        return new Run
        {
            Network = network,
            Blocks = blocks.Select(b => b.ToFloats()).ToArray(),
            Logits = logits!.ToFloats(),
            ChannelMeans = means,
            Block0Image0 = block0,
            ChannelsLastOutputs = channelsLast,
        };
    }

    public void Dispose()
    {
        foreach (var r in runs.Values) r.Dispose();
    }
}
