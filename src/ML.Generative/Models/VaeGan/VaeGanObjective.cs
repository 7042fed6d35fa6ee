using ML.Generative.Models.Losses;
using ML.Generative.Models.Networks;
using ML.Generative.Models.Vae;
using TorchSharp;
using ML.Generative.Training;
using static TorchSharp.torch;

namespace ML.Generative.Models.VaeGan;

/// <summary>The VAE-GAN's two networks under one module (keys <c>vae.*</c>, <c>discriminator.*</c>).</summary>
public sealed class VaeGanNetwork : nn.Module
{
    public readonly VaeNetwork vae;
    public readonly ImageDiscriminator discriminator;

    public VaeGanNetwork(VaeNetwork vae, ImageDiscriminator discriminator) : base("VaeGanNetwork")
    {
        this.vae = vae;
        this.discriminator = discriminator;
        RegisterComponents();
    }
}

/// <summary>
/// VAE-GAN (after Larsen et al. 2016, in the reference experiment's form): the VAE's decoder is the generator;
/// a discriminator tells real images from decoded prior samples. Players, in update order:
/// <c>D</c>: −E[log D(x)] − E[log(1 − D(Dec(z)))], z ~ N(0, I);
/// <c>VAE</c>: λ_VAE·(MSE + KL) + λ_GAN·(−E[log D(Dec(z))]), reconstruction summed per image.
/// For the U-Net VAE (a <see cref="VaeNetwork"/> with <c>unet</c>), prior samples are decoded with the batch's
/// own skip features perturbed as skipᵢ·(1 + α·εᵢ), the reference's sampling rule.
/// </summary>
public sealed class VaeGanObjective : ITrainable
{
    private readonly VaeGanNetwork network;
    private readonly double lambdaVae, lambdaGan, skipNoise;
    private readonly ReconstructionLoss reconstruction;
    private readonly Objective[] objectives;

    public VaeGanObjective(VaeGanNetwork network, OptimizerOptions vaeOptimizer, OptimizerOptions discriminatorOptimizer,
        double lambdaVae = 1.0, double lambdaGan = 0.1, double skipNoise = 0.1, ReconstructionLoss reconstruction = ReconstructionLoss.MeanSquaredError)
    {
        if (lambdaVae < 0 || lambdaGan < 0) throw new ArgumentOutOfRangeException(nameof(lambdaGan), "λ weights must be >= 0");
        this.network = network;
        this.lambdaVae = lambdaVae;
        this.lambdaGan = lambdaGan;
        this.skipNoise = skipNoise;
        this.reconstruction = reconstruction;
        objectives = new[]
        {
            new Objective("D", network.discriminator.parameters().ToList(), discriminatorOptimizer, DiscriminatorLoss),
            new Objective("VAE", network.vae.parameters().ToList(), vaeOptimizer, VaeLoss),
        };
    }

    public nn.Module Network => network;
    public IReadOnlyList<Objective> Objectives => objectives;

    /// <summary>Decodes prior samples, one per image of <paramref name="batch"/> (whose skips the U-Net uses).</summary>
    private Tensor DecodePrior(Tensor batch)
    {
        using var scope = NewDisposeScope();
        var vae = network.vae;
        var z = randn(new[] { batch.shape[0], (long)vae.LatentSize }, batch.dtype, batch.device);
        if (!vae.UNet) return vae.Decode(z).MoveToOuterDisposeScope();
        var (_, _, skips) = vae.EncodeWithSkips(batch);
        var noisy = skips.Select(s => s * (1 + randn_like(s) * skipNoise)).ToArray();
        return vae.Decode(z, noisy).MoveToOuterDisposeScope();
    }

    private LossResult DiscriminatorLoss(Tensor batch, TrainingContext context)
    {
        using var scope = NewDisposeScope();
        Tensor fake;
        using (no_grad()) fake = DecodePrior(batch);
        var loss = GanLosses.Discriminator(network.discriminator.forward(batch), network.discriminator.forward(fake));
        return new LossResult(loss.MoveToOuterDisposeScope());
    }

    private LossResult VaeLoss(Tensor batch, TrainingContext context)
    {
        using var scope = NewDisposeScope();
        var output = network.vae.forward(batch);
        var recon = VaeLosses.ReconstructionPerImage(output.Reconstruction, batch, reconstruction).mean();
        var kl = VaeLosses.KlDivergencePerImage(output.Mu, output.Logvar).mean();
        var adversarial = GanLosses.Generator(network.discriminator.forward(DecodePrior(batch)));
        var total = (recon + kl) * lambdaVae + adversarial * lambdaGan;
        return new LossResult(total.MoveToOuterDisposeScope(), ("reconstruction", recon.MoveToOuterDisposeScope()),
            ("kl", kl.MoveToOuterDisposeScope()), ("adversarial", adversarial.MoveToOuterDisposeScope()),
            ("reconstruction_per_pixel", (recon / batch[0].numel()).MoveToOuterDisposeScope()));
    }

    public LossResult ValidationLoss(Tensor batch, TrainingContext context)
    {
        using var scope = NewDisposeScope();
        var output = network.vae.forward(batch);
        var recon = VaeLosses.ReconstructionPerImage(output.Reconstruction, batch, reconstruction).mean();
        var kl = VaeLosses.KlDivergencePerImage(output.Mu, output.Logvar).mean();
        return new LossResult((recon + kl).MoveToOuterDisposeScope(), ("reconstruction", recon.MoveToOuterDisposeScope()),
            ("kl", kl.MoveToOuterDisposeScope()), ("reconstruction_per_pixel", (recon / batch[0].numel()).MoveToOuterDisposeScope()));
    }
}
