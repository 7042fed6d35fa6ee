using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ML.Generative.Fid.Inception;
using ML.Generative.Runtime;
using ML.Generative.Tensors;
using TorchSharp;
using static TorchSharp.torch;

// FID Inception-v3 feature extraction at 299x299: ours against PyTorch running the same layer list
// (benchmarks/reference/fid_inception.py, kept running beside us), alternating in rounds in one run, since the
// machine is shared and only ratios measured side by side mean anything. Cases:
//   ours             the network as FidFeatures.Inception runs it (batch-norms and 2x-1 folded, channels-last),
//                    with the library's glibc allocator settings (GlibcMalloc: freed memory kept in the heap);
//   ours-malloc-off  the same in a process of its own started with MLGEN_MALLOC=off (glibc's defaults: every
//                    large tensor gets fresh pages, as in PyTorch), kept running beside us like the references;
//   ours-plain       pytorch-fid's layers as they are, channels-last, with the library's allocator settings;
//   pytorch          PyTorch 1.13 eager, channels-last (its faster layout here), inference mode, as installed;
//   pytorch-malloc   the same with glibc told to keep freed memory (MALLOC_MMAP_MAX_=0, MALLOC_TRIM_THRESHOLD_
//                    huge): what a PyTorch user can get by tuning the process; not PyTorch's default.
// Usage: FidBench [batch 50] [rounds 3] [batches per case and round 1] [--modules] [--rss]
// --modules adds passes split by Inception module (where the time goes). --rss runs only "ours", in a process of
// its own, and prints its peak RSS (fid_inception.py rss does the same for PyTorch). --serve (internal) answers
// "ours" requests on stdin: the ours-malloc-off process.
// Weights are the default initialisation: speed does not depend on them.
var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
var batch = positional.Length > 0 ? positional[0] : 50;
var rounds = positional.Length > 1 ? positional[1] : 3;
var iters = positional.Length > 2 ? positional[2] : 1;
var byModule = args.Contains("--modules");

TorchRuntime.EnsureInitialized();
manual_seed(0);
if (args.Contains("--serve"))
{
    using var network = new FidInceptionV3();
    network.PrepareForInference(channelsLast: true);
    using var input = rand(batch, 3, 299, 299);
    Console.WriteLine(JsonSerializer.Serialize(new { malloc = GlibcMalloc.Description }));
    while (Console.ReadLine() is not null)
    {
        var sample = Ours(network, input);
        Console.WriteLine(JsonSerializer.Serialize(new { images_per_s = sample.ImagesPerSecond, cpu_s_per_image = sample.CpuSecondsPerImage, page_faults_per_image = sample.PageFaultsPerImage }));
    }
    return;
}
if (args.Contains("--rss"))
{
    using var network = new FidInceptionV3();
    network.PrepareForInference(channelsLast: true);
    using var input = rand(batch, 3, 299, 299);
    for (var i = 0; i < rounds; i++) Ours(network, input);
    var peakKb = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
    Console.WriteLine(JsonSerializer.Serialize(new { side = "ours", batch, peak_rss_mb = long.Parse(peakKb, CultureInfo.InvariantCulture) / 1024.0, malloc = GlibcMalloc.Description }));
    return;
}
using var plain = new FidInceptionV3();
ChannelsLast.Apply(plain);
using var prepared = new FidInceptionV3();
prepared.LoadWeights(plain.state_dict());
prepared.PrepareForInference(channelsLast: true);
using var images = rand(batch, 3, 299, 299);
using var imagesChannelsLast = ChannelsLast.To(images);

using var reference = new PyTorchReference(get_num_threads());
using var tunedReference = new PyTorchReference(get_num_threads(), new() { ["MALLOC_MMAP_MAX_"] = "0", ["MALLOC_TRIM_THRESHOLD_"] = "1000000000000" });
using var mallocOff = OursProcess.Start(batch, iters);
var cases = new (string Name, Func<Sample> Measure)[]
{
    ("ours", () => Ours(prepared, images)),
    ("ours-malloc-off", () => mallocOff.Measure()),
    ("ours-plain", () => Ours(plain, imagesChannelsLast)),
    ("pytorch", () => reference.Measure(batch, iters)),
    ("pytorch-malloc", () => tunedReference.Measure(batch, iters)),
};

Console.WriteLine($"machine: {Environment.ProcessorCount} cores; {get_num_threads()} torch threads each side; PyTorch {reference.Version}; " +
                  $"malloc: {GlibcMalloc.Description}; ours-malloc-off: {mallocOff.Malloc}");
