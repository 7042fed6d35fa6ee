using System.Text.Json;
using ML.Generative.Fid.Inception;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ML.Generative.Fid.Tests.Inception;

/// <summary>
/// The FID Inception-v3 against pytorch-fid's outputs for the formula weights (shared/testdata/fid/inception), in both
/// forms: <c>plain</c> (pytorch-fid's layers) and <c>prepared</c> (folded, channels-last, as FidFeatures runs it).
/// Tolerance: the data's README suggests |got − expected| ≤ 1e-4·max(1, |expected|). Each comparison writes its
/// max abs / rel error to the test output (the agreement figures of the note).
/// </summary>
public class FidInceptionV3Tests(InceptionRuns runs, ITestOutputHelper output) : IClassFixture<InceptionRuns>
{
    public static TheoryData<string> Forms => new(InceptionRuns.Forms);

    private static readonly string[] Modules =
    {
        "Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "Conv2d_3b_1x1", "Conv2d_4a_3x3", "Mixed_5b", "Mixed_5c", "Mixed_5d",
        "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c",
    };

    private void AssertClose(float[] expected, float[] actual, string what, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        var a = Agreement.Of(expected, actual);
        output.WriteLine($"{what}: {a}");
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void StateDict_HasPytorchFidsKeysAndShapes()
    {
        // Keys and shapes, not order: TorchSharp lists a module's parameters before its buffers (PyTorch interleaves
        // them per submodule), and weights are matched by key.
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("inception", "weights_manifest.json")));
        var expected = doc.RootElement.GetProperty("tensors").EnumerateArray()
            .ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray());
        var own = runs["prepared"].Network.state_dict();
        Assert.Equal(expected.Keys.Order(), own.Keys.Order());
        foreach (var (key, shape) in expected) Assert.Equal(shape, own[key].shape);
    }

    [Theory, MemberData(nameof(Forms))]
    public void EveryOutputBlockAndTheLogits_MatchPytorchFid(string form)
    {
        var run = runs[form];
        AssertClose(InceptionRuns.ReadF32("expected_block0_64.f32"), run.Blocks[0], $"{form} block 0 (64)");
        AssertClose(InceptionRuns.ReadF32("expected_block1_192.f32"), run.Blocks[1], $"{form} block 1 (192)");
        AssertClose(InceptionRuns.ReadF32("expected_block2_768.f32"), run.Blocks[2], $"{form} block 2 (768)");
        AssertClose(InceptionRuns.ReadF32("expected_block3_2048.f32"), run.Blocks[3], $"{form} block 3 (2048)");
        AssertClose(InceptionRuns.ReadF32("expected_logits_1008.f32"), run.Logits, $"{form} logits (1008)");
    }

    [Theory, MemberData(nameof(Forms))]
    public void Blocks_AreWithinThriceTheFloat64DistanceOfPytorchFidsOwnFloat32Run(string form)
    {
        // expected_info.json: how far pytorch-fid's float32 outputs are from the same model in float64, per block.
        using var info = JsonDocument.Parse(File.ReadAllText(TestData.Path("inception", "expected_info.json")));
        var own = info.RootElement.GetProperty("float32_vs_float64_reference");
        var run = runs[form];
        foreach (var (block, dim) in new[] { (0, 64), (1, 192), (2, 768), (3, 2048) })
        {
            var reference = TestData.ReadF64("inception", $"reference_float64_block{block}_{dim}.f64");
            var theirs = own.GetProperty($"{dim}").GetProperty("max_abs_diff").GetDouble();
            var ours = reference.Select((r, i) => Math.Abs(run.Blocks[block][i] - r)).Max();
            output.WriteLine($"{form} block {block} vs float64: max abs {ours:E2} (pytorch-fid float32: {theirs:E2})");
            Assert.True(ours <= 3 * theirs, $"block {block}: {ours:E2} from float64, pytorch-fid's float32 run is {theirs:E2}");
        }
    }

    [Fact]
    public void FidFeaturesAtItsDefaults_MatchesPytorchFidsDefaultModel()
    {
        // expected_default_2048: pytorch-fid's InceptionV3() as used for dims = 2048; FidFeatures runs the prepared form.
        using var scope = NewDisposeScope();
        using var features = FidFeatures.Inception(runs["plain"].Network.state_dict(), "formula", 2048);
        var input = tensor(InceptionRuns.ReadF32("input_4x3x64x64.f32"), new long[] { 4, 3, 64, 64 });
        AssertClose(InceptionRuns.ReadF32("expected_default_2048.f32"), features.Extract(input).ToFloats(), "FidFeatures.Inception default, 2048");
    }

    [Theory, MemberData(nameof(Forms))]
    public void EachModuleOutput_MatchesPytorchFidsChannelMeans(string form)
    {
        var run = runs[form];
        foreach (var module in Modules)
        {
            var file = Directory.GetFiles(TestData.Path("inception", "debug"), $"{module}_chmean_4x*.f32").Single();
            AssertClose(InceptionRuns.ReadF32(Path.Combine("debug", Path.GetFileName(file))), run.ChannelMeans[module], $"{form} {module} channel means");
        }
    }

    [Fact]
    public void ThePreparedNetwork_KeepsEveryOutputChannelsLast_SoNoLayerConvertsLayouts()
    {
        var outputs = runs["prepared"].ChannelsLastOutputs;
        Assert.All(Modules.Append("block0").Append("block1").Append("block2"), m => Assert.Contains(m, outputs));
    }

    [Theory, MemberData(nameof(Forms))]
    public void Block0Map_OfImage0_MatchesPytorchFid(string form) =>
        AssertClose(InceptionRuns.ReadF32("debug/block0_img0_64x73x73.f32"), runs[form].Block0Image0, $"{form} block-0 map of image 0");

    [Fact]
    public void Prologue_ResizesAndNormalizesLikePytorchFid()
    {
        using var scope = NewDisposeScope();
        var input = tensor(InceptionRuns.ReadF32("input_4x3x64x64.f32"), new long[] { 4, 3, 64, 64 });
        var x = runs["plain"].Network.Prologue(input);
        // libtorch 2.10's bilinear resize computes its weights differently from the 1.13 that wrote the file: up to
        // 5.5e-6 apart here (1e-6 before the move, on the same libtorch); the blocks and features downstream agree
        // within their own tolerances.
        AssertClose(InceptionRuns.ReadF32("debug/input_resized_normalized_img0_3x299x299.f32"), x[0].contiguous().ToFloats(), "resized, 2x-1, image 0", tolerance: 1e-5);
    }

    [Theory, MemberData(nameof(Forms))]
    public void LargeNonSquareInput_IsDownsampledLikePytorchFid(string form)
    {
        using var scope = NewDisposeScope();
        var input = tensor(InceptionRuns.ReadF32("input_large_1x3x320x352.f32"), new long[] { 1, 3, 320, 352 });
        var (blocks, _) = runs[form].Network.Forward(input, new[] { 3 });
        AssertClose(InceptionRuns.ReadF32("expected_large_2048.f32"), blocks[0].ToFloats(), $"{form} large input, block 3");
    }

    [Fact]
    public void InputsAlready299_SkipTheResizeWithTheSameFeatures()
    {
        // Bilinear resizing 299 -> 299 with align_corners = false samples every pixel at weight 1: the identity.
        using var scope = NewDisposeScope();
        var network = runs["prepared"].Network;
        var input = tensor(InceptionRuns.ReadF32("input_4x3x64x64.f32"), new long[] { 4, 3, 64, 64 })[..2];
        var resized = nn.functional.interpolate(input, new long[] { 299, 299 }, mode: InterpolationMode.Bilinear, align_corners: false);
        var (from64, _) = network.Forward(input, new[] { 3 });
        var (from299, _) = network.Forward(resized, new[] { 3 });
        Assert.Equal(from64[0].ToFloats(), from299[0].ToFloats());
    }

    [Fact]
    public void GrayImages_GiveTheFeaturesOfTheImageRepeatedToRgb()
    {
        using var scope = NewDisposeScope();
        var network = runs["prepared"].Network;
        var gray = tensor(InceptionRuns.ReadF32("input_4x3x64x64.f32"), new long[] { 4, 3, 64, 64 })[.., ..1];
        var (fromGray, _) = network.Forward(gray, new[] { 3 });
        var (fromRgb, _) = network.Forward(gray.expand(-1, 3, -1, -1).contiguous(), new[] { 3 });
        Assert.Equal(fromRgb[0].ToFloats(), fromGray[0].ToFloats());
    }

    [Fact]
    public void WrongWeights_AreRejectedWithTheKeysNamed()
    {
        using var scope = NewDisposeScope();
        using var model = new FidInceptionV3();
        var bad = new Dictionary<string, Tensor> { ["fc.weight"] = zeros(1008, 2048), ["not.a.key"] = zeros(1) };
        var ex = Assert.Throws<ArgumentException>(() => model.LoadWeights(bad));
        Assert.Contains("missing", ex.Message);
        Assert.Contains("Conv2d_1a_3x3.conv.weight", ex.Message);
        Assert.Contains("not.a.key", ex.Message);
    }

    [Fact]
    public void LoadingWeightsIntoAPreparedNetwork_IsRefused()
    {
        var network = runs["prepared"].Network;
        var ex = Assert.Throws<InvalidOperationException>(() => network.LoadWeights(network.state_dict()));
        Assert.Contains("folded", ex.Message);
    }
}
