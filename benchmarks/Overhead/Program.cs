using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

// Per-call overhead of the binding: a tiny op (1-element add) through P/Invoke, handle creation and
// disposal, against the same op in PyTorch from Python (benchmarks/reference/overhead.py), run side by side
// by benchmarks/overhead. Prints one JSON line per case.
var iterations = args.Length > 0 ? int.Parse(args[0]) : 200_000;
var repeats = args.Length > 1 ? int.Parse(args[1]) : 5;
set_num_threads(1);
using var a = ones(1);
using var b = ones(1);

Measure("add_1elem", () =>
{
    using var c = a + b;
});
Measure("add_1elem_scope", () =>
{
    using var scope = NewDisposeScope();
    var c = a + b;
});
Measure("add_inplace_1elem", () => a.add_(b));

void Measure(string name, Action op)
{
    for (var i = 0; i < iterations / 10; i++) op(); // warm-up
    var times = new List<double>();
    for (var r = 0; r < repeats; r++)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) op();
        sw.Stop();
        times.Add(sw.Elapsed.TotalMilliseconds * 1000 / iterations);
    }
    times.Sort();
    Console.WriteLine($"{{\"side\":\"ours\",\"case\":\"{name}\",\"us_per_call_min\":{times[0]:F4},\"us_per_call_median\":{times[times.Count / 2]:F4}}}");
}
