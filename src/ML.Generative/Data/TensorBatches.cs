using ML.Generative.Tensors;
using System.Collections.Concurrent;
using ML.Generative.Data.Transforms;
using TorchSharp;

namespace ML.Generative.Data;

/// <summary>
/// One batch: <see cref="Features"/> <c>[B, C, H, W]</c> (float32) and, when a label column was named,
/// <see cref="Labels"/> <c>[B]</c> (int64). Taken by the consumer's current dispose scope when there is one;
/// otherwise dispose it.
/// </summary>
public sealed class DataBatch : IDisposable
{
    internal DataBatch(torch.Tensor features, torch.Tensor? labels, int count) => (Features, Labels, Count) = (features, labels, count);

    /// <summary>The rows' values, <c>[B, ...]</c> with the column's shape.</summary>
    public torch.Tensor Features { get; }
    /// <summary>The labels <c>[B]</c> as int64, or null.</summary>
    public torch.Tensor? Labels { get; }
    /// <summary>B, the rows in this batch (the last one may be smaller).</summary>
    public int Count { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        Features.Dispose();
        Labels?.Dispose();
    }
}

/// <summary>Options of <see cref="DataOperationsCatalog.CreateBatches"/>.</summary>
public sealed record BatchOptions
{
    /// <summary>Rows per batch (default 64).</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>The label column (Key or integer), or null for none.</summary>
    public string? LabelColumn { get; init; }
    /// <summary>Shuffle seed: each pass over the batches is a new seeded order (null: source order).</summary>
    public int? ShuffleSeed { get; init; }
    /// <summary>The pool size for shuffling streams without random access (default 4096).</summary>
    public int ShufflePoolSize { get; init; } = 4096;
    /// <summary>Leave out a last batch smaller than <see cref="BatchSize"/> (default false).</summary>
    public bool DropLast { get; init; }
    /// <summary>Batches decoded ahead on the background thread (default 2; 0 = no background thread).</summary>
    public int Prefetch { get; init; } = 2;
}

/// <summary>
/// Reads a fixed-shape column (an image column of known size and channels, scaled to [0, 1], or a float vector
/// of known shape) into tensors. Rows are written straight into the batch tensor's memory (one copy); a background
/// thread decodes up to <see cref="BatchOptions.Prefetch"/> batches ahead through a bounded queue.
/// Each enumeration is one pass (epoch); with a seed, pass k uses a new order drawn from (seed, k).
/// </summary>
internal sealed class TensorBatches : IEnumerable<DataBatch>
{
    private readonly IDataView data;
    private readonly DataViewSchema.Column column;
    private readonly BatchOptions options;
    private readonly long[] rowShape;
    private readonly int rowSize;
    private int pass;

