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
    [InlineData(6, 4, 3, 5, 2, false)]   // enough images for the image-by-image forward
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

    // Without gradients (sampling) every kernel = stride layer, 1x1 and bias included, runs image by image.
    [Theory]
    [InlineData(5, 3, 4, 6, 2, true)]
    [InlineData(4, 5, 2, 3, 3, false)]
    [InlineData(7, 6, 3, 4, 1, true)]
    [InlineData(3, 6, 3, 4, 2, true)]    // too few images for the threads: the whole-batch path
    public void FastPath_InInferenceMode_EqualsLibtorchsConvTranspose(int batch, int cin, int cout, int size, int k, bool bias)
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        var x = randn(new long[] { batch, cin, size, size }, ScalarType.Float64);
        var w = randn(new long[] { cin, cout, k, k }, ScalarType.Float64);
        var b = bias ? randn(new long[] { cout }, ScalarType.Float64) : null;
        Tensor Run(bool fast)
        {
            backends.fast_conv_transpose = fast;
            try
            {
                using (inference_mode()) return F.conv_transpose2d(x, w, b, stride: (k, k)).clone();
            }
            finally
            {
                backends.fast_conv_transpose = true;
            }
        }

        var fast = Run(true);
        var reference = Run(false);
        Assert.Equal(reference.shape, fast.shape);
        Assert.True(fast.allclose(reference, 1e-10, 1e-10));
    }
}
