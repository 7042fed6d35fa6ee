namespace ML.Generative.Fid.Tests.Inception;

/// <summary>How far values are from their references: max abs error, and max relative error over the entries
/// whose reference is at least 1 % of the largest (near-zero ReLU outputs make a plain ratio meaningless).</summary>
internal readonly record struct Agreement(double MaxAbs, double MaxRel)
{
    public static Agreement Of(IReadOnlyList<float> expected, IReadOnlyList<float> actual)
    {
        var scale = expected.Max(v => Math.Abs((double)v));
        double maxAbs = 0, maxRel = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var d = Math.Abs((double)actual[i] - expected[i]);
            maxAbs = Math.Max(maxAbs, d);
            if (Math.Abs(expected[i]) >= 0.01 * scale) maxRel = Math.Max(maxRel, d / Math.Abs(expected[i]));
        }
        return new Agreement(maxAbs, maxRel);
    }

    public override string ToString() => $"max abs {MaxAbs:E2}, max rel {MaxRel:E2}";
}
