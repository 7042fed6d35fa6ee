using System.Diagnostics;
using System.Text.Json;
using ML.Generative.Benchmarks;
using ML.Generative.Runtime;
using ML.Generative.Tensors;
using ML.Generative.Training;
using TorchSharp;
using static TorchSharp.torch;
using static ProcStatus;

// Times training steps of one reference case through the library's real training loop, with the library's
// defaults (threads, glibc allocator settings), or (sample) batches of 256 images decoded from prior codes in
// inference mode, as AutoencoderTransformer.SampleTensor does. Prints one JSON object: ms per measured step, peak
// RSS, and minor page faults per measured step (benchmarks/malloc-check compares them across allocator settings).
// Usage: Bench train|sample CASE STEPS WARMUP [DEVICE]
if (args.Length < 4 || args[0] is not ("train" or "sample"))
{
    Console.Error.WriteLine("usage: Bench train|sample CASE STEPS WARMUP [cpu|cuda]");
    return 2;
}
var caseName = args[1];
var steps = int.Parse(args[2]);
var warmup = int.Parse(args[3]);
var device = Devices.Parse(args.Length > 4 ? args[4] : "cpu");
manual_seed(0);
var c = Cases.Build(caseName);
if (args[0] == "sample") return Sampling.Run(c, steps, warmup, device);
c.Model.Network.to(device);
// The batch source keeps its own copy; the generated tensor goes at once, so one copy of the data is resident.
TensorBatchSource data;
using (var images = rand(new long[] { c.Batch * (steps + warmup), c.Channels, c.Size, c.Size }, device: device))
    data = new TensorBatchSource(images);
using var dataOwner = data;
var stamps = new List<double>();
var faults = new List<long>();
var clock = Stopwatch.StartNew();
// MLGEN_BENCH_RSS_EVERY=N samples the resident set size every N steps (is memory flat over a long run?).
var rssEvery = int.TryParse(Environment.GetEnvironmentVariable("MLGEN_BENCH_RSS_EVERY"), out var every) ? every : 0;
var rssMb = new List<double>();
var progress = new StepClock(() =>
{
    stamps.Add(clock.Elapsed.TotalMilliseconds);
    faults.Add(MinorPageFaults());
    if (rssEvery > 0 && stamps.Count % rssEvery == 0) rssMb.Add(Status("VmRSS") / 1024.0);
});
new TrainingLoop(new TrainerOptions { Epochs = 1, BatchSize = c.Batch }).Run(c.Model, data, progress: progress);
// stamps[i] is the end of step i; the measured steps follow the warm-up ones.
var first = Math.Max(1, warmup) - 1;
var ms = new List<double>();
for (var i = first + 1; i < stamps.Count; i++) ms.Add(stamps[i] - stamps[i - 1]);
Console.WriteLine(JsonSerializer.Serialize(new
{
    side = "ours", @case = caseName, batch = c.Batch, ms, device = device.ToString(), parameters = c.Model.Network.parameters().Sum(p => p.numel()),
    minflt_per_step = ms.Count > 0 ? (faults[^1] - faults[first]) / (double)ms.Count : 0,
    // TorchSharp 0.107 exposes no CUDA memory statistics: the GPU peak is not measured.
    cuda_peak_mb = (double?)null,
    peak_rss_mb = Status("VmHWM") / 1024.0, threads = get_num_threads(), malloc = GlibcMalloc.Description,
    rss_every = rssEvery, rss_mb = rssMb, live_tensors_peak = Tensor.PeakCount,
}));
return 0;


internal sealed class StepClock(Action onStep) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (!value.EndOfEpoch) onStep();
    }
}

internal static class Sampling
{
    internal const int Batch = 256;

    internal static int Run(Cases.Case c, int steps, int warmup, Device device)
    {
        if (c.Decode is null) throw new ArgumentException($"case '{c.Name}' has no sampler");
        // The library's sampling entry points initialise the runtime (threads) first; so does this.
        TorchRuntime.EnsureInitialized();
        c.Model.Network.to(device);
        c.Model.Network.eval();
        var startRssMb = Status("VmRSS") / 1024.0;
        var ms = new List<double>();
        long faults = 0;
        for (var i = 0; i < warmup + steps; i++)
        {
            var before = MinorPageFaults();
            var clock = Stopwatch.StartNew();
            using (inference_mode())
            using (NewDisposeScope())
            {
                var images = c.Decode(randn(new long[] { Batch, c.Latent }, device: device));
                if (device.type == DeviceType.CUDA) cuda.synchronize(device);
                images.Dispose();
            }
            if (i < warmup) continue;
            ms.Add(clock.Elapsed.TotalMilliseconds);
            faults += MinorPageFaults() - before;
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            side = "ours", @case = c.Name, batch = Batch, ms, device = device.ToString(), parameters = c.Model.Network.parameters().Sum(p => p.numel()),
            minflt_per_step = steps > 0 ? faults / (double)steps : 0,
            peak_rss_mb = Status("VmHWM") / 1024.0, threads = get_num_threads(), malloc = GlibcMalloc.Description, start_rss_mb = startRssMb,
        }));
        return 0;
    }
}

internal static class ProcStatus
{
    // A kB field of /proc/self/status (VmRSS, VmHWM).
    internal static long Status(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    // Field 10 of /proc/self/stat (getrusage's ru_minflt): faults served without disk, mostly first touches of fresh pages.
    internal static long MinorPageFaults() => long.Parse(File.ReadAllText("/proc/self/stat").Split(") ")[1].Split(' ')[7]);
}
