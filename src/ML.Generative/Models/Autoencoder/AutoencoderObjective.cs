using ML.Generative.Models.Losses;
using TorchSharp;
using ML.Generative.Training;
using static TorchSharp.torch;

namespace ML.Generative.Models.Autoencoder;

/// <summary>
/// The plain autoencoder's objective, and WAE-MMD's (Tolstikhin et al. 2018, Algorithm 2) when an MMD weight
/// is given: reconstruction per image (summed over pixels, batch mean) + λ·MMD(codes, prior samples) with the
/// prior N(0, σ²I). Logged terms: <c>reconstruction</c>, <c>reconstruction_per_pixel</c>, and <c>mmd</c>.
/// </summary>
public sealed class AutoencoderObjective : ITrainable
{
    private readonly AutoencoderNetwork network;
    private readonly ReconstructionLoss reconstructionLoss;
    private readonly MmdPenalty? mmd;
    private readonly Objective objective;

    public AutoencoderObjective(AutoencoderNetwork network, ReconstructionLoss reconstructionLoss, OptimizerOptions optimizer, MmdPenalty? mmd = null)
    {
        this.network = network;
        this.reconstructionLoss = reconstructionLoss;
        this.mmd = mmd;
        objective = new Objective(mmd is null ? "ae" : "wae", network.parameters().ToList(), optimizer, Loss);
    }

    public nn.Module Network => network;
    public IReadOnlyList<Objective> Objectives => new[] { objective };

    private LossResult Loss(Tensor batch, TrainingContext context)
    {
        var (code, reconstruction) = network.forward(batch);
        using var c = code;
        using var r = reconstruction;
        var recon = VaeLosses.ReconstructionPerImage(r, batch, reconstructionLoss).mean();
        var perPixel = recon / batch[0].numel();
        if (mmd is null) return new LossResult(recon.alias(), ("reconstruction", recon), ("reconstruction_per_pixel", perPixel));
        using var prior = randn_like(c) * Math.Sqrt(mmd.PriorVariance);
        var penalty = Mmd.Compute(c, prior, mmd.Kernel, mmd.PriorVariance);
        return new LossResult(recon + penalty * mmd.Weight, ("reconstruction", recon), ("reconstruction_per_pixel", perPixel), ("mmd", penalty));
    }

    public LossResult ValidationLoss(Tensor batch, TrainingContext context) => Loss(batch, context);
}

/// <summary>WAE-MMD's penalty: weight λ (default 10, as in the paper), kernel, and prior variance σ².</summary>
public sealed record MmdPenalty(double Weight = 10.0, MmdKernel Kernel = MmdKernel.InverseMultiquadric, double PriorVariance = 1.0);
