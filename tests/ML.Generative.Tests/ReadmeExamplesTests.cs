using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ML.Generative.Torch;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Tests;

/// <summary>
/// The README's C# examples, compiled and run here. Each example sits between "README:begin" and
/// "README:end" marker comments; <see cref="ReadmeShowsEveryExampleVerbatim"/> checks that README.md holds
/// each one as a ```csharp block, character for character (after removing the common indentation).
/// </summary>
public class ReadmeExamplesTests
{
    [Fact]
    public void TorchLayerExample_Learns()
    {
        // README:begin torch-layer
        manual_seed(1);
        var model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1));
        var opt = optim.Adam(model.parameters(), lr: 0.01);
        using var x = tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, new long[] { 4, 2 });
        using var y = tensor(new float[] { 0, 1, 1, 0 }, new long[] { 4, 1 });
        for (var step = 0; step < 500; step++)
        {
            using var scope = NewDisposeScope();          // frees every tensor this step created
            var loss = nn.functional.mse_loss(model.forward(x), y);
            opt.zero_grad();
            loss.backward();
            opt.step();
        }
        // README:end
        using var final = nn.functional.mse_loss(model.forward(x), y);
        Assert.True(final.item<float>() < 0.01, $"XOR not learned: loss {final.item<float>()}");
        opt.Dispose();
        model.Dispose();
    }

    [Fact]
    public void ReadmeShowsEveryExampleVerbatim()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).Replace("\r\n", "\n");
        var blocks = Regex.Matches(readme, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        var source = File.ReadAllText(SourcePath()).Replace("\r\n", "\n");
        var examples = Regex.Matches(source, @"// README:begin (\S+)\n(.*?)\n\s*// README:end", RegexOptions.Singleline);
        Assert.NotEmpty(examples);
        foreach (Match example in examples)
        {
            var code = Dedent(example.Groups[2].Value);
            Assert.True(blocks.Any(b => b.Contains(code)), $"README.md does not show the example '{example.Groups[1].Value}' as compiled here:\n{code}");
        }
    }

    private static string Dedent(string text)
    {
        var lines = text.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())) + "\n";
    }

    private static string SourcePath([CallerFilePath] string path = "") => path;

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(SourcePath())!); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MLGenerative.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (with MLGenerative.sln) not found");
    }
}
