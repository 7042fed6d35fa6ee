namespace ML.Generative.Data;

/// <summary>
/// The image files under a folder, listed lazily: columns <c>ImagePath</c> (full path), and with labels from
/// folders <c>ClassName</c> (the first sub-folder below the root) and <c>Label</c> (its index among the sorted
/// sub-folder names). The walk is depth-first with each folder's entries sorted, so the order is the same on
/// every machine while only one folder's listing is held at a time. Files directly in the root have no class
/// and are left out when labels come from folders. The row count is unknown (the files are not counted up front).
/// </summary>
internal sealed class ImageFolderDataView : IDataView
{
    internal static readonly string[] DefaultExtensions = { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp" };

    private readonly string root;
    private readonly bool recursive;
    private readonly HashSet<string> extensions;
    private readonly string[]? classes;

    internal ImageFolderDataView(string folder, bool recursive, bool labelsFromFolders, IEnumerable<string>? extensions)
    {
        root = Path.GetFullPath(folder);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"image folder not found: {root}");
        this.recursive = recursive;
        this.extensions = (extensions ?? DefaultExtensions).Select(e => e.StartsWith('.') ? e : "." + e).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var b = new DataViewSchema.Builder().AddColumn("ImagePath", TextDataViewType.Instance);
        if (labelsFromFolders)
        {
            classes = Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
            if (classes.Length == 0) throw new ArgumentException($"{root} has no sub-folders to take labels from (pass labelsFromFolders: false)");
            b.AddColumn("ClassName", TextDataViewType.Instance).AddColumn("Label", new KeyDataViewType((ulong)classes.Length));
        }
        Schema = b.ToSchema();
    }

    /// <summary>The class names, in label order (null without labels).</summary>
    internal IReadOnlyList<string>? ClassNames => classes;

    public DataViewSchema Schema { get; }
    public long? GetRowCount() => null;
    public bool CanShuffle => false;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, Files().GetEnumerator(), columnsNeeded.Select(c => c.Index).ToHashSet());

    private IEnumerable<(string Path, int Label)> Files()
    {
        if (classes is null)
        {
            foreach (var f in Walk(root)) yield return (f, -1);
            yield break;
        }
        for (var i = 0; i < classes.Length; i++)
            foreach (var f in Walk(Path.Combine(root, classes[i]))) yield return (f, i);
    }

    private IEnumerable<string> Walk(string dir)
    {
        var entries = new DirectoryInfo(dir).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToArray();
        foreach (var e in entries)
            if (e is FileInfo f && extensions.Contains(f.Extension)) yield return f.FullName;
        if (!recursive) yield break;
        foreach (var e in entries)
            if (e is DirectoryInfo d && (d.Attributes & FileAttributes.ReparsePoint) == 0)
                foreach (var f in Walk(d.FullName)) yield return f;
    }

    private sealed class Cursor(ImageFolderDataView view, IEnumerator<(string Path, int Label)> files, HashSet<int> active) : DataViewRowCursor
    {
        private long position = -1;
        private bool onRow;

        public override DataViewSchema Schema => view.Schema;
        public override long Position => position;
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext()
        {
            onRow = files.MoveNext();
            if (onRow) position++;
            return onRow;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            CheckActive(column);
            Delegate getter = column.Name switch
            {
                "ImagePath" => (ValueGetter<string>)((ref string v) => v = Current().Path),
                "ClassName" => (ValueGetter<string>)((ref string v) => v = view.classes![Current().Label]),
                _ => (ValueGetter<uint>)((ref uint v) => v = (uint)Current().Label),
            };
            return CastGetter<TValue>(getter, column);
        }

        private (string Path, int Label) Current() => onRow ? files.Current : throw new InvalidOperationException("the cursor is not on a row (call MoveNext first)");

        protected override void Dispose(bool disposing)
        {
            if (disposing) files.Dispose();
        }
    }
}
