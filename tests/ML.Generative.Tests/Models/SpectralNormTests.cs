using TorchSharp;
using TorchSharp.Modules;
using ML.Generative.Models.Networks;
using static ML.Generative.Tests.Torch.Reference;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Models;

/// <summary>The library's spectral normalisation (TorchSharp has none): PyTorch's keys, the power iteration's
/// fixed point against an independent singular value, and gradients reaching weight_orig. One power iteration
/// against PyTorch itself is in GoldenTests.</summary>
public class SpectralNormTests
{
    private static Parameter WeightOrig(SpectralNorm layer) => layer.named_parameters().Single(p => p.name == "weight_orig").parameter;

    [Fact]
    public void Keys_AreTorchNnUtilsSpectralNorms()
    {
        using var linear = new SpectralNorm(nn.Linear(3, 2));
        Assert.Equal(new[] { "weight_orig", "bias", "weight_u", "weight_v" }.Order(), linear.state_dict().Keys.Order());
        Assert.Equal(new[] { "bias", "weight_orig" }, linear.named_parameters().Select(p => p.name).Order().ToArray());
        using var deconv = new SpectralNorm(nn.ConvTranspose2d(3, 2, 3));
        // dim 1 for transposed convolutions: u has C_out entries, v the rest.
        Assert.Equal(new long[] { 2 }, deconv.state_dict()["weight_u"].shape);
        Assert.Equal(new long[] { 27 }, deconv.state_dict()["weight_v"].shape);
        Assert.Throws<ArgumentException>(() => new SpectralNorm(nn.BatchNorm2d(3)));
    }

    [Fact]
    public void AfterManyPowerIterations_LargestSingularValueIsOne()
    {
        using var scope = NewDisposeScope();
        int outF = 4, inF = 6;
        using var layer = new SpectralNorm(nn.Linear(inF, outF, hasBias: false, dtype: ScalarType.Float64));
        var w = Values(outF * inF, 5, 2);
        using (no_grad()) WeightOrig(layer).copy_(F64(w, outF, inF));
        var identity = eye(inF, dtype: ScalarType.Float64);
        for (var i = 0; i < 200; i++) layer.forward(identity).Dispose();

        // forward(I) = I·W_effᵀ = W_effᵀ.
        var wEff = layer.forward(identity).t().contiguous();
        var (eigenvalues, _) = linalg.eigh(wEff.t().matmul(wEff));
        AssertClose(1.0, Math.Sqrt(eigenvalues.max().ToDouble()), 1e-6, 0, "σ_max(W_eff) via eigh");
        // And independently: W_eff = W / σ(W), with σ from a power iteration coded in the test's reference.
        var sigma = LargestSingularValue(w, outF, inF);
        AssertClose(w.Select(v => v / sigma).ToArray(), wEff, 1e-6, 1e-9, "W_eff");

        // In eval no power iteration happens: u stays as it is.
        layer.eval();
        var u = layer.state_dict()["weight_u"].clone();
        layer.forward(identity);
        Assert.True(u.Identical(layer.state_dict()["weight_u"]));
    }

    [Fact]
    public void Conv2d_DividesTheWeightBySigmaOfItsMatrix_AndGradientReachesWeightOrig()
    {
        using var scope = NewDisposeScope();
        using var conv = new SpectralNorm(nn.Conv2d(2, 3, 3, padding: 1, dtype: ScalarType.Float64));
        var w = Values(3 * 2 * 3 * 3, 6);
        var b = Values(3, 7);
        using (no_grad())
        {
            WeightOrig(conv).copy_(F64(w, 3, 2, 3, 3));
            conv.named_parameters().Single(p => p.name == "bias").parameter.copy_(F64(b, 3));
        }
        var xv = Values(2 * 4 * 4, 8);
        var x = F64(xv, 1, 2, 4, 4);
        for (var i = 0; i < 200; i++) conv.forward(x).Dispose();
        var y = conv.forward(x);
        var sigma = LargestSingularValue(w, 3, 18);
        var expected = ML.Generative.Tests.Torch.Reference.Conv2d(xv, 1, 2, 4, 4, w.Select(v => v / sigma).ToArray(), 3, 3, 3, b, (1, 1), (1, 1), (1, 1), 1, out _, out _);
        AssertClose(expected, y, 1e-6, 1e-9);

        y.square().sum().backward();
        Assert.NotNull(WeightOrig(conv).grad);
        Assert.Null(conv.state_dict()["weight_u"].grad);
    }

    [Fact]
    public void TwoForwardPassesBeforeBackward_AsAGansRealAndFakeBatches_Work()
    {
        using var scope = NewDisposeScope();
        using var layer = new SpectralNorm(nn.Linear(3, 1));
        var loss = layer.forward(randn(4, 3)).mean() - layer.forward(randn(4, 3)).mean();
        loss.backward();
        Assert.NotNull(WeightOrig(layer).grad);
    }
}
