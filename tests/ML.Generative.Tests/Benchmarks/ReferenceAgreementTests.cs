using System.Diagnostics;
using System.Text.Json;
using ML.Generative.Benchmarks;
using ML.Generative.Torch;
using ML.Generative.Torch.Serialization;
using ML.Generative.Training;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Tests.Benchmarks;

/// <summary>
/// The speed benchmark compares our training step with a PyTorch one (benchmarks/reference/models.py); the
/// comparison only means something if both compute the same thing. Here each reference case starts from the same
/// weights and input on both sides, runs 3 Adam steps, and the losses of every step and the final weights must
/// agree within float tolerance. Both sides are libtorch 1.13 on the CPU: the same seed and the same order of random
/// calls (reparameterisation noise, prior samples, skip noise) give the same numbers, so the noise needs no special
/// handling — and a model that drew its noise in another order would fail here too.
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

            var reference = RunPyTorch(caseName, input, Path.Combine(dir, "out.safetensors"));

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
                    var ours = loss.Total.item<double>();
                    var theirs = reference.Losses[step][p];
                    Assert.True(Math.Abs(ours - theirs) <= 1e-3 * Math.Abs(theirs) + 1e-4,
                        $"{caseName} step {step} player {p}: loss {ours} vs PyTorch {theirs}");
                }

            // Adam moves every weight by about lr per step whatever the gradient's size, so a gradient that is zero up
            // to rounding may move either way: the bound on single weights is 2·lr·steps; on average they must agree closely.
            var final = SafeTensors.Load(Path.Combine(dir, "out.safetensors"));
            var state = c.Model.Network.state_dict();
            Assert.Equal(final.Keys.OrderBy(k => k), state.Keys.OrderBy(k => k));
            foreach (var (name, expected) in final)
            {
                using var diff = (state[name].to(ScalarType.Float64) - expected.to(ScalarType.Float64)).abs();
                var max = diff.max().item<double>();
                var mean = diff.mean().item<double>();
                Assert.True(max <= 2 * 1e-3 * Steps + 1e-5, $"{caseName} {name}: max |difference| {max}");
                if (!RoundingDriven(name, state)) Assert.True(mean <= 2e-5, $"{caseName} {name}: mean |difference| {mean}");
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

    private static Reference RunPyTorch(string caseName, string input, string output)
    {
        var root = ReadmeExamplesTests.RepositoryRoot();
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            WorkingDirectory = Path.Combine(root, "benchmarks", "reference"),
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { "agree.py", caseName, input, output, Steps.ToString(), Seed.ToString() }) start.ArgumentList.Add(a);
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
