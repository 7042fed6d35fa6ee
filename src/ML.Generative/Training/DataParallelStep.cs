using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using ML.Generative.Torch;
using ML.Generative.Torch.Native;
using static ML.Generative.Torch.Native.ParallelNative;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Training;

/// <summary>
/// Runs one objective's loss and backward pass over the slices of a batch on <see cref="Workers"/> threads (the
/// caller is worker 0), leaving the whole batch's gradients in the parameters. See <see cref="DataParallel"/>.
/// Worker w draws its random numbers from its own generator, seeded from libtorch's default generator, so a fixed
/// seed still reproduces a run exactly.
/// </summary>
internal sealed class DataParallelStep : IDisposable
{
    private readonly Thread[] threads;
    private readonly BlockingCollection<Action>[] queues;

    internal DataParallelStep(int workers)
    {
        if (workers < 2) throw new ArgumentOutOfRangeException(nameof(workers), workers, "data-parallel training needs at least 2 workers");
        Workers = workers;
        queues = Enumerable.Range(1, workers - 1).Select(_ => new BlockingCollection<Action>()).ToArray();
        threads = queues.Select((q, i) => new Thread(() => { foreach (var work in q.GetConsumingEnumerable()) work(); })
        {
            IsBackground = true, Name = $"mlgen data-parallel worker {i + 1}",
        }).ToArray();
        foreach (var t in threads) t.Start();
    }

    internal int Workers { get; }

    /// <summary>The loss and gradients of <paramref name="objective"/> on <paramref name="batch"/>; returns the logged
    /// values of the whole batch (each worker's weighted by its share).</summary>
    internal IReadOnlyDictionary<string, double> LossAndBackward(Objective objective, Tensor batch, TrainingContext context)
    {
        var n = batch.shape[0];
        var sizes = Enumerable.Range(0, Workers).Select(w => n / Workers + (w < n % Workers ? 1 : 0)).ToArray();
        var seed = mlg_dp_draw_seed();
        var values = new IReadOnlyDictionary<string, double>[Workers];
        var group = Errors.Check(mlg_dp_group_new(Workers));
        try
        {
            RunAll(w =>
            {
                var offset = sizes.Take(w).Sum();
                Errors.Check(mlg_dp_join(group, w, unchecked(seed + (ulong)w)));
                try
                {
                    using var scope = NewDisposeScope();
                    var slice = batch.narrow(0, offset, sizes[w]);
                    using var loss = objective.Loss(slice, context);
                    values[w] = loss.Values();
                    (loss.Total * (sizes[w] / (double)n)).backward();
                }
                catch
                {
                    mlg_dp_group_abort(group);
                    throw;
                }
                finally
                {
                    mlg_dp_leave();
                }
            });
        }
        finally
        {
            mlg_dp_group_free(group);
        }
        var combined = new Dictionary<string, double>();
        for (var w = 0; w < Workers; w++)
            foreach (var (name, value) in values[w])
                combined[name] = combined.GetValueOrDefault(name) + value * sizes[w] / n;
        return combined;
    }

    /// <summary>Runs work(w) for every worker, the caller's thread being worker 0, and waits for all. The first
    /// failure (not a peer's abort that it caused) is rethrown.</summary>
    private void RunAll(Action<int> work)
    {
        var failures = new Exception?[Workers];
        using var done = new CountdownEvent(Workers - 1);
        for (var w = 1; w < Workers; w++)
        {
            var worker = w;
            queues[w - 1].Add(() =>
            {
                try { work(worker); }
                catch (Exception e) { failures[worker] = e; }
                finally { done.Signal(); }
            });
        }
        try { work(0); }
        catch (Exception e) { failures[0] = e; }
        done.Wait();
        var failed = failures.Where(f => f != null).ToArray();
        if (failed.Length > 0)
            ExceptionDispatchInfo.Throw(failed.FirstOrDefault(f => !f!.Message.Contains("another worker failed", StringComparison.Ordinal)) ?? failed[0]!);
    }

    public void Dispose()
    {
        foreach (var q in queues) q.CompleteAdding();
        foreach (var t in threads) t.Join();
        foreach (var q in queues) q.Dispose();
    }
}
