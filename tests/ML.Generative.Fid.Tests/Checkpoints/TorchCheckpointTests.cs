using ML.Generative.Fid.Checkpoints;
using ML.Generative.Fid.Weights;
using TorchSharp;

namespace ML.Generative.Fid.Tests.Checkpoints;

public class TorchCheckpointTests
{
    [Theory]
    [InlineData("tiny_legacy.dis.txt", 5)]
    [InlineData("tiny_zip.dis.txt", 1)]
    [InlineData("shared_legacy.dis.txt", 5)]
    [InlineData("shared_zip.dis.txt", 1)]
    public void TheGlobalsTorchSaveWrote_AreAllInTheAllowList_AndNothingElseIs(string disassembly, int pickles)
    {
        // pickletools.dis of every pickle in the shared checkpoints: the globals a reader must accept, and no more.
        var text = File.ReadAllText(TestData.Path("checkpoints", "pickle_disassembly", disassembly));
        Assert.Equal(pickles, System.Text.RegularExpressions.Regex.Matches(text, @"\bSTOP\b").Count);
        var globals = System.Text.RegularExpressions.Regex.Matches(text, @"GLOBAL\s+'([\w.]+) (\w+)'")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).Distinct().ToList();
        Assert.NotEmpty(globals);
        var environment = new TorchPickleEnvironment(legacy: disassembly.Contains("legacy"));
        Assert.All(globals, g => Assert.True(environment.IsAllowedGlobal(g.Item1, g.Item2), $"{g.Item1}.{g.Item2} is refused"));
        Assert.False(environment.IsAllowedGlobal("builtins", "eval"));
        Assert.False(environment.IsAllowedGlobal("torch", "load"));
    }

    [Theory]
    [MemberData(nameof(CheckpointReference.Files), MemberType = typeof(CheckpointReference))]
    public void Load_GivesEveryExpectedTensor_BitForBit(string file, string model)
    {
        var sd = TorchCheckpoint.Load(TestData.Path("checkpoints", file));
        var expected = CheckpointReference.Tensors(model);

        Assert.Equal(expected.Select(e => e.Key), sd.Keys);
        foreach (var e in expected)
        {
            var t = sd[e.Key];
            Assert.Equal(e.DType, t.DType);
            Assert.Equal(e.Shape, t.Shape);
            Assert.True(e.Bytes.AsSpan().SequenceEqual(t.Data), $"{file}: bytes of '{e.Key}' differ");
        }
    }

    [Theory]
    [InlineData("tiny_zip.pth")]
    [InlineData("tiny_legacy.pth")]
    public void TinyModel_IsTheFormula(string file)
    {
        var sd = TorchCheckpoint.Load(TestData.Path("checkpoints", file));
        uint hScale = FormulaWeights.Fnv1a32("scale64"), hCounts = FormulaWeights.Fnv1a32("counts");
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (2 * FormulaWeights.Uniform(hScale, i) - 1) * 1000), sd["scale64"].ToDoubleArray());
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)FormulaWeights.Mix(hCounts, i) - (1L << 31)), sd["counts"].ToInt64Array());
        Assert.Equal(new[] { 123456789012L }, sd["bn.num_batches_tracked"].ToInt64Array());
        Assert.Empty(sd["bn.num_batches_tracked"].Shape);
        foreach (var key in new[] { "conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "fc.weight", "fc.bias" })
            Assert.Equal(FormulaWeights.Float32Values(key, sd[key].Shape), sd[key].ToFloatArray());
    }

    [Fact]
    public void SharedViews_AreMaterialisedIndependently()
    {
        var sd = TorchCheckpoint.Load(TestData.Path("checkpoints", "shared_legacy.pth"));
        var b = sd["base"].ToFloatArray(); // [4,6]
        var t = sd["t"].ToFloatArray();    // base.t(): [6,4]
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 6; j++)
                Assert.Equal(b[i * 6 + j], t[j * 4 + i]);
        Assert.Equal(b[6..18], sd["rows"].ToFloatArray());
        Assert.Equal(sd["base"].ToFloatArray(), sd["tied"].ToFloatArray());
    }

    [Fact]
    public void NonSeekableStream_IsBuffered()
    {
        var bytes = CheckpointReference.Bytes("tiny_zip.pth");
        var sd = TorchCheckpoint.Load(new NonSeekableStream(bytes));
        Assert.Equal(11, sd.Count);
    }

    [Fact]
    public void RebuildParameter_AndDuplicateKeys_FollowPython()
    {
        // {"w": Parameter(tensor), "w": tensor again}: Python keeps the first position and the last value.
        var p = new PickleWriter().BeginStateDict()
            .Str("w").Global("torch._utils", "_rebuild_parameter").Mark()
                .Tensor("0", 4, 0, new long[] { 4 }, new long[] { 1 }).Op(0x88).Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce()
            .Str("v").Tensor("0", 4, 1, new long[] { 2 }, new long[] { 1 })
            .Str("w").Tensor("0", 4, 2, new long[] { 2 }, new long[] { 1 })
            .SetItemsStop().ToArray();
        var sd = TorchCheckpoint.Load(new MemoryStream(CheckpointFiles.Zip(p, ("0", new float[] { 1, 2, 3, 4 }))));
        Assert.Equal(new[] { "w", "v" }, sd.Keys);
        Assert.Equal(new float[] { 3, 4 }, sd["w"].ToFloatArray());
        Assert.Equal(new float[] { 2, 3 }, sd["v"].ToFloatArray());
    }

    [Fact]
    public void OldRebuildTensor_WithFourArguments_IsRead()
    {
        // PyTorch 0.4's torch._utils._rebuild_tensor(storage, offset, size, stride), here a column view.
        var p = new PickleWriter().BeginStateDict().Str("c").Global("torch._utils", "_rebuild_tensor").Mark()
            .Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Long(6).Tuple().Op('Q')
            .Long(1).Mark().Long(2).Tuple().Mark().Long(3).Tuple()
            .Tuple().Reduce().SetItemsStop().ToArray();
        var sd = TorchCheckpoint.Load(new MemoryStream(CheckpointFiles.Zip(p, ("0", new float[] { 0, 1, 2, 3, 4, 5 }))));
        Assert.Equal(new float[] { 1, 4 }, sd["c"].ToFloatArray());
    }

    [Fact]
    public void ToTensors_GivesTorchTensorsWithTheSameValues()
    {
        var sd = TorchCheckpoint.Load(TestData.Path("checkpoints", "tiny_zip.pth"));
        using var scope = torch.NewDisposeScope();
        var tensors = sd.ToTensors();
        Assert.Equal(sd.Keys, tensors.Keys);
        Assert.Equal(new long[] { 8, 3, 3, 3 }, tensors["conv.weight"].shape);
        Assert.Equal(torch.ScalarType.Float32, tensors["conv.weight"].dtype);
        Assert.Equal(sd["conv.weight"].ToFloatArray(), tensors["conv.weight"].ToFloats());
        Assert.Equal(sd["scale64"].ToDoubleArray(), tensors["scale64"].ToDoubles());
        Assert.Empty(tensors["bn.num_batches_tracked"].shape);
        Assert.Equal(123456789012L, tensors["bn.num_batches_tracked"].ToInt64());
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }
}
