using System.Diagnostics;
using System.Text.Json;
using HandWritten;
using TorchSharp;
using static TorchSharp.torch;

// The baseline our library is measured against: the eager TorchSharp loop a .NET user would write for each
// reference case from TorchSharp's examples (same layers, shapes, losses and Adam settings as
// benchmarks/reference/models.py and benchmarks/Bench/Cases.cs; no ML.Generative). Per step: one dispose scope,
// a shuffled batch gathered from the data, and for each optimizer zero_grad, loss, backward, step, and the loss read
// back. With "sample", batches of 256 images decoded from prior codes in inference mode. Prints one JSON object
// like Bench's. Usage: HandWritten train|sample CASE STEPS WARMUP [DEVICE] [--threads N]
var positional = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] != "--threads")).ToArray();
if (positional.Length < 4 || positional[0] is not ("train" or "sample"))
{
    Console.Error.WriteLine("usage: HandWritten train|sample CASE STEPS WARMUP [cpu|cuda] [--threads N]");
    return 2;
}
var caseName = positional[1];
var steps = int.Parse(positional[2]);
var warmup = int.Parse(positional[3]);
var device = new Device(positional.Length > 4 ? positional[4] : "cpu");
// The harness gives every side the same thread count; without --threads, libtorch's own default.
if (Array.IndexOf(args, "--threads") is var t and >= 0) set_num_threads(int.Parse(args[t + 1]));
manual_seed(0);
var c = Cases.Build(caseName, device);
var ms = new List<double>();
long faults = 0;
double loss = double.NaN;
var batch = c.Batch;

if (positional[0] == "sample")
{
    if (c.Decode is null) throw new ArgumentException($"case '{caseName}' has no sampler");
    batch = 256;
    c.Network.eval();
    for (var i = 0; i < warmup + steps; i++)
    {
        var before = MinorPageFaults();
        var clock = Stopwatch.StartNew();
        using (inference_mode())
        using (NewDisposeScope())
        {
            c.Decode(randn(new long[] { batch, c.Latent }, device: device));
            if (device.type == DeviceType.CUDA) cuda.synchronize(device);
        }
        if (i < warmup) continue;
        ms.Add(clock.Elapsed.TotalMilliseconds);
        faults += MinorPageFaults() - before;
    }
}
else
{
    var n = c.Batch * (warmup + steps);
    using var data = rand(new long[] { n, c.Channels, c.Size, c.Size }, device: device);
    using var order = randperm(n, device: device);
    c.Network.train();
    for (var i = 0; i < warmup + steps; i++)
    {
        var before = MinorPageFaults();
        var clock = Stopwatch.StartNew();
        using (NewDisposeScope())
        {
            var x = data.index_select(0, order.narrow(0, i * c.Batch, c.Batch));
            foreach (var (optimizer, lossOf) in c.Players)
            {
                optimizer.zero_grad();
                var l = lossOf(x);
                l.backward();
                optimizer.step();
                loss = l.item<float>();
            }
        }
        if (i < warmup) continue;
        ms.Add(clock.Elapsed.TotalMilliseconds);
        faults += MinorPageFaults() - before;
    }
}

Console.WriteLine(JsonSerializer.Serialize(new
{
    side = "torchsharp", @case = caseName, batch, ms, device = device.ToString(), minflt_per_step = ms.Count > 0 ? faults / (double)ms.Count : 0,
    parameters = c.Network.parameters().Sum(p => p.numel()),
    peak_rss_mb = Status("VmHWM") / 1024.0, threads = get_num_threads(), loss = double.IsFinite(loss) ? loss : (double?)null,
}));
return 0;

// A kB field of /proc/self/status (VmRSS, VmHWM).
static long Status(string field) =>
    long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

// Field 10 of /proc/self/stat (getrusage's ru_minflt).
static long MinorPageFaults() => long.Parse(File.ReadAllText("/proc/self/stat").Split(") ")[1].Split(' ')[7]);
