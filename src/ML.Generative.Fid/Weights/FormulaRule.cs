namespace ML.Generative.Fid.Weights;

/// <summary>The role of a state-dict tensor, which picks its formula (README of the FID reference data, part 0).</summary>
public enum FormulaRule
{
    /// <summary><c>*.weight</c> of rank ≥ 2 (conv, fc): (2u - 1)·sqrt(6 / fan_in).</summary>
    Weight,

    /// <summary><c>*.weight</c> of rank 1 (BatchNorm gamma): 0.5 + u.</summary>
    BatchNormWeight,

    /// <summary><c>*.bias</c>: 0.2·(u - 0.5).</summary>
    Bias,

    /// <summary><c>*.running_mean</c>: 0.2·(u - 0.5).</summary>
    RunningMean,

    /// <summary><c>*.running_var</c>: 0.5 + u.</summary>
    RunningVar,

    /// <summary><c>*.num_batches_tracked</c>: int64 0, a 0-dim scalar.</summary>
    NumBatchesTracked,
}
