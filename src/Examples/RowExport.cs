using System.Globalization;
using System.Text;
using ML.Generative.Data;

namespace ML.Generative.Cli;

/// <summary>Writes one CSV row per image: its index, its path where the data has one, its label where it has one,
/// then the named float column's values (a scalar, or every entry of a vector).</summary>
internal static class RowExport
{
    internal static int WriteCsv(IDataView data, string column, string valueHeader, string path)
    {
        var schema = data.Schema;
        var value = schema.GetColumnOrNull(column) ?? throw new ArgumentException($"the model's output has no column '{column}'");
        var pathCol = schema.GetColumnOrNull("ImagePath");
        var labelCol = schema.GetColumnOrNull("Label") is { Type: KeyDataViewType } l ? l : (DataViewSchema.Column?)null;
        var columns = new[] { value }.Concat(pathCol is { } p ? new[] { p } : Array.Empty<DataViewSchema.Column>())
            .Concat(labelCol is { } lc ? new[] { lc } : Array.Empty<DataViewSchema.Column>()).ToArray();
        var isVector = value.Type is VectorDataViewType;
        var width = isVector ? ((VectorDataViewType)value.Type).Size : 1;
        var tmp = path + ".tmp";
        var rows = 0;
        using (var writer = new StreamWriter(tmp, false, new UTF8Encoding(false)))
        {
            var header = new List<string> { "index" };
            if (pathCol is not null) header.Add("path");
            if (labelCol is not null) header.Add("label");
            header.AddRange(isVector ? Enumerable.Range(0, width).Select(i => $"{valueHeader}{i}") : new[] { valueHeader });
            writer.WriteLine(string.Join(",", header));
            using var cursor = data.GetRowCursor(columns);
            var getVector = isVector ? cursor.GetGetter<float[]>(value) : null;
            var getScalar = isVector ? null : cursor.GetGetter<float>(value);
            var getPath = pathCol is { } pc ? cursor.GetGetter<string>(pc) : null;
            var getLabel = labelCol is { } lcol ? cursor.GetGetter<uint>(lcol) : null;
            float[] v = null!;
            float s = 0;
            string p2 = "";
            uint label = 0;
            while (cursor.MoveNext())
            {
                var fields = new List<string> { rows.ToString(CultureInfo.InvariantCulture) };
                if (getPath is not null) { getPath(ref p2); fields.Add(Quote(p2)); }
                if (getLabel is not null) { getLabel(ref label); fields.Add(label.ToString(CultureInfo.InvariantCulture)); }
                if (getVector is not null)
                {
                    getVector(ref v);
                    fields.AddRange(v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
                }
                else
                {
                    getScalar!(ref s);
                    fields.Add(s.ToString("R", CultureInfo.InvariantCulture));
                }
                writer.WriteLine(string.Join(",", fields));
                rows++;
            }
        }
        if (rows == 0)
        {
            File.Delete(tmp);
            throw new ArgumentException("--data holds no images");
        }
        File.Move(tmp, path, overwrite: true);
        return rows;
    }

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
