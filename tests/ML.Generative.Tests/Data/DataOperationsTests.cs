using ML.Generative.Data;

namespace ML.Generative.Tests.Data;

public class DataOperationsTests
{
    private readonly GenerativeContext ctx = new(seed: 7);

    public sealed class Row
    {
        public int Id { get; set; }
        [ColumnName("Pixels"), VectorType(1, 2, 2)] public float[] Values { get; set; } = Array.Empty<float>();
        [KeyType(10)] public uint Label { get; set; }
        public string Name { get; set; } = "";
        [NoColumn] public double Ignored { get; set; }
    }

    private static Row[] Rows(int n) => Enumerable.Range(0, n)
        .Select(i => new Row { Id = i, Values = new float[] { i, i + 0.5f, -i, 2 }, Label = (uint)(i % 10), Name = $"r{i}" }).ToArray();

    [Fact]
    public void LoadFromEnumerable_SchemaFollowsAttributes_AndCreateEnumerableRoundTrips()
    {
        var view = ctx.Data.LoadFromEnumerable(Rows(5));
        Assert.Equal(new[] { "Id", "Pixels", "Label", "Name" }, view.Schema.Select(c => c.Name));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 2, 2), view.Schema["Pixels"].Type);
        Assert.Equal(new KeyDataViewType(10), view.Schema["Label"].Type);
        Assert.Equal(TextDataViewType.Instance, view.Schema["Name"].Type);
        Assert.Equal(5, view.GetRowCount());
        var back = ctx.Data.CreateEnumerable<Row>(view).ToList();
        Assert.Equal(Rows(5).Select(r => (r.Id, r.Label, r.Name, string.Join(",", r.Values))),
            back.Select(r => (r.Id, r.Label, r.Name, string.Join(",", r.Values))));
    }

    [Fact]
    public void VectorOfWrongLength_GivesAnErrorNamingRowAndColumn()
    {
        var rows = Rows(3);
        rows[2].Values = new float[3];
        var view = ctx.Data.LoadFromEnumerable(rows);
        var e = Assert.Throws<InvalidDataException>(() => DataTestKit.Column<float[]>(view, "Pixels"));
        Assert.Contains("row 2", e.Message);
        Assert.Contains("'Pixels'", e.Message);
        Assert.Contains("expected 4", e.Message);
    }

    public sealed class WrongType { public string Id { get; set; } = ""; }

    [Fact]
    public void CreateEnumerable_TypeMismatch_NamesColumnExpectedAndActual()
    {
        var view = ctx.Data.LoadFromEnumerable(Rows(2));
        var e = Assert.Throws<SchemaMismatchException>(() => ctx.Data.CreateEnumerable<WrongType>(view, ignoreMissingColumns: true));
        Assert.Equal("Id", e.ColumnName);
        Assert.Contains("Text", e.Expected);
        Assert.Equal("Int32", e.Actual);
    }

    [Fact]
    public void GetterOfWrongType_SaysWhatTheColumnHolds()
    {
        var view = ctx.Data.LoadFromEnumerable(Rows(2));
        using var cursor = view.GetRowCursor(view.Schema);
        var e = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["Id"]));
        Assert.Contains("'Id'", e.Message);
        Assert.Contains("Int32", e.Message);
    }

    [Fact]
    public void ShuffleOfKnownCount_IsASeededFullPermutation()
    {
        var view = ctx.Data.LoadFromEnumerable(Rows(100));
        var a = DataTestKit.Column<int>(ctx.Data.ShuffleRows(view, seed: 3), "Id");
        var b = DataTestKit.Column<int>(ctx.Data.ShuffleRows(view, seed: 3), "Id");
        var c = DataTestKit.Column<int>(ctx.Data.ShuffleRows(view, seed: 4), "Id");
        Assert.Equal(Enumerable.Range(0, 100), a.Order());
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // Rows from the far end of the source can come first only in a full permutation.
        Assert.NotEqual(Enumerable.Range(0, 100), a);
    }

    [Fact]
    public void ShuffleOfAStream_UsesABoundedPool_AndKeepsEveryRowOnce()
    {
        // An iterator: no count, no random access.
        IEnumerable<Row> Stream() { foreach (var r in Rows(200)) yield return r; }
        var view = ctx.Data.LoadFromEnumerable(Stream());
        Assert.Null(view.GetRowCount());
        var ids = DataTestKit.Column<int>(ctx.Data.ShuffleRows(view, seed: 1, shufflePoolSize: 10), "Id");
        Assert.Equal(Enumerable.Range(0, 200), ids.Order());
        Assert.NotEqual(Enumerable.Range(0, 200), ids);
        // A pool of 10 cannot move a row more than 9 places earlier than its source position.
        Assert.All(ids.Select((id, pos) => (id, pos)), p => Assert.True(p.pos >= p.id - 9, $"row {p.id} came out at {p.pos}"));
    }

    [Fact]
    public void TrainTestSplit_IsExactDisjointAndSeeded()
    {
        var view = ctx.Data.LoadFromEnumerable(Rows(1000));
        var split = ctx.Data.TrainTestSplit(view, testFraction: 0.2, seed: 5);
        var train = DataTestKit.Column<int>(split.TrainSet, "Id");
        var test = DataTestKit.Column<int>(split.TestSet, "Id");
        Assert.Equal(800, train.Count);
        Assert.Equal(200, test.Count);
        Assert.Equal(800, split.TrainSet.GetRowCount());
        Assert.Empty(train.Intersect(test));
        Assert.Equal(Enumerable.Range(0, 1000), train.Concat(test).Order());
        Assert.Equal(test, DataTestKit.Column<int>(ctx.Data.TrainTestSplit(view, 0.2, seed: 5).TestSet, "Id"));
        // A split keeps random access: shuffling it is a full permutation of its own rows.
        var shuffled = DataTestKit.Column<int>(ctx.Data.ShuffleRows(split.TestSet, seed: 2), "Id");
        Assert.Equal(test.Order(), shuffled.Order());
        Assert.NotEqual(test, shuffled);
    }

    [Fact]
    public void TrainTestSplitOfAStream_SplitsEveryRowOnce()
    {
        IEnumerable<Row> Stream() { foreach (var r in Rows(2000)) yield return r; }
        var split = ctx.Data.TrainTestSplit(ctx.Data.LoadFromEnumerable(Stream()), 0.25, seed: 9);
        var train = DataTestKit.Column<int>(split.TrainSet, "Id");
        var test = DataTestKit.Column<int>(split.TestSet, "Id");
        Assert.Equal(Enumerable.Range(0, 2000), train.Concat(test).Order());
        Assert.InRange(test.Count, 400, 600);  // binomial(2000, 0.25): mean 500, sd 19
    }

    [Fact]
    public void FilterByLabel_And_IsAnomaly_FollowTheLabel()
    {
        var view = ctx.Data.LoadFromEnumerable(Rows(50));
        var only3 = DataTestKit.Column<int>(ctx.Data.FilterByLabel(view, 3), "Id");
        Assert.Equal(new[] { 3, 13, 23, 33, 43 }, only3);
        var two = DataTestKit.Column<int>(ctx.Data.FilterByLabel(view, 3, "Label", 4), "Id");
        Assert.Equal(10, two.Count);
        var flagged = ctx.Data.AddIsAnomaly(view, normalLabel: 3);
        Assert.Equal(BooleanDataViewType.Instance, flagged.Schema["IsAnomaly"].Type);
        var anomalies = DataTestKit.Column<bool>(flagged, "IsAnomaly");
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i % 10 != 3), anomalies);
        var e = Assert.Throws<SchemaMismatchException>(() => ctx.Data.AddIsAnomaly(view, 0, labelColumn: "Name"));
        Assert.Equal("Name", e.ColumnName);
        Assert.Equal("Text", e.Actual);
    }

    [Fact]
    public void TakeAndSkip_SelectRowRanges()
    {
        var view = ctx.Data.LoadFromEnumerable(Rows(10));
        Assert.Equal(new[] { 0, 1, 2 }, DataTestKit.Column<int>(ctx.Data.TakeRows(view, 3), "Id"));
        Assert.Equal(new[] { 7, 8, 9 }, DataTestKit.Column<int>(ctx.Data.SkipRows(view, 7), "Id"));
    }

    [Fact]
    public void MissingNamedDataSet_SaysWhereItLookedAndHowToGetIt()
    {
        var e = Assert.Throws<ArgumentException>(() => ctx.Data.LoadDataset("cifar-77"));
        Assert.Contains("fashion-mnist", e.Message);
        var empty = DataTestKit.TempDir();
        var missing = Assert.Throws<FileNotFoundException>(() => NamedDatasets.Find("mnist", new[] { empty }, "t10k-images-idx3-ubyte.gz", "put the files in $MLGEN_DATA_DIR/mnist"));
        Assert.Contains(empty, missing.Message);
        Assert.Contains("t10k-images-idx3-ubyte.gz", missing.Message);
        Assert.Contains("MLGEN_DATA_DIR", missing.Message);
    }
}
