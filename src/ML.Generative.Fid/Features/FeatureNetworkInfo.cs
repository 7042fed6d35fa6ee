namespace ML.Generative.Fid;

/// <summary>
/// Names the network whose features a metric was computed from. Values from different networks (Inception vs a
/// domain CNN, or two domain CNNs trained differently) are not comparable; the hash tells them apart.
/// </summary>
/// <param name="Name">A readable name, e.g. <c>inception-v3-fid</c> or <c>fashion-mnist-cnn</c>.</param>
/// <param name="Dimension">The feature dimension.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the weights file the network was loaded from.</param>
public sealed record FeatureNetworkInfo(string Name, int Dimension, string Sha256)
{
    /// <summary><c>name (dim-d, sha256 hex)</c>.</summary>
    public override string ToString() => $"{Name} ({Dimension}-d, sha256 {Sha256})";
}
