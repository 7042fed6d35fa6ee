namespace ML.Generative.Fid;

/// <summary>When the Fréchet distance adds eps·I to both covariances inside the matrix square root.</summary>
public enum FrechetOffset
{
    /// <summary>
    /// Exactly when pytorch-fid would: its <c>scipy.linalg.sqrtm</c> of Σ1Σ2 fails (and it retries with the
    /// offset) when some feature has zero variance in one set but not in the other, and some other feature
    /// has zero variance in the other set but not in the first.
    /// </summary>
    PytorchFid,

    /// <summary>Never add the offset.</summary>
    Never,

    /// <summary>Always add the offset.</summary>
    Always,
}
