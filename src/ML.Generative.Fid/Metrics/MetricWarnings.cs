namespace ML.Generative.Fid.Metrics;

/// <summary>The wording of the warnings that metric results carry, kept in one place so they read alike.</summary>
internal static class MetricWarnings
{
    /// <summary>Adds a warning when a set has fewer samples than the feature space has dimensions: the metric
    /// still runs (the reference experiments use 100 images), but its estimate is noisy there.</summary>
    public static void FewerSamplesThanDimensions(List<string> warnings, string metric, string set, int count, int dimension)
    {
        if (count < dimension)
            warnings.Add($"{metric}: the {set} set has {count} samples, fewer than the {dimension} feature dimensions; " +
                         "the estimate is noisy and not comparable with values computed from larger sets.");
    }
}
