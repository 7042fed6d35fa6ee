using ML.Generative.Models.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Models;

public class LossFormulaTests
{
    [Fact]
    public void Kl_OfKnownGaussians_MatchesClosedForm()
    {
        using var scope = NewDisposeScope();
        // KL(N(μ,σ²)‖N(0,1)) = ½(σ² + μ² − 1 − ln σ²) per dimension.
        double[] mu = { 0, 1, -2, 0.5 };
        double[] sigma = { 1, 1, 0.5, 2 };
        var expected0 = 0.0;
        var expected1 = 0.0;
        for (var i = 0; i < 2; i++) expected0 += 0.5 * (sigma[i] * sigma[i] + mu[i] * mu[i] - 1 - Math.Log(sigma[i] * sigma[i]));
        for (var i = 2; i < 4; i++) expected1 += 0.5 * (sigma[i] * sigma[i] + mu[i] * mu[i] - 1 - Math.Log(sigma[i] * sigma[i]));
        var m = tensor(mu, new long[] { 2, 2 });
        var logvar = tensor(sigma.Select(s => Math.Log(s * s)).ToArray(), new long[] { 2, 2 });
        var kl = VaeLosses.KlDivergencePerImage(m, logvar).ToDoubles();
        Assert.Equal(expected0, kl[0], 12);
        Assert.Equal(expected1, kl[1], 12);
    }

    [Fact]
    public void ReconstructionLosses_AreSummedPerImage()
    {
        using var scope = NewDisposeScope();
        double[] x = { 0.1, 0.9, 0.5, 0.3, 0.7, 0.2, 0.6, 0.4 };
        double[] t = { 0, 1, 1, 0, 1, 0, 0, 1 };
        var recon = tensor(x, new long[] { 2, 1, 2, 2 });
        var target = tensor(t, new long[] { 2, 1, 2, 2 });
        for (var img = 0; img < 2; img++)
        {
            double bce = 0, mse = 0, l1 = 0;
            for (var i = img * 4; i < img * 4 + 4; i++)
            {
                bce += -(t[i] * Math.Log(x[i]) + (1 - t[i]) * Math.Log(1 - x[i]));
                mse += (x[i] - t[i]) * (x[i] - t[i]);
                l1 += Math.Abs(x[i] - t[i]);
            }
            Assert.Equal(bce, VaeLosses.ReconstructionPerImage(recon, target, ReconstructionLoss.BinaryCrossEntropy).ToDoubles()[img], 10);
            Assert.Equal(mse, VaeLosses.ReconstructionPerImage(recon, target, ReconstructionLoss.MeanSquaredError).ToDoubles()[img], 10);
            Assert.Equal(l1, VaeLosses.ReconstructionPerImage(recon, target, ReconstructionLoss.L1).ToDoubles()[img], 10);
        }
    }

    [Theory]
    [InlineData(MmdKernel.InverseMultiquadric)]
    [InlineData(MmdKernel.Rbf)]
    public void Mmd_MatchesDirectDoubleSum(MmdKernel kernel)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var q = randn(new long[] { 6, 3 }, ScalarType.Float64);
        var p = (randn(new long[] { 6, 3 }, ScalarType.Float64) * 1.5) + 0.3;
        var qa = q.ToDoubles();
        var pa = p.ToDoubles();
        double Dist(double[] a, int i, double[] b, int j)
        {
            double s = 0;
            for (var k = 0; k < 3; k++) s += (a[i * 3 + k] - b[j * 3 + k]) * (a[i * 3 + k] - b[j * 3 + k]);
            return s;
        }
        const double sigma2 = 2.0;
        var scales = new[] { 0.5, 1.0, 3.0 };
        var expected = 0.0;
        foreach (var s in scales)
        {
            var c = 2 * 3 * sigma2 * s;
            double K(double d2) => kernel == MmdKernel.InverseMultiquadric ? c / (c + d2) : Math.Exp(-d2 / c);
            double same = 0, cross = 0;
            for (var i = 0; i < 6; i++)
                for (var j = 0; j < 6; j++)
                {
                    if (i != j) same += K(Dist(qa, i, qa, j)) + K(Dist(pa, i, pa, j));
                    cross += K(Dist(pa, i, qa, j));
                }
            expected += same / (6 * 5) - 2 * cross / 36;
        }
        var actual = Mmd.Compute(q, p, kernel, sigma2, scales).ToDouble();
        Assert.Equal(expected, actual, 10);
    }

    [Fact]
    public void Mmd_OfASetWithItself_IsNearZeroAndOfShiftedSetsPositive()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var a = randn(200, 4);
        var b = randn(200, 4);
        var far = randn(200, 4) + 3;
        var near = Mmd.Compute(a, b, MmdKernel.InverseMultiquadric).ToDouble();
        var distant = Mmd.Compute(a, far, MmdKernel.InverseMultiquadric).ToDouble();
        Assert.True(Math.Abs(near) < 0.05, $"MMD of two samples of one distribution: {near}");
        Assert.True(distant > 10 * Math.Abs(near), $"MMD of shifted samples {distant} vs same {near}");
    }
}
