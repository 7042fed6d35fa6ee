using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ML.Generative.Training;

/// <summary>One network's objective within a training step: its parameters, its optimizer, and its loss.</summary>
/// <param name="Name">Short name used to prefix its loss terms in logs when there are several (e.g. <c>D</c>, <c>G</c>).</param>
/// <param name="Parameters">The parameters this objective's optimizer updates.</param>
/// <param name="Optimizer">The optimizer settings (per network: TTUR uses different learning rates).</param>
/// <param name="Loss">Computes the loss on a batch with the current networks.</param>
/// <param name="UpdatesPerBatch">Updates per batch (e.g. several critic updates per generator update in WGAN).</param>
public sealed record Objective(
    string Name,
    IReadOnlyList<Parameter> Parameters,
    OptimizerOptions Optimizer,
    Func<Tensor, TrainingContext, LossResult> Loss,
    int UpdatesPerBatch = 1);

/// <summary>A model the training loops can train: its networks and objectives, in update order.</summary>
public interface ITrainable
{
    /// <summary>Every network of the model (for train/eval modes and checkpoints).</summary>
    nn.Module Network { get; }

    /// <summary>One objective for single-objective models (AE, VAE, WAE-MMD); one per player, in the order
    /// they are updated, for adversarial ones.</summary>
    IReadOnlyList<Objective> Objectives { get; }

    /// <summary>The loss reported for validation batches (computed in eval mode without gradients).</summary>
    LossResult ValidationLoss(Tensor batch, TrainingContext context);
}