Console.WriteLine($"batch {batch}, 299x299, 1 warm-up batch per case, then {rounds} rounds x {iters} batch(es) per case, order rotated each round");
Console.WriteLine("per round: wall-clock images/s (CPU seconds and minor page faults per image, whole process); ratios are speed ratios, > 1 = first faster");
foreach (var c in cases) c.Measure();   // warm-up: first-touch allocations, oneDNN kernel selection
var results = cases.ToDictionary(c => c.Name, _ => new List<Sample>());
for (var r = 0; r < rounds; r++)
{
    for (var k = 0; k < cases.Length; k++)
    {
        var c = cases[(k + r) % cases.Length];
        results[c.Name].Add(c.Measure());
    }
    Console.WriteLine($"round {r + 1}: " + string.Join("  ", cases.Select(c => $"{c.Name} {results[c.Name][r]}")));
}
double Median(IEnumerable<double> v) { var s = v.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
string List(IEnumerable<double> v) => string.Join(", ", v.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)));
var summary = new Dictionary<string, object>();
foreach (var (name, against) in new[] { ("ours", "pytorch"), ("ours-malloc-off", "pytorch"), ("ours-plain", "pytorch"), ("ours", "pytorch-malloc"), ("pytorch-malloc", "pytorch"), ("ours", "ours-malloc-off") })
{
    var wall = Enumerable.Range(0, rounds).Select(r => results[name][r].ImagesPerSecond / results[against][r].ImagesPerSecond).ToArray();
    var cpu = Enumerable.Range(0, rounds).Select(r => results[against][r].CpuSecondsPerImage / results[name][r].CpuSecondsPerImage).ToArray();
    Console.WriteLine($"{name + " / " + against,-32} wall-clock per round: {List(wall)}; median {Median(wall):F2}   CPU time: {List(cpu)}; median {Median(cpu):F2}");
    summary[$"{name}/{against}"] = new { wall_ratio = wall, wall_ratio_median = Median(wall), cpu_ratio = cpu, cpu_ratio_median = Median(cpu) };
}

if (byModule)
{
    // Passes split at module boundaries (ours by the forward pass's observer, PyTorch by forward hooks), alternating
    // sides for as many rounds as above; the median per module.
    var names = new[] { "Conv2d_1a_3x3 (+ input)", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "max pool", "Conv2d_3b_1x1", "Conv2d_4a_3x3", "max pool",
        "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c" };
    var passes = new[] { new List<double[]>(), new List<double[]>(), new List<double[]>() };
    for (var r = 0; r < rounds; r++)
    {
        passes[0].Add(ModuleSeconds(prepared, images));
        passes[1].Add(ModuleSeconds(plain, imagesChannelsLast));
        passes[2].Add(reference.ModuleSeconds(batch));
    }
    var med = passes.Select(p => names.Select((_, i) => Median(p.Select(x => x[i]))).ToArray()).ToArray();
    Console.WriteLine($"median seconds per module over {rounds} passes each, batch {batch}");
    Console.WriteLine($"{"module",-24} {"ours",8} {"plain",8} {"pytorch",8} {"pt/ours",8} {"pt/plain",9}");
    for (var i = 0; i < names.Length; i++)
        Console.WriteLine($"{names[i],-24} {med[0][i],8:F3} {med[1][i],8:F3} {med[2][i],8:F3} {med[2][i] / med[0][i],8:F2} {med[2][i] / med[1][i],9:F2}");
    Console.WriteLine($"{"sum",-24} {med[0].Sum(),8:F3} {med[1].Sum(),8:F3} {med[2].Sum(),8:F3} {med[2].Sum() / med[0].Sum(),8:F2} {med[2].Sum() / med[1].Sum(),9:F2}");
}

Console.WriteLine(JsonSerializer.Serialize(new
{
    batch, rounds, iters, threads = get_num_threads(), pytorch = reference.Version,
    samples = results.ToDictionary(kv => kv.Key, kv => kv.Value.Select(v => new { images_per_s = v.ImagesPerSecond, cpu_s_per_image = v.CpuSecondsPerImage, page_faults_per_image = v.PageFaultsPerImage })),
    speed_over_pytorch = summary,
}));

Sample Ours(FidInceptionV3 network, Tensor x)
{
    using var self = Process.GetCurrentProcess();
    var cpu = self.TotalProcessorTime;
    var faults = MinorPageFaults();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < iters; i++)
    {
        var (blocks, _) = network.Forward(x, new[] { 3 });
        blocks[0].Dispose();
    }
    var wall = clock.Elapsed.TotalSeconds;
    self.Refresh();
    return new Sample(batch * iters / wall, (self.TotalProcessorTime - cpu).TotalSeconds / (batch * iters), (MinorPageFaults() - faults) / (double)(batch * iters));
}

