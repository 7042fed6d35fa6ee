using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace HandWritten;

/// <summary>One case: its networks (for train/eval/to), its optimizers with their losses in update order, and the
/// generator used for sampling (prior codes → images) where the case has one.</summary>
internal sealed record Case(string Name, int Channels, int Size, int Batch, Module Network,
    (optim.Optimizer Optimizer, Func<Tensor, Tensor> Loss)[] Players, int Latent = 0, Func<Tensor, Tensor>? Decode = null);

internal static class Cases
{
    public static Case Build(string name, Device device)
    {
        switch (name)
        {
            case "vae28":
            case "vae32":
            {
                var (c, s) = name == "vae28" ? (1, 28) : (3, 32);
                var vae = new Vae(c, s, 64);
                vae.to(device);
                Tensor Loss(Tensor x)
                {
                    var (mu, logvar, recon) = vae.forward(x);
                    return Losses.Bce(recon, x) + Losses.Kl(mu, logvar);
                }
                return new Case(name, c, s, 128, vae, [(optim.Adam(vae.parameters(), 1e-3), Loss)], 64, vae.Decoder.forward);
            }
            case "vaegan32":
            case "unetvaegan32":
            {
                var unet = name == "unetvaegan32";
                var vae = new Vae(3, 32, 64, unet);
                var disc = new Discriminator(3, 32);
                var both = new Both(vae, disc);
                both.to(device);
                // Prior samples, one per image; the U-Net decodes them with the batch's own skips, perturbed.
                Tensor DecodePrior(Tensor x)
                {
                    var z = randn(new long[] { x.shape[0], vae.Latent }, device: x.device);
                    if (!unet) return vae.Decoder.forward(z);
                    var (_, _, skips) = vae.Encode(x);
                    return vae.Decoder.Decode(z, skips!.Select(k => k * (1 + randn_like(k) * 0.1)).ToList());
                }
                Tensor DiscriminatorLoss(Tensor x)
                {
                    Tensor fake;
                    using (no_grad()) fake = DecodePrior(x);
                    return Losses.GanD(disc.forward(x), disc.forward(fake));
                }
                Tensor VaeLoss(Tensor x)
                {
                    var (mu, logvar, recon) = vae.forward(x);
                    return (Losses.Mse(recon, x) + Losses.Kl(mu, logvar)) * 1.0 + Losses.GanG(disc.forward(DecodePrior(x))) * 0.1;
                }
                return new Case(name, 3, 32, 64, both,
                    [(optim.Adam(disc.parameters(), 1e-3), DiscriminatorLoss), (optim.Adam(vae.parameters(), 1e-3), VaeLoss)]);
            }
            case "wae64":
            {
                var ae = new Autoencoder(3, 64, 8);
                ae.to(device);
                Tensor Loss(Tensor x)
                {
                    var (code, recon) = ae.forward(x);
                    return Losses.Mse(recon, x) + 10.0 * Losses.MmdImq(code, randn_like(code));
                }
                return new Case(name, 3, 64, 64, ae, [(optim.Adam(ae.parameters(), 1e-3), Loss)], 8, ae.Decoder.forward);
            }
            default:
                throw new ArgumentException($"unknown case '{name}' (vae28, vae32, vaegan32, unetvaegan32, wae64)");
        }
    }

    /// <summary>The VAE-GAN's two networks under one module, so train/eval/to reach both.</summary>
    private sealed class Both : Module
    {
        private readonly Vae vae;
        private readonly Discriminator discriminator;

        public Both(Vae vae, Discriminator discriminator) : base(nameof(Both))
        {
            this.vae = vae;
            this.discriminator = discriminator;
            RegisterComponents();
        }
    }
}

/// <summary>The losses, per image summed over pixels then averaged over the batch, as the library and models.py do.</summary>
internal static class Losses
{
    public static Tensor Bce(Tensor recon, Tensor x) => F.binary_cross_entropy(recon, x, reduction: Reduction.None).flatten(1).sum(1).mean();

    public static Tensor Mse(Tensor recon, Tensor x) => F.mse_loss(recon, x, Reduction.None).flatten(1).sum(1).mean();

    public static Tensor Kl(Tensor mu, Tensor logvar) => (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)).mean();

    public static Tensor GanD(Tensor real, Tensor fake) =>
        F.binary_cross_entropy_with_logits(real, ones_like(real)) + F.binary_cross_entropy_with_logits(fake, zeros_like(fake));

    public static Tensor GanG(Tensor fake) => F.binary_cross_entropy_with_logits(fake, ones_like(fake));

    /// <summary>WAE-MMD's penalty: the unbiased MMD with inverse multiquadric kernels C/(C + ‖a−b‖²), C = 2·d·s, summed over scales s.</summary>
    public static Tensor MmdImq(Tensor q, Tensor p)
    {
        var (n, d) = (q.shape[0], q.shape[1]);
        static Tensor Sq(Tensor a, Tensor b) => (a.pow(2).sum(1, keepdim: true) + b.pow(2).sum(1, keepdim: true).t() - 2 * a.matmul(b.t())).clamp_min(0);
        var (dqq, dpp, dpq) = (Sq(q, q), Sq(p, p), Sq(p, q));
        var off = 1 - eye(n, dtype: q.dtype, device: q.device);
        Tensor? total = null;
        foreach (var s in new[] { 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0 })
        {
            var c = 2.0 * d * s;
            var term = ((c / (dqq + c) + c / (dpp + c)) * off).sum() / (n * (n - 1)) - (c / (dpq + c)).sum() * 2.0 / (n * n);
            total = total is null ? term : total + term;
        }
        return total!;
    }
}
