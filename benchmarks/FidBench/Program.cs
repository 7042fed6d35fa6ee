using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ML.Generative.Fid;
using ML.Generative.Fid.Inception;
using ML.Generative.Torch;
using static ML.Generative.Torch.torch;

// FID Inception-v3 feature extraction, 299x299, batch 50: ours (through FidFeatures, contiguous and channels-last)
// then PyTorch running the same layer list (benchmarks/reference/fid_inception.py), in the same run.
// Usage: FidBench [batch 50] [warmup 1] [iterations 3]. Weights are the default initialisation: speed does not depend on them.
var batch = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
var warmup = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
var iters = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;

double Ours(bool channelsLast)
{
    manual_seed(0);
    using var net = new FidInceptionV3();
    using var features = FidFeatures.Inception(net.state_dict(), "random", 2048, channelsLast: channelsLast);
    features.BatchSize = batch;
    using var x = rand(batch, 3, 299, 299);
    for (var i = 0; i < warmup; i++) features.Extract(x).Dispose();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < iters; i++) features.Extract(x).Dispose();
    return batch * iters / clock.Elapsed.TotalSeconds;
}

var oursContiguous = Ours(false);
var oursChannelsLast = Ours(true);
var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true };
foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "fid_inception.py"), $"{batch}", $"{warmup}", $"{iters}", $"{get_num_threads()}" }) psi.ArgumentList.Add(a);
using var p = Process.Start(psi)!;
var reference = JsonDocument.Parse(p.StandardOutput.ReadToEnd().Trim().Split('\n')[^1]).RootElement;
p.WaitForExit();
var torchContiguous = reference.GetProperty("contiguous").GetDouble();
var torchChannelsLast = reference.GetProperty("channels_last").GetDouble();
Console.WriteLine($"machine: {Environment.ProcessorCount} cores; ours: {get_num_threads()} torch threads; PyTorch {reference.GetProperty("torch").GetString()}: {reference.GetProperty("threads").GetInt32()} threads");
Console.WriteLine($"batch {batch}, 299x299, {warmup} warm-up + {iters} measured batches, images/s");
Console.WriteLine($"{"layout",-14} {"ours",8} {"PyTorch",8} {"ratio",6}");
Console.WriteLine($"{"contiguous",-14} {oursContiguous,8:F2} {torchContiguous,8:F2} {oursContiguous / torchContiguous,6:F2}");
Console.WriteLine($"{"channels-last",-14} {oursChannelsLast,8:F2} {torchChannelsLast,8:F2} {oursChannelsLast / torchChannelsLast,6:F2}");
Console.WriteLine($"ours channels-last vs PyTorch's best: {oursChannelsLast / Math.Max(torchContiguous, torchChannelsLast):F2}");
