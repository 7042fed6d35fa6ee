using System.Diagnostics;
using System.Text.Json;
using ML.Generative.Benchmarks;
using TorchSharp;
using ML.Generative.Serialization;
using ML.Generative.Training;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Benchmarks;

/// <summary>
/// The speed benchmark compares our training step with a PyTorch one (benchmarks/reference/models.py); the
/// comparison only means something if both compute the same thing. Here each reference case starts from the same
/// weights and input on both sides, runs 3 Adam steps, and the losses of every step and the final weights must
/// agree within float tolerance. The same seed and the same order of random calls (reparameterisation noise, prior
/// samples, skip noise) give the same numbers on both sides (libtorch 2.10 here, PyTorch 1.13 there), so the noise
/// needs no special handling — and a model that drew its noise in another order would fail here too. The two
/// libtorch versions round differently (other kernels), and Adam's first steps move a weight by about lr whatever
/// its gradient's size, so a gradient that is zero up to rounding moves either way: how far float32 rounding alone
/// moves the weights is measured by running PyTorch a second time in float64, and ours must stay within a small
/// multiple of PyTorch's own float32 error.
/// </summary>
public class ReferenceAgreementTests
{
    private const int Steps = 3, Batch = 8, Seed = 5;

    [Theory]
    [InlineData("vae28")]
    [InlineData("vae32")]
    [InlineData("vaegan32")]
    [InlineData("unetvaegan32")]
    [InlineData("wae64")]
    public void ThreeStepsFromTheSameWeights_AgreeWithPyTorch(string caseName)
    {
        var dir = Directory.CreateTempSubdirectory("mlgen-agree-").FullName;
        try
        {
            manual_seed(1);
            var c = Cases.Build(caseName);
            using var x = rand(Batch, c.Channels, c.Size, c.Size);
            var initial = c.Model.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
            initial["__input__"] = x;
            var input = Path.Combine(dir, "in.safetensors");
            SafeTensors.Save(input, initial);

            var reference = RunPyTorch(caseName, input, Path.Combine(dir, "out.safetensors"), "float32");
            RunPyTorch(caseName, input, Path.Combine(dir, "out64.safetensors"), "float64");

            c.Model.Network.train();
            var optimizers = c.Model.Objectives.Select(o => o.Optimizer.Create(o.Parameters)).ToArray();
            manual_seed(Seed);
            for (var step = 0; step < Steps; step++)
                for (var p = 0; p < optimizers.Length; p++)
                {
                    using var scope = NewDisposeScope();
                    optimizers[p].zero_grad();
                    using var loss = c.Model.Objectives[p].Loss(x, new TrainingContext(0, step, Steps, true));
                    loss.Total.backward();
                    optimizers[p].step();
                    var ours = loss.Total.ToDouble();
                    var theirs = reference.Losses[step][p];
                    Assert.True(Math.Abs(ours - theirs) <= 1e-3 * Math.Abs(theirs) + 1e-4,
                        $"{caseName} step {step} player {p}: loss {ours} vs PyTorch {theirs}");
                }

            // Adam moves every weight by about lr per step whatever the gradient's size, so a gradient that is zero up
            // to rounding may move either way: the bound on single weights is 2·lr·steps. On average, ours may be off
            // PyTorch's double-precision result by at most twice what PyTorch's own float32 run is off it (plus a floor
            // for tensors that float32 reproduces exactly).
            var final = SafeTensors.Load(Path.Combine(dir, "out.safetensors"));
            var exact = SafeTensors.Load(Path.Combine(dir, "out64.safetensors"));
            var state = c.Model.Network.state_dict();
            Assert.Equal(final.Keys.OrderBy(k => k), state.Keys.OrderBy(k => k));
            foreach (var (name, expected) in final)
            {
                using var scope = NewDisposeScope();
                var ours = state[name].to(ScalarType.Float64);
                var max = (ours - expected.to(ScalarType.Float64)).abs().max().ToDouble();
                Assert.True(max <= 2 * 1e-3 * Steps + 1e-5, $"{caseName} {name}: max |difference| {max}");
                if (RoundingDriven(name, state)) continue;
                var oursError = (ours - exact[name]).abs().mean().ToDouble();
                var theirError = (expected.to(ScalarType.Float64) - exact[name]).abs().mean().ToDouble();
                Assert.True(oursError <= 2 * theirError + 2e-6,
                    $"{caseName} {name}: mean |ours - float64| {oursError:E3}, PyTorch float32's {theirError:E3}");
            }
            foreach (var o in optimizers) o.Dispose();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>A bias right before a batch norm (the discriminator's) has no gradient but rounding: batch norm
    /// subtracts it again. Adam then moves it by ±lr at random on each side, and that batch norm's running mean
    /// follows it; for these only the max bound applies.</summary>
    private static bool RoundingDriven(string name, IReadOnlyDictionary<string, Tensor> state)
    {
        var parts = name.Split('.');
        if (parts.Length < 3 || !int.TryParse(parts[^2], out var index)) return false;
        string Sibling(int i, string leaf) => string.Join('.', parts[..^2].Append(i.ToString()).Append(leaf));
        return parts[^1] switch
        {
            "bias" => state.ContainsKey(Sibling(index + 1, "running_mean")),
            "running_mean" => state.ContainsKey(Sibling(index - 1, "bias")),
            _ => false,
        };
    }

    private sealed record Reference(double[][] Losses);

    private static Reference RunPyTorch(string caseName, string input, string output, string dtype)
    {
        var root = ReadmeExamplesTests.RepositoryRoot();
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            WorkingDirectory = Path.Combine(root, "benchmarks", "reference"),
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { "agree.py", caseName, input, output, Steps.ToString(), Seed.ToString(), dtype }) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"the PyTorch reference failed: {stderr}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        return new Reference(json.RootElement.GetProperty("losses").EnumerateArray()
            .Select(s => s.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray());
    }
}
