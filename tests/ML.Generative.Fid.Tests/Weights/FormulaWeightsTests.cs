using System.Security.Cryptography;
using System.Text.Json;
using ML.Generative.Fid.Weights;
using TorchSharp;

namespace ML.Generative.Fid.Tests.Weights;

public class FormulaWeightsTests
{
    [Fact]
    public void Fnv1a32_MatchesTheReadmeVectors()
    {
        Assert.Equal(0x811c9dc5u, FormulaWeights.Fnv1a32(""));
        Assert.Equal(0xe40c292cu, FormulaWeights.Fnv1a32("a"));
        Assert.Equal(0xf9d86f7bu, FormulaWeights.Fnv1a32("input"));
        Assert.Equal(0xf8944cddu, FormulaWeights.Fnv1a32("Conv2d_1a_3x3.conv.weight"));
    }

    [Fact]
    public void Mix_AndInputPixels_MatchTheReadmeVectors()
    {
        uint h = FormulaWeights.Fnv1a32("input");
        Assert.Equal(new uint[] { 0xcc8d6f84, 0x1c9325fd, 0x10012fd4, 0x62421fea },
            Enumerable.Range(0, 4).Select(i => FormulaWeights.Mix(h, i)).ToArray());
        Assert.Equal(new[] { 0.7990331649780273f, 0.11162030696868896f, 0.06251811236143112f, 0.3838214874267578f },
            FormulaWeights.UniformFloats("input", 4));
    }

    [Fact]
    public void FirstConvWeights_MatchTheReadmeVectors()
    {
        var w = FormulaWeights.Float32Values("Conv2d_1a_3x3.conv.weight", new long[] { 32, 3, 3, 3 });
        Assert.Equal(864, w.Length);
        Assert.Equal(new[] { 0.17256461083889008f, -0.14942684769630432f, 0.1553642749786377f }, w[..3]);
    }

    [Fact]
    public void InputFile_IsTheFormula()
    {
        var bytes = File.ReadAllBytes(TestData.Path("inception", "input_4x3x64x64.f32"));
        var expected = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, expected, 0, bytes.Length);
        Assert.Equal(expected, FormulaWeights.UniformFloats("input", 4 * 3 * 64 * 64));
    }

    [Fact]
    public void RuleFor_PicksByKeySuffixAndRank()
    {
        Assert.Equal(FormulaRule.Weight, FormulaWeights.RuleFor("fc.weight", new long[] { 1008, 2048 }));
        Assert.Equal(FormulaRule.BatchNormWeight, FormulaWeights.RuleFor("a.bn.weight", new long[] { 32 }));
        Assert.Equal(FormulaRule.Bias, FormulaWeights.RuleFor("fc.bias", new long[] { 1008 }));
        Assert.Equal(FormulaRule.RunningMean, FormulaWeights.RuleFor("a.bn.running_mean", new long[] { 32 }));
        Assert.Equal(FormulaRule.RunningVar, FormulaWeights.RuleFor("a.bn.running_var", new long[] { 32 }));
        Assert.Equal(FormulaRule.NumBatchesTracked, FormulaWeights.RuleFor("a.bn.num_batches_tracked", Array.Empty<long>()));
        Assert.Throws<ArgumentException>(() => FormulaWeights.RuleFor("a.scale", new long[] { 3 }));
    }

    /// <summary>Every one of the 566 tensors (23.9M values), bit for bit, by SHA-256 of its bytes.</summary>
    [Fact]
    public void WeightsManifest_EveryTensorMatches()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("inception", "weights_manifest.json")));
        var tensors = doc.RootElement.GetProperty("tensors").EnumerateArray().ToList();
        Assert.Equal(doc.RootElement.GetProperty("num_tensors").GetInt32(), tensors.Count);
        long total = 0;
        foreach (var t in tensors)
        {
            string key = t.GetProperty("key").GetString()!;
            long[] shape = t.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()).ToArray();
            string rule = t.GetProperty("rule").GetString()!;
            var expectedRule = rule.StartsWith("kaiming_uniform") ? FormulaRule.Weight
                : rule == "zero" ? FormulaRule.NumBatchesTracked
                : rule == "0.5+u" ? (key.EndsWith(".running_var") ? FormulaRule.RunningVar : FormulaRule.BatchNormWeight)
                : key.EndsWith(".running_mean") ? FormulaRule.RunningMean : FormulaRule.Bias;
            Assert.Equal(expectedRule, FormulaWeights.RuleFor(key, shape));
            Assert.Equal(Convert.ToUInt32(t.GetProperty("fnv1a32").GetString()!, 16), FormulaWeights.Fnv1a32(key));

            var tensor = FormulaWeights.CreateTensor(key, shape);
            Assert.Equal(t.GetProperty("dtype").GetString() == "int64" ? torch.ScalarType.Int64 : torch.ScalarType.Float32, tensor.DType);
            Assert.Equal(t.GetProperty("numel").GetInt64(), tensor.ElementCount);
            total += tensor.ElementCount;

            var first = t.GetProperty("first").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            double sum = 0, sumAbs = 0;
            if (tensor.DType == torch.ScalarType.Float32)
            {
                var values = tensor.ToFloatArray();
                for (int i = 0; i < first.Length; i++) Assert.Equal(first[i], (double)values[i]);
                foreach (float v in values) { sum += v; sumAbs += Math.Abs(v); }
            }
            else
            {
                var values = tensor.ToInt64Array();
                for (int i = 0; i < first.Length; i++) Assert.Equal((long)first[i], values[i]);
            }
            // The reference summed in its own order; the digest below is the exact check.
            Assert.Equal(t.GetProperty("sum").GetDouble(), sum, 1e-12 * (1 + sumAbs));
            Assert.True(Convert.ToHexStringLower(SHA256.HashData(tensor.Data)) == t.GetProperty("sha256_le").GetString(),
                $"SHA-256 of '{key}' differs");
        }
        Assert.Equal(doc.RootElement.GetProperty("total_elements").GetInt64(), total);
    }
}
