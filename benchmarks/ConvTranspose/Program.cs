using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
torch.set_num_threads(2);
// The kernel = stride transposed convolution as libtorch 2.10 runs it (oneDNN) against one matmul plus a pixel
// rearrangement (what the old binding did natively), forward and forward + backward, at the decoder shapes of the
// reference VAE (batch 128) and WAE (batch 64); median of 10 after 2 warm-up, 3 alternating rounds, 2 threads.
static Tensor AsMatmul(Tensor x, Tensor w, Tensor b, long k)
{
    var (B, Ci, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
    var Co = w.shape[1];
    var y = x.permute(0, 2, 3, 1).reshape(B * H * W, Ci).matmul(w.reshape(Ci, Co * k * k));
    return y.reshape(B, H, W, Co, k, k).permute(0, 3, 1, 4, 2, 5).reshape(B, Co, H * k, W * k) + b.view(1, Co, 1, 1);
}
var cases = new[] { (128L, 256L, 128L, 7L, 2L), (128L, 128L, 64L, 14L, 2L), (64L, 64L, 32L, 16L, 2L), (128L, 32L, 1L, 28L, 1L) };
foreach (var (B, Ci, Co, H, k) in cases)
{
    var x = randn(B, Ci, H, H, requires_grad: true);
    var w = (randn(Ci, Co, k, k) * 0.05).requires_grad_();
    var b = zeros(Co).requires_grad_();
    var diff = (F.conv_transpose2d(x, w, b, new[] { k, k }) - AsMatmul(x, w, b, k)).abs().max().ToDouble();
    double Time(Func<Tensor> f, bool backward)
    {
        var times = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            using var scope = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            var y = f();
            if (backward) y.sum().backward();
            sw.Stop();
            if (i >= 2) times.Add(sw.Elapsed.TotalMilliseconds);
            x.grad?.zero_(); w.grad?.zero_(); b.grad?.zero_();
        }
        times.Sort(); return times[times.Count / 2];
    }
    foreach (var bw in new[] { false, true })
    {
        double lib = 0, mm = 0;
        for (var r = 0; r < 3; r++) { lib += Time(() => F.conv_transpose2d(x, w, b, new[] { k, k }), bw); mm += Time(() => AsMatmul(x, w, b, k), bw); }
        Console.WriteLine($"B{B} {Ci}->{Co} {H}x{H} k{k} {(bw ? "fwd+bwd" : "fwd    ")}: conv_transpose2d {lib / 3:F2} ms, matmul+rearrange {mm / 3:F2} ms, ratio {lib / mm:F2} (max diff {diff:E1})");
    }
}
