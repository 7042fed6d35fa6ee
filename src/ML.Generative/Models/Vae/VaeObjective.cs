using ML.Generative.Models.Losses;
using TorchSharp;
using ML.Generative.Training;
using static TorchSharp.torch;

namespace ML.Generative.Models.Vae;

/// <summary>
/// The (β-)VAE objective: per image, reconstruction (summed over pixels) + β·w(t)·KL, averaged over the
/// batch, where w(t) rises linearly from 0 to 1 over the first <c>warmupFraction</c> of training (KL
/// annealing, Bowman et al. 2016) and is 1 without warm-up. Logged terms: <c>reconstruction</c>,
/// <c>kl</c> (per image), <c>reconstruction_per_pixel</c>.
/// </summary>
public sealed class VaeObjective : ITrainable
{
    private readonly VaeNetwork network;
    private readonly ReconstructionLoss reconstructionLoss;
    private readonly double beta;
    private readonly double warmupFraction;
    private readonly Objective objective;

    public VaeObjective(VaeNetwork network, ReconstructionLoss reconstructionLoss, double beta, double warmupFraction, OptimizerOptions optimizer)
    {
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be >= 0");
        if (warmupFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(warmupFraction), warmupFraction, "KL warm-up is a fraction of training in [0, 1]");
        this.network = network;
        this.reconstructionLoss = reconstructionLoss;
        this.beta = beta;
        this.warmupFraction = warmupFraction;
        objective = new Objective("vae", network.parameters().ToList(), optimizer, Loss);
    }

    public nn.Module Network => network;
    public IReadOnlyList<Objective> Objectives => new[] { objective };

    /// <summary>The KL weight at a point of training.</summary>
    public double KlWeight(TrainingContext context) =>
        !context.Training || warmupFraction == 0 ? beta : beta * Math.Min(1.0, context.Progress / warmupFraction);

    private LossResult Loss(Tensor batch, TrainingContext context)
    {
        using var output = network.forward(batch);
        var reconstruction = VaeLosses.ReconstructionPerImage(output.Reconstruction, batch, reconstructionLoss).mean();
        var kl = VaeLosses.KlDivergencePerImage(output.Mu, output.Logvar).mean();
        var total = reconstruction + kl * KlWeight(context);
        var pixels = batch[0].numel();
        return new LossResult(total, ("reconstruction", reconstruction), ("kl", kl), ("reconstruction_per_pixel", reconstruction / pixels));
    }

    public LossResult ValidationLoss(Tensor batch, TrainingContext context) => Loss(batch, context);
}
