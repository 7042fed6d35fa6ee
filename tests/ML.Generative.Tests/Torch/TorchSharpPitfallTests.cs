using System.Text.RegularExpressions;

namespace ML.Generative.Tests.Torch;

/// <summary>
/// TorchSharp 0.107 overloads that compile but mean something else than in PyTorch, checked over the sources:
/// <c>x.sum(0)</c> and <c>x.prod(0)</c> bind to <c>sum(ScalarType? type)</c> (C# converts the literal 0 to any
/// enum), so they reduce everything to a Byte scalar instead of summing over dimension 0 — found here when the
/// U-Net's skip statistics came out as one number. <c>x.sum(dim: 0)</c> says what is meant. Also
/// <c>Tensor.matmul</c> on mismatched shapes aborts the process (TorchSharp does not catch libtorch's error there).
/// </summary>
public class TorchSharpPitfallTests
{
    private static readonly Regex ReductionOverLiteralZero = new(@"\b(sum|prod|nansum)\(\s*(\w+\s*,\s*)?0[lL]?\s*[,)]", RegexOptions.Compiled);

    [Fact]
    public void NoSource_ReducesOverALiteralZeroDimension()
    {
        var root = ReadmeExamplesTests.RepositoryRoot();
        var offenders = new[] { "src", "benchmarks", "tests" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.EndsWith(nameof(TorchSharpPitfallTests) + ".cs"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => ReductionOverLiteralZero.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(root, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "write sum(dim: 0): " + string.Join("\n", offenders));
    }

    [Fact]
    public void TheOverloadItGuardsAgainst_StillBehavesThisWay()
    {
        // If a TorchSharp update changes this, the lint above may go.
        using var x = TorchSharp.torch.ones(2, 3);
        using var wrong = x.sum(0);
        using var right = x.sum(dim: 0);
        Assert.Empty(wrong.shape);
        Assert.Equal(new long[] { 3 }, right.shape);
    }
}
