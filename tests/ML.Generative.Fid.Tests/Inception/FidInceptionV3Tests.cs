using System.Buffers.Binary;
using System.Text.Json;
using ML.Generative.Fid.Inception;
using ML.Generative.Fid.Weights;
using ML.Generative.Torch;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Fid.Tests.Inception;

/// <summary>The FID Inception-v3 against pytorch-fid's outputs for the formula weights (shared/testdata/fid/inception).</summary>
public class FidInceptionV3Tests : IClassFixture<FidInceptionV3Tests.Network>
{
    /// <summary>One network with the formula weights for the whole class (building it takes a second).</summary>
    public sealed class Network : IDisposable
    {
        public FidInceptionV3 Model { get; } = new();

        public Network()
        {
            var own = Model.state_dict();
            var weights = FormulaWeights.CreateStateDict(own.Select(kv => (kv.Key, kv.Value.shape))).ToTensors();
            Model.LoadWeights(weights);
            foreach (var t in weights.Values) t.Dispose();
        }

        public void Dispose() => Model.Dispose();
    }

    private readonly FidInceptionV3 model;

    public FidInceptionV3Tests(Network network) => model = network.Model;

    private static float[] ReadF32(string name)
    {
        var bytes = File.ReadAllBytes(TestData.Path("inception", name));
        var values = new float[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        return values;
    }

    [Fact]
    public void StateDict_HasPytorchFidsKeysShapesAndOrder()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("inception", "weights_manifest.json")));
        var expected = doc.RootElement.GetProperty("tensors").EnumerateArray()
            .Select(t => (t.GetProperty("key").GetString()!, t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray())).ToList();
        var own = model.state_dict().Select(kv => (kv.Key, kv.Value.shape)).ToList();
        Assert.Equal(expected.Select(e => e.Item1), own.Select(o => o.Key));
        for (var i = 0; i < own.Count; i++) Assert.Equal(expected[i].Item2, own[i].shape);
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void EveryOutputBlockAndTheLogits_MatchPytorchFid()
    {
        using var scope = NewDisposeScope();
        var input = tensor(ReadF32("input_4x3x64x64.f32"), new long[] { 4, 3, 64, 64 });
        var (blocks, logits) = model.Forward(input, new[] { 0, 1, 2, 3 }, logits: true);
        AssertClose(ReadF32("expected_block0_64.f32"), blocks[0].data<float>(), "block 0");
        AssertClose(ReadF32("expected_block1_192.f32"), blocks[1].data<float>(), "block 1");
        AssertClose(ReadF32("expected_block2_768.f32"), blocks[2].data<float>(), "block 2");
        AssertClose(ReadF32("expected_block3_2048.f32"), blocks[3].data<float>(), "block 3");
        AssertClose(ReadF32("expected_logits_1008.f32"), logits!.data<float>(), "logits");
    }

    [Fact]
    public void LargeNonSquareInput_IsDownsampledLikePytorchFid()
    {
        using var scope = NewDisposeScope();
        var input = tensor(ReadF32("input_large_1x3x320x352.f32"), new long[] { 1, 3, 320, 352 });
        var (blocks, _) = model.Forward(input, new[] { 3 });
        AssertClose(ReadF32("expected_large_2048.f32"), blocks[0].data<float>(), "large input, block 3");
    }

    [Fact]
    public void WrongWeights_AreRejectedWithTheKeysNamed()
    {
        using var scope = NewDisposeScope();
        var bad = new Dictionary<string, Tensor> { ["fc.weight"] = zeros(1008, 2048), ["not.a.key"] = zeros(1) };
        var ex = Assert.Throws<ArgumentException>(() => model.LoadWeights(bad));
        Assert.Contains("missing", ex.Message);
        Assert.Contains("Conv2d_1a_3x3.conv.weight", ex.Message);
        Assert.Contains("not.a.key", ex.Message);
    }
}