    internal TensorBatches(IDataView data, string column, BatchOptions options)
    {
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), "the batch size is at least 1");
        if (options.Prefetch < 0) throw new ArgumentOutOfRangeException(nameof(options), "prefetch is 0 or more");
        var shape = SchemaShape.Create(data.Schema);
        var c = shape.Require(column, t => t is ImageDataViewType { IsKnownSize: true, Channels: > 0 } ||
            t is VectorDataViewType { IsKnownSize: true } v && v.ItemType.Equals(NumberDataViewType.Single),
            "Image of known size and channels, or Vector<Single> of known shape");
        if (options.LabelColumn is not null)
            shape.Require(options.LabelColumn, t => t is KeyDataViewType || t.Equals(NumberDataViewType.Int32) || t.Equals(NumberDataViewType.UInt32), "a label (Key, UInt32 or Int32)");
        rowShape = c.Type is ImageDataViewType it ? new long[] { it.Channels, it.Height, it.Width }
            : ((VectorDataViewType)c.Type).Dimensions.Select(d => (long)d).ToArray();
        rowSize = (int)rowShape.Aggregate(1L, (a, b) => a * b);
        (this.data, this.column, this.options) = (options.ShuffleSeed is int s ? new ShuffleDataView(data, s, options.ShufflePoolSize) : data, data.Schema[column], options);
    }

    public IEnumerator<DataBatch> GetEnumerator()
    {
        var rand = options.ShuffleSeed is int s ? new Random(HashCode.Combine(s, Interlocked.Increment(ref pass))) : null;
        var batches = Produce(rand);
        return options.Prefetch == 0 ? Adopt(batches.GetEnumerator()) : Prefetched(batches);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerable<DataBatch> Produce(Random? rand)
    {
        var cols = new List<DataViewSchema.Column> { column };
        if (options.LabelColumn is not null) cols.Add(data.Schema[options.LabelColumn]);
        using var cursor = data.GetRowCursor(cols, rand);
        var fill = RowWriter(cursor);
        var label = options.LabelColumn is null ? null : LabelReader(cursor, data.Schema[options.LabelColumn]);
        var b = options.BatchSize;
        while (true)
        {
            var features = torch.empty(new[] { (long)b }.Concat(rowShape).ToArray());
            var labels = label is null ? null : new long[b];
            var n = 0;
            try
            {
                unsafe
                {
                    // torch.empty gives a contiguous float32 CPU tensor: rows are written straight into it.
                    var ptr = (float*)TensorData.DataPointer(features);
                    while (n < b && cursor.MoveNext())
                    {
                        fill(new Span<float>(ptr + (long)n * rowSize, rowSize));
                        if (labels is not null) labels[n] = label!();
                        n++;
                    }
                }
            }
            catch
            {
                features.Dispose();
                throw;
            }
            if (n == 0 || (n < b && options.DropLast))
            {
                features.Dispose();
                yield break;
            }
            if (n < b)
            {
                var whole = features;
                features = whole.narrow(0, 0, n);
                whole.Dispose();
            }
            var labelTensor = labels is null ? null : TensorData.From(labels.AsSpan(0, n), n);
            yield return new DataBatch(features, labelTensor, n);
            if (n < b) yield break;
        }
    }

    private SpanWriter RowWriter(DataViewRowCursor cursor)
    {
        if (column.Type is ImageDataViewType)
        {
            var get = cursor.GetGetter<ImageData>(column);
            var (c, h, w) = ((int)rowShape[0], (int)rowShape[1], (int)rowShape[2]);
            return dst =>
            {
                ImageData img = null!;
                get(ref img);
                PixelExtractingTransformer.Extract(img, dst, c, h, w, 1f / img.MaxValue, 0f);
            };
        }
        var getVector = cursor.GetGetter<float[]>(column);
        var row = new float[rowSize];
        return dst =>
        {
            getVector(ref row);
            if (row.Length != rowSize) throw new InvalidDataException($"column '{column.Name}' gave {row.Length} values, its type says {rowSize}");
            row.CopyTo(dst);
        };
    }

    private delegate void SpanWriter(Span<float> destination);

    private static Func<long> LabelReader(DataViewRowCursor cursor, DataViewSchema.Column col)
    {
        if (col.Type.RawType == typeof(int))
        {
            var g = cursor.GetGetter<int>(col);
            return () => { var v = 0; g(ref v); return v; };
        }
        var u = cursor.GetGetter<uint>(col);
        return () => { uint v = 0; u(ref v); return v; };
    }

    // Hands each batch to the consumer's dispose scope, so a `using var scope` per step frees it.
    private static IEnumerator<DataBatch> Adopt(IEnumerator<DataBatch> batches)
    {
        using (batches)
            while (batches.MoveNext())
            {
                var batch = batches.Current;
                TensorData.AdoptIntoCurrentScope(batch.Features);
                if (batch.Labels is not null) TensorData.AdoptIntoCurrentScope(batch.Labels);
                yield return batch;
            }
    }

    private IEnumerator<DataBatch> Prefetched(IEnumerable<DataBatch> batches)
    {
        using var queue = new BlockingCollection<DataBatch>(options.Prefetch);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var producer = new Thread(() =>
        {
            try
            {
                foreach (var batch in batches)
                {
                    try { queue.Add(batch, stop.Token); }
                    catch (OperationCanceledException) { batch.Dispose(); return; }
                }
            }
            catch (Exception e) { failure = e; }
            finally { queue.CompleteAdding(); }
        }) { IsBackground = true, Name = "ML.Generative batch loader" };
        producer.Start();
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable())
            {
                TensorData.AdoptIntoCurrentScope(batch.Features);
                if (batch.Labels is not null) TensorData.AdoptIntoCurrentScope(batch.Labels);
                yield return batch;
            }
            if (failure is not null) throw new InvalidOperationException($"loading batches failed: {failure.Message}", failure);
        }
        finally
        {
            // The consumer stopped early or finished: stop the producer and free what it made ahead.
            stop.Cancel();
            while (queue.TryTake(out var left)) left.Dispose();
            producer.Join();
            while (queue.TryTake(out var left)) left.Dispose();
        }
    }
}