// Field 10 of /proc/self/stat: page faults served without disk, i.e. mostly fresh pages of new allocations.
static long MinorPageFaults() => long.Parse(File.ReadAllText("/proc/self/stat").Split(") ")[1].Split(' ')[7], CultureInfo.InvariantCulture);

static double[] ModuleSeconds(FidInceptionV3 network, Tensor x)
{
    var marks = new List<(string Name, long Ticks)>();
    var start = Stopwatch.GetTimestamp();
    var (blocks, _) = network.Forward(x, new[] { 3 }, logits: false, observe: (name, _) => marks.Add((name, Stopwatch.GetTimestamp())));
    blocks[0].Dispose();
    // "block2" closes Mixed_6e's span with no work between them: merge it away.
    var times = marks.Select(m => m.Ticks).Prepend(start).ToArray();
    var seconds = marks.Select((m, i) => (m.Name, (times[i + 1] - times[i]) / (double)Stopwatch.Frequency)).ToList();
    var merged = new List<double>();
    foreach (var (name, s) in seconds)
        if (name == "block2") merged[^1] += s; else merged.Add(s);
    return merged.ToArray();
}

/// <summary>The PyTorch side: one python process answering measurement requests, so both sides alternate in one run.</summary>
internal sealed class PyTorchReference : IDisposable
{
    private readonly Process process;

    public PyTorchReference(int threads, Dictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var (k, v) in environment ?? new()) psi.Environment[k] = v;
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fid_inception.py"));
        psi.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
        process = Process.Start(psi)!;
        var hello = Read();
        Version = $"{hello.GetProperty("torch").GetString()}, {hello.GetProperty("threads").GetInt32()} threads";
    }

    public string Version { get; }

    public Sample Measure(int batch, int iters)
    {
        var answer = Ask($"channels_last {batch} {iters}");
        return new Sample(answer.GetProperty("images_per_s").GetDouble(), answer.GetProperty("cpu_s_per_image").GetDouble(), answer.GetProperty("page_faults_per_image").GetDouble());
    }

    public double[] ModuleSeconds(int batch) =>
        Ask($"channels_last {batch} 1 modules").GetProperty("module_seconds").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private JsonElement Ask(string request)
    {
        process.StandardInput.WriteLine(request);
        process.StandardInput.Flush();
        return Read();
    }

    private JsonElement Read() =>
        JsonDocument.Parse(process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the PyTorch reference exited")).RootElement;

    public void Dispose()
    {
        process.StandardInput.Close();
        process.WaitForExit();
        process.Dispose();
    }
}

/// <summary>Our side in a process of its own started with <c>MLGEN_MALLOC=off</c> (glibc's allocator settings are
/// process-wide and fixed when the library loads), answering requests like the PyTorch references.</summary>
internal sealed class OursProcess : IDisposable
{
    private readonly Process process;

    private OursProcess(Process process, string malloc) => (this.process, Malloc) = (process, malloc);

    public string Malloc { get; }

    public static OursProcess Start(int batch, int iters)
    {
        // Run as this process was: through the dotnet host with our dll, or as the app host itself.
        var host = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(typeof(OursProcess).Assembly.Location);
        foreach (var a in new[] { batch.ToString(CultureInfo.InvariantCulture), "1", iters.ToString(CultureInfo.InvariantCulture), "--serve" }) psi.ArgumentList.Add(a);
        psi.Environment["MLGEN_MALLOC"] = "off";
        psi.Environment["MLGEN_QUIET"] = "1";
        psi.Environment["MLGEN_TORCH_THREADS"] = get_num_threads().ToString(CultureInfo.InvariantCulture);
        var process = Process.Start(psi)!;
        var hello = JsonDocument.Parse(process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the malloc-off process exited")).RootElement;
        return new OursProcess(process, hello.GetProperty("malloc").GetString()!);
    }

    public Sample Measure()
    {
        process.StandardInput.WriteLine("ours");
        process.StandardInput.Flush();
        var answer = JsonDocument.Parse(process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the malloc-off process exited")).RootElement;
        return new Sample(answer.GetProperty("images_per_s").GetDouble(), answer.GetProperty("cpu_s_per_image").GetDouble(), answer.GetProperty("page_faults_per_image").GetDouble());
    }

    public void Dispose()
    {
        process.StandardInput.Close();
        process.WaitForExit();
        process.Dispose();
    }
}

/// <summary>One measurement: wall-clock images/s, and CPU seconds per image over all of the process's threads (less
/// sensitive than wall-clock time to other jobs on a shared machine).</summary>
internal readonly record struct Sample(double ImagesPerSecond, double CpuSecondsPerImage, double PageFaultsPerImage)
{
    public override string ToString() => $"{ImagesPerSecond:F2} ({CpuSecondsPerImage:F3} s, {PageFaultsPerImage:F0} pf)";
}
