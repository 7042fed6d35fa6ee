using System.Diagnostics;
using System.Text.Json;
using ML.Generative.Benchmarks;
using ML.Generative.Torch;
using ML.Generative.Training;
using static ML.Generative.Torch.torch;
using static ProcStatus;

// Times training steps of one reference case through the library's real training loop, with the library's
// defaults (threads, BLAS), or (sample) batches of 256 images decoded from prior codes in inference mode, as
// AutoencoderTransformer.SampleTensor does. Prints one JSON object. Usage: Bench train|sample CASE STEPS WARMUP [DEVICE]
if (args.Length < 4 || args[0] is not ("train" or "sample"))
{
    Console.Error.WriteLine("usage: Bench train|sample CASE STEPS WARMUP [cpu|cuda]");
    return 2;
}
var caseName = args[1];
var steps = int.Parse(args[2]);
var warmup = int.Parse(args[3]);
var device = Device.Parse(args.Length > 4 ? args[4] : "cpu");
manual_seed(0);
var c = Cases.Build(caseName);
if (args[0] == "sample") return Sampling.Run(c, steps, warmup);
c.Model.Network.to(device);
using var cpuImages = rand(c.Batch * (steps + warmup), c.Channels, c.Size, c.Size);
using var images = cpuImages.to(device);
using var data = new TensorBatchSource(images);
var stamps = new List<double>();
var clock = Stopwatch.StartNew();
// MLGEN_PROFILE=trace.json records the measured steps' operators for an op-by-op comparison with PyTorch.
// MLGEN_BENCH_WORKERS sets the data-parallel workers (library default otherwise), for before/after lines.
int? workers = int.TryParse(Environment.GetEnvironmentVariable("MLGEN_BENCH_WORKERS"), out var w) ? w : null;
var profilePath = Environment.GetEnvironmentVariable("MLGEN_PROFILE");
IDisposable? recording = null;
// MLGEN_BENCH_RSS_EVERY=N samples the resident set size every N steps (is memory flat over a long run?).
var rssEvery = int.TryParse(Environment.GetEnvironmentVariable("MLGEN_BENCH_RSS_EVERY"), out var every) ? every : 0;
var rssMb = new List<double>();
var progress = new StepClock(() =>
{
    stamps.Add(clock.Elapsed.TotalMilliseconds);
    if (rssEvery > 0 && stamps.Count % rssEvery == 0) rssMb.Add(Status("VmRSS") / 1024.0);
    if (profilePath is not null && recording is null && stamps.Count == Math.Max(1, warmup)) recording = autograd.RecordProfile(profilePath);
});
new TrainingLoop(new TrainerOptions { Epochs = 1, BatchSize = c.Batch, DataParallelWorkers = workers }).Run(c.Model, data, progress: progress);
recording?.Dispose();
// stamps[i] is the end of step i; the measured steps follow the warm-up ones.
var ms = new List<double>();
for (var i = Math.Max(1, warmup); i < stamps.Count; i++) ms.Add(stamps[i] - stamps[i - 1]);
Console.WriteLine(JsonSerializer.Serialize(new
{
    side = "ours", @case = caseName, batch = c.Batch, ms, device = device.ToString(),
    cuda_peak_mb = device.type == DeviceType.CUDA ? cuda.max_memory_allocated() / 1048576.0 : 0,
    peak_rss_mb = Status("VmHWM") / 1024.0, threads = get_num_threads(), rss_every = rssEvery, rss_mb = rssMb,
    peak_tensor_mb = cpu.max_memory_allocated() / 1048576.0, peak_reserved_mb = cpu.max_memory_reserved() / 1048576.0,
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

    internal static int Run(Cases.Case c, int steps, int warmup)
    {
        if (c.Decode is null) throw new ArgumentException($"case '{c.Name}' has no sampler");
        c.Model.Network.eval();
        var startRssMb = Status("VmRSS") / 1024.0;
        var ms = new List<double>();
        for (var i = 0; i < warmup + steps; i++)
        {
            var clock = Stopwatch.StartNew();
            using (inference_mode())
            using (NewDisposeScope())
                c.Decode(randn(Batch, c.Latent));
            if (i >= warmup) ms.Add(clock.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            side = "ours", @case = c.Name, batch = Batch, ms, peak_rss_mb = Status("VmHWM") / 1024.0, threads = get_num_threads(),
            start_rss_mb = startRssMb, peak_tensor_mb = cpu.max_memory_allocated() / 1048576.0, peak_reserved_mb = cpu.max_memory_reserved() / 1048576.0,
        }));
        return 0;
    }
}

internal static class ProcStatus
{
    // A kB field of /proc/self/status (VmRSS, VmHWM).
    internal static long Status(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
