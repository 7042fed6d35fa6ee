using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Losses;
using ML.Generative.Models.Networks;
using TorchSharp;
using ML.Generative.Training;
using static TorchSharp.torch;

namespace ML.Generative.Models.Wae;

/// <summary>An autoencoder with a discriminator on its codes (keys <c>autoencoder.*</c>, <c>discriminator.*</c>).</summary>
public sealed class LatentAdversarialNetwork : nn.Module
{
    public readonly AutoencoderNetwork autoencoder;
    public readonly LatentDiscriminator discriminator;

    public LatentAdversarialNetwork(AutoencoderNetwork autoencoder, LatentDiscriminator discriminator) : base("LatentAdversarialNetwork")
    {
        this.autoencoder = autoencoder;
        this.discriminator = discriminator;
        RegisterComponents();
    }
}

/// <summary>
/// WAE-GAN (Tolstikhin et al. 2018, Algorithm 1) and the adversarial autoencoder (Makhzani et al. 2016): a
/// discriminator in latent space replaces the MMD penalty. Players, in update order:
/// <c>D</c>: −E[log D(z)] − E[log(1 − D(E(x)))], z ~ N(0, σ²I);
/// <c>AE</c>: reconstruction (summed per image) + λ·(−E[log D(E(x))]).
/// </summary>
public sealed class LatentAdversarialObjective : ITrainable
{
    private readonly LatentAdversarialNetwork network;
    private readonly ReconstructionLoss reconstruction;
    private readonly double lambda, priorVariance;
    private readonly Objective[] objectives;

    public LatentAdversarialObjective(LatentAdversarialNetwork network, ReconstructionLoss reconstruction, OptimizerOptions autoencoderOptimizer,
        OptimizerOptions discriminatorOptimizer, double lambda = 1.0, double priorVariance = 1.0)
    {
        if (!(lambda >= 0)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ must be >= 0");
        if (!(priorVariance > 0)) throw new ArgumentOutOfRangeException(nameof(priorVariance), priorVariance, "prior variance must be > 0");
        this.network = network;
        this.reconstruction = reconstruction;
        this.lambda = lambda;
        this.priorVariance = priorVariance;
        objectives = new[]
        {
            new Objective("D", network.discriminator.parameters().ToList(), discriminatorOptimizer, DiscriminatorLoss),
            new Objective("AE", network.autoencoder.parameters().ToList(), autoencoderOptimizer, AutoencoderLoss),
        };
    }

    public nn.Module Network => network;
    public IReadOnlyList<Objective> Objectives => objectives;

    private LossResult DiscriminatorLoss(Tensor batch, TrainingContext context)
    {
        using var scope = NewDisposeScope();
        Tensor codes;
        using (no_grad()) codes = network.autoencoder.Encode(batch);
        var prior = randn_like(codes) * Math.Sqrt(priorVariance);
        var loss = GanLosses.Discriminator(network.discriminator.forward(prior), network.discriminator.forward(codes));
        return new LossResult(loss.MoveToOuterDisposeScope());
    }

    private LossResult AutoencoderLoss(Tensor batch, TrainingContext context)
    {
        using var scope = NewDisposeScope();
        var (codes, recon) = network.autoencoder.forward(batch);
        var r = VaeLosses.ReconstructionPerImage(recon, batch, reconstruction).mean();
        var adversarial = GanLosses.Generator(network.discriminator.forward(codes));
        var total = r + adversarial * lambda;
        return new LossResult(total.MoveToOuterDisposeScope(), ("reconstruction", r.MoveToOuterDisposeScope()),
            ("adversarial", adversarial.MoveToOuterDisposeScope()), ("reconstruction_per_pixel", (r / batch[0].numel()).MoveToOuterDisposeScope()));
    }

    public LossResult ValidationLoss(Tensor batch, TrainingContext context)
    {
        using var scope = NewDisposeScope();
        var (_, recon) = network.autoencoder.forward(batch);
        var r = VaeLosses.ReconstructionPerImage(recon, batch, reconstruction).mean();
        return new LossResult(r.MoveToOuterDisposeScope(), ("reconstruction_per_pixel", (r / batch[0].numel()).MoveToOuterDisposeScope()));
    }
}
