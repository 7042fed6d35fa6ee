using ML.Generative.Data;
using ML.Generative.Evaluation;
using ML.Generative.Pipeline;

namespace ML.Generative;

/// <summary>Anomaly metrics in <c>ctx.Evaluate</c>.</summary>
public static class AnomalyEvaluateExtensions
{
    /// <summary>AUROC, AUPR and F1-max of a score column against a boolean label column (true = anomaly).</summary>
    public static AnomalyMetrics Anomaly(this EvaluateCatalog catalog, IDataView scored, string labelColumn = "IsAnomaly", string scoreColumn = "ReconstructionError")
    {
        var (scores, labels) = ReadScores(scored, labelColumn, scoreColumn);
        return AnomalyMetrics.Compute(scores, labels);
    }

    /// <summary>The percentile (0–100) of a score column, e.g. 99 over the normal training rows as a threshold.</summary>
    public static double ThresholdAtPercentile(this EvaluateCatalog catalog, IDataView scored, string scoreColumn = "ReconstructionError", double percentile = 99) =>
        AnomalyThresholds.Percentile(ReadColumn(scored, scoreColumn), percentile);

    private static List<double> ReadColumn(IDataView view, string scoreColumn)
    {
        var col = view.Schema.GetColumnOrNull(scoreColumn) ?? throw new SchemaMismatchException(scoreColumn, "Single", null);
        if (!col.Type.Equals(NumberDataViewType.Single)) throw new SchemaMismatchException(scoreColumn, "Single", col.Type.ToString());
        var values = new List<double>();
        using var cursor = view.GetRowCursor(new[] { col });
        var get = cursor.GetGetter<float>(col);
        float v = 0;
        while (cursor.MoveNext())
        {
            get(ref v);
            values.Add(v);
        }
        return values;
    }

    private static (List<double>, List<bool>) ReadScores(IDataView view, string labelColumn, string scoreColumn)
    {
        var score = view.Schema.GetColumnOrNull(scoreColumn) ?? throw new SchemaMismatchException(scoreColumn, "Single", null);
        var label = view.Schema.GetColumnOrNull(labelColumn) ?? throw new SchemaMismatchException(labelColumn, "Boolean", null);
        if (!score.Type.Equals(NumberDataViewType.Single)) throw new SchemaMismatchException(scoreColumn, "Single", score.Type.ToString());
        if (label.Type is not BooleanDataViewType) throw new SchemaMismatchException(labelColumn, "Boolean (use ctx.Data.AddIsAnomaly)", label.Type.ToString());
        var scores = new List<double>();
        var labels = new List<bool>();
        using var cursor = view.GetRowCursor(new[] { score, label });
        var getScore = cursor.GetGetter<float>(score);
        var getLabel = cursor.GetGetter<bool>(label);
        float s = 0;
        var l = false;
        while (cursor.MoveNext())
        {
            getScore(ref s);
            getLabel(ref l);
            scores.Add(s);
            labels.Add(l);
        }
        return (scores, labels);
    }
}
