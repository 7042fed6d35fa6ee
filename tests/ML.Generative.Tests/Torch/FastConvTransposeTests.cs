using ML.Generative.Torch;
using static ML.Generative.Torch.torch;
using F = ML.Generative.Torch.torch.nn.functional;

namespace ML.Generative.Tests.Torch;

[Collection("global torch settings")]
public class FastConvTransposeTests
{
    [Theory]
    [InlineData(2, 3, 5, 4, 2, true)]
    [InlineData(3, 4, 2, 3, 3, true)]
    [InlineData(2, 6, 3, 5, 1, true)]
    [InlineData(2, 6, 3, 5, 1, false)]
    public void FastPath_EqualsLibtorchsConvTranspose_ValuesAndGradients(int batch, int cin, int cout, int size, int k, bool bias)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var x = randn(new long[] { batch, cin, size, size }, ScalarType.Float64);
        var w = randn(new long[] { cin, cout, k, k }, ScalarType.Float64);
        var b = bias ? randn(new long[] { cout }, ScalarType.Float64) : null;
        var grad = randn(new long[] { batch, cout, size * k, size * k }, ScalarType.Float64);

        (Tensor y, Tensor gx, Tensor gw) Run(bool fast)
        {
            backends.fast_conv_transpose = fast;
            try
            {
                var xs = x.clone().requires_grad_();
                var ws = w.clone().requires_grad_();
                var y = F.conv_transpose2d(xs, ws, b, stride: (k, k));
                y.backward(grad);
                return (y.detach(), xs.grad!, ws.grad!);
            }
            finally
            {
                backends.fast_conv_transpose = true;
            }
        }

        var fast = Run(true);
        var reference = Run(false);
        Assert.True(fast.y.allclose(reference.y, 1e-10, 1e-10));
        Assert.True(fast.gx.allclose(reference.gx, 1e-10, 1e-10));
        Assert.True(fast.gw.allclose(reference.gw, 1e-10, 1e-10));
    }
}
