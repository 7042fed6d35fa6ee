using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ML.Generative.Training;

/// <summary>Which optimizer updates a network.</summary>
public enum OptimizerKind
{
    Adam,
    AdamW,
    SGD,
    RMSprop,
}

/// <summary>An optimizer and its settings, as plain serialisable options.</summary>
public sealed record OptimizerOptions
{
    public OptimizerKind Kind { get; init; } = OptimizerKind.Adam;

    /// <summary>Learning rate (default 1e-3, Adam's usual value).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Adam/AdamW β₁ (GANs commonly use 0.5).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam/AdamW β₂.</summary>
    public double Beta2 { get; init; } = 0.999;

    public double WeightDecay { get; init; }

    /// <summary>SGD/RMSprop momentum.</summary>
    public double Momentum { get; init; }

    public void Validate(string owner)
    {
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"{owner}: learning rate must be a positive number");
        if (Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(Beta1), $"{owner}: betas must be in [0, 1), got ({Beta1}, {Beta2})");
        if (WeightDecay < 0) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, $"{owner}: weight decay must be >= 0");
        if (Momentum < 0) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, $"{owner}: momentum must be >= 0");
    }

    public optim.Optimizer Create(IEnumerable<Parameter> parameters) => Kind switch
    {
        OptimizerKind.Adam => optim.Adam(parameters, LearningRate, Beta1, Beta2, weight_decay: WeightDecay),
        OptimizerKind.AdamW => optim.AdamW(parameters, LearningRate, Beta1, Beta2, weight_decay: WeightDecay),
        OptimizerKind.SGD => optim.SGD(parameters, LearningRate, Momentum, weight_decay: WeightDecay),
        OptimizerKind.RMSprop => optim.RMSProp(parameters, LearningRate, momentum: Momentum, weight_decay: WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown optimizer"),
    };
}
