"""Runs each case with our library, with a hand-written TorchSharp loop (benchmarks/HandWritten) and with the PyTorch
reference (default and best configurations), alternating the sides in rounds, and reports min/median/max ms per step,
images/s, GFLOP/s, ratios, peak RSS and minor page faults; then checks the targets (PASS/FAIL lines; exit status 1 on
any FAIL). Every side runs with 2 torch threads. Ours: the library's defaults (its glibc allocator settings included).
Hand-written TorchSharp: the plain eager loop, glibc's defaults. PyTorch default: the machine's environment as it is.
PyTorch best: OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE=SkylakeX, and the faster memory format for the case.
Usage: harness.py [--quick] [--kinds train,sample,fid,load] [--rss-steps N] [--steps N --warmup W --rounds R]
                  [--device cuda] [--out PATH] [case ...]"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "benchmarks", "reference")
CASES = ["vae28", "vae32", "vaegan32", "unetvaegan32", "wae64"]
SAMPLE_CASES = ["vae28", "vae32", "wae64"]
# Targets (benchmarks/README.md): ours against the hand-written TorchSharp loop and PyTorch's default configuration.
TARGETS = {"train_vs_torchsharp": 1.15, "train_vs_default": 1.8, "sample_vs_torchsharp": 1.5, "rss_vs_torchsharp": 1.25,
           "gpu_vs_default": 1.0}


def dll(project):
    """The Release build of a benchmarks/ project."""
    path = os.path.join(ROOT, "benchmarks", project, "bin", "Release", "net10.0", project + ".dll")
    if os.path.exists(path):
        return path
    raise SystemExit(f"{project} is not built: dotnet build benchmarks/{project} -c Release")


p = argparse.ArgumentParser(description="ours vs hand-written TorchSharp vs PyTorch, alternating in one run")
p.add_argument("cases", nargs="*", help=f"training cases (default: all of {', '.join(CASES)}, plus sampling, FID and loading)")
p.add_argument("--quick", action="store_true", help="3 steps after 1 warm-up, 1 round: checks the harness, not the speed")
p.add_argument("--kinds", default="train,sample,fid,load", help="kinds to run; with it, only their entries of the results file are replaced")
p.add_argument("--rss-steps", type=int, default=0, help="ours only: RSS every 100 steps over this many steps")
p.add_argument("--steps", type=int)
p.add_argument("--warmup", type=int)
p.add_argument("--rounds", type=int)
# --device cuda: every side on the GPU (PyTorch: the python running this harness, which must have CUDA torch); the
# CPU-only "best" configuration is not run there. MLGEN_BENCH_EXE / MLGEN_HANDWRITTEN_EXE name published executables.
p.add_argument("--device", default="cpu")
p.add_argument("--out", help="results file (default benchmarks/results/latest.json, gpu-latest.json on a GPU)")
a = p.parse_args()
device = a.device
gpu = device != "cpu"
quick = a.quick
PYTHON = sys.executable if gpu else "/usr/bin/python3"
cases = a.cases or CASES
kinds = a.kinds.split(",")
steps, warmup, rounds = (3, 1, 1) if quick else ((50, 10, 3) if gpu else (8, 2, 3))
steps, warmup, rounds = a.steps or steps, a.warmup if a.warmup is not None else warmup, a.rounds or rounds
# Sampling batches are 256 images in inference mode: fewer of them give a stable median.
SAMPLE_STEPS = (2, 1) if quick else (4, 2)
THREADS = 2


def run(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=REF)
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def counts(kind):
    return SAMPLE_STEPS if kind == "sample" else (steps, warmup)


def ours(case, kind="train", env=None):
    exe = os.environ.get("MLGEN_BENCH_EXE")
    n, w = counts(kind)
    cmd = ([exe] if exe else ["dotnet", dll("Bench")]) + [kind, case, str(n), str(w)] + ([device] if gpu else [])
    return run(cmd, {"MLGEN_QUIET": "1", "MLGEN_TORCH_THREADS": str(THREADS), **(env or {})})


def torchsharp(case, kind="train"):
    """The hand-written TorchSharp loop, in a process of its own (no ML.Generative: glibc's malloc defaults)."""
    exe = os.environ.get("MLGEN_HANDWRITTEN_EXE")
    n, w = counts(kind)
    cmd = ([exe] if exe else ["dotnet", dll("HandWritten")]) + [kind, case, str(n), str(w), device, "--threads", str(THREADS)]
    return run(cmd)


def pytorch(case, best, channels_last=False, kind="train"):
    env = {"OPENBLAS_NUM_THREADS": "1", "OPENBLAS_CORETYPE": "SkylakeX"} if best else {}
    n, w = counts(kind)
    cmd = [PYTHON, "train_step.py", case, "--steps", str(n), "--warmup", str(w), "--threads", str(THREADS), "--device", device]
    return run(cmd + (["--channels-last"] if channels_last else []) + (["--sample"] if kind == "sample" else []), env)


def spread(v):
    return [min(v), statistics.median(v), max(v)]


def measure(case, kind):
    """Alternates ours, hand-written TorchSharp and PyTorch (default, best, best channels-last) in rounds; one result object."""
    flops = run([PYTHON, "train_step.py", case, "--flops"])["flops_per_step"] if kind == "train" else None
    sides = [("ours", lambda: ours(case, kind)), ("torchsharp", lambda: torchsharp(case, kind)),
             ("default", lambda: pytorch(case, False, kind=kind))]
    if not gpu:
        sides += [("best", lambda: pytorch(case, True, kind=kind)), ("best_cl", lambda: pytorch(case, True, True, kind=kind))]
    samples = {side: [] for side, _ in sides}
    rss = {side: 0 for side, _ in sides}
    faults = {side: [] for side, _ in sides}
    gpu_mb = {"ours": None, "default": None}
    parameters = {}
    for r in range(rounds):
        for side, fn in sides:
            o = fn()
            samples[side] += o["ms"]
            rss[side] = max(rss[side], o["peak_rss_mb"])
            if o.get("minflt_per_step") is not None:
                faults[side].append(o["minflt_per_step"])
            if side in gpu_mb and o.get("cuda_peak_mb"):
                gpu_mb[side] = max(gpu_mb[side] or 0, o["cuda_peak_mb"])
            parameters[side] = o.get("parameters")
            batch = o["batch"]
        print(f"  {case} {kind} round {r + 1}/{rounds} done", file=sys.stderr)
    # The sides must train the same networks, or the ratios compare different work.
    if len({v for v in parameters.values() if v is not None}) > 1:
        raise SystemExit(f"{case}: the sides' networks differ in size: {parameters}")
    if gpu:  # one PyTorch configuration: eager CUDA
        samples["best"] = samples["best_cl"] = samples["default"]
        rss["best"] = rss["best_cl"] = rss["default"]
    med = {k: statistics.median(v) for k, v in samples.items()}
    best_key = "best" if med["best"] <= med["best_cl"] else "best_cl"
    img_s = {k: batch * 1000 / med[k] for k in med}
    fault_med = {k: statistics.median(v) if v else None for k, v in faults.items()}
    return {
        "case": case, "kind": kind, "batch": batch,
        "ours_ms": spread(samples["ours"]), "torchsharp_ms": spread(samples["torchsharp"]),
        "pytorch_default_ms": spread(samples["default"]), "pytorch_best_ms": spread(samples[best_key]),
        "pytorch_best_memory_format": "channels_last" if best_key == "best_cl" else "contiguous",
        "ours_img_s": img_s["ours"], "torchsharp_img_s": img_s["torchsharp"],
        "pytorch_default_img_s": img_s["default"], "pytorch_best_img_s": img_s[best_key],
        "ratio_vs_torchsharp": img_s["ours"] / img_s["torchsharp"],
        "ratio_vs_default": img_s["ours"] / img_s["default"], "ratio_vs_best": img_s["ours"] / img_s[best_key],
        "ours_gflop_s": flops / med["ours"] / 1e6 if flops else None, "flops_per_step": flops,
        "ours_peak_rss_mb": rss["ours"], "torchsharp_peak_rss_mb": rss["torchsharp"],
        "pytorch_peak_rss_mb": max(rss["default"], rss["best"], rss["best_cl"]),
        "ours_minflt_per_step": fault_med["ours"], "torchsharp_minflt_per_step": fault_med["torchsharp"],
        "pytorch_default_minflt_per_step": fault_med["default"], "parameters": parameters.get("ours"),
        # TorchSharp 0.107 reports no CUDA memory statistics: ours_cuda_peak_mb stays null.
        **({"device": device, "ours_cuda_peak_mb": gpu_mb["ours"], "pytorch_cuda_peak_mb": gpu_mb["default"]} if gpu else {}),
    }


def no_torchsharp(entry):
    """Kinds without a hand-written TorchSharp side (FID and loading) carry its fields as null."""
    return {**entry, "torchsharp_img_s": None, "ratio_vs_torchsharp": None, "torchsharp_peak_rss_mb": None}


def fid_inception():
    """FID feature extraction (Inception-v3, 299x299, batch 50): benchmarks/FidBench, ours against PyTorch eager in
    the same run. PyTorch's 'best' configuration is not run for this case."""
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "benchmarks", "FidBench"), "-c", "Release", "-v", "q", "-nologo"], check=True, capture_output=True)
    fid = dll("FidBench")
    o = run(["dotnet", fid, "50", "1" if quick else "3"], {"MLGEN_QUIET": "1"})
    med = {k: statistics.median(x["images_per_s"] for x in v) for k, v in o["samples"].items()}
    # Peak RSS from processes of their own (the timing process holds several variants and both references).
    batches = "1" if quick else "3"
    ours_rss = run(["dotnet", fid, "50", batches, "--rss"], {"MLGEN_QUIET": "1"})["peak_rss_mb"]
    script = os.path.join(os.path.dirname(fid), "fid_inception.py")
    pytorch_rss = run(["/usr/bin/python3", script, "rss", "2", "50", batches], {})["peak_rss_mb"]
    return no_torchsharp({"case": "inception299", "kind": "fid", "batch": 50, "ours_img_s": med["ours"], "pytorch_default_img_s": med["pytorch"],
                          "pytorch_best_img_s": None, "ratio_vs_default": med["ours"] / med["pytorch"], "ratio_vs_best": None,
                          "ours_peak_rss_mb": ours_rss, "pytorch_peak_rss_mb": pytorch_rss})


def loading():
    """Decoded images/s into batches of 64 (IDX: Fashion-MNIST's 60,000; PNG: a generated folder), background
    decoding on both sides: benchmarks/loading, which alternates ours and a PyTorch DataLoader."""
    path = os.path.join(ROOT, "benchmarks", "results", "loading.json")
    subprocess.run([os.path.join(ROOT, "benchmarks", "loading"), "1" if quick else "3", "2000" if quick else "10000"],
                   check=True, capture_output=True, env={**os.environ, "LOADING_JSON": path})
    with open(path) as f:
        r = json.load(f)
    return [no_torchsharp({"case": data, "kind": "load", "batch": 64, "ours_img_s": r["ours"][f"{data}_prefetch2"], "pytorch_default_img_s": r["theirs"][f"{data}_workers1"],
                           "pytorch_best_img_s": None, "ratio_vs_default": r["ours"][f"{data}_prefetch2"] / r["theirs"][f"{data}_workers1"], "ratio_vs_best": None,
                           "ours_peak_rss_mb": None, "pytorch_peak_rss_mb": None}) for data in ("idx", "png")]


def rss_over_steps(case, total):
    """Ours only: resident memory every 100 steps over a long run (--rss-steps N), to show it stays flat."""
    exe = os.environ.get("MLGEN_BENCH_EXE")
    cmd = ([exe] if exe else ["dotnet", dll("Bench")]) + ["train", case, str(total), "0"]
    o = run(cmd, {"MLGEN_QUIET": "1", "MLGEN_BENCH_RSS_EVERY": "100"})
    return {"case": case, "steps": total, "every": 100, "rss_mb": o["rss_mb"]}


def check(r):
    """(passed, line) for every target that applies to one result entry."""
    out = []
    name = f"{r['case']} {r['kind']}"
    def target(value, limit, text, at_most=False):
        if value is not None:
            ok = value <= limit if at_most else value >= limit
            out.append((ok, f"{'PASS' if ok else 'FAIL'} {name:<20} {text}: {value:.2f}x (target {'≤' if at_most else '≥'} {limit})"))
    if gpu:
        if r["kind"] == "train":
            target(r["ratio_vs_default"], TARGETS["gpu_vs_default"], "vs PyTorch eager")
        return out
    if r["kind"] == "train":
        target(r["ratio_vs_torchsharp"], TARGETS["train_vs_torchsharp"], "vs hand-written TorchSharp")
        target(r["ratio_vs_default"], TARGETS["train_vs_default"], "vs PyTorch default")
    if r["kind"] == "sample":
        target(r["ratio_vs_torchsharp"], TARGETS["sample_vs_torchsharp"], "vs hand-written TorchSharp")
    if r["kind"] in ("train", "sample") and r.get("torchsharp_peak_rss_mb"):
        target(r["ours_peak_rss_mb"] / r["torchsharp_peak_rss_mb"], TARGETS["rss_vs_torchsharp"], "peak RSS vs hand-written TorchSharp", at_most=True)
    return out


named = bool(a.cases)
def measured(case, kind):
    """measure(), and one line to stderr as soon as the case is done, so a run cut short still tells what it found."""
    r = measure(case, kind)
    print(f"  {case} {kind}: ours {r['ours_img_s']:.1f} img/s; vs hand-written {r.get('ratio_vs_torchsharp')}, "
          f"vs PyTorch default {r.get('ratio_vs_default')}, vs best {r.get('ratio_vs_best')}; peak RSS ours "
          f"{r.get('ours_peak_rss_mb')} / hand-written {r.get('torchsharp_peak_rss_mb')} / PyTorch {r.get('pytorch_peak_rss_mb')} MB",
          file=sys.stderr, flush=True)
    return r


results = [measured(case, "train") for case in cases] if "train" in kinds else []
# Sampling joins for the cases that have a sampler; FID and loading only a run of the default case list.
if "sample" in kinds:
    results += [measured(case, "sample") for case in SAMPLE_CASES if case in cases]
if not named and not gpu:
    results += [fid_inception()] if "fid" in kinds else []
    results += loading() if "load" in kinds else []

machine = {"date": datetime.date.today().isoformat(), "cpu": platform.processor() or platform.machine(),
           "cores": os.cpu_count(), "torch_threads": THREADS, "quick": quick, "steps": steps, "warmup": warmup, "rounds": rounds,
           "device": device}
if gpu:
    import torch
    machine.update(gpu=torch.cuda.get_device_name(0), pytorch=torch.__version__, cuda=torch.version.cuda)
memory = [rss_over_steps(c, a.rss_steps) for c in (a.cases or ["vae28"])] if a.rss_steps else []
latest = a.out or os.path.join(ROOT, "benchmarks", "results", "gpu-latest.json" if gpu else "latest.json")
os.makedirs(os.path.dirname(os.path.abspath(latest)), exist_ok=True)
kept = []
if any(x == "--kinds" or x.startswith("--kinds=") for x in sys.argv[1:]) and os.path.exists(latest):
    with open(latest) as f:
        previous = json.load(f)
    kept = [dict(c, date=c.get("date", previous["machine"]["date"])) for c in previous["cases"] if c["kind"] not in kinds]
    memory = memory or previous.get("rss_over_steps", [])
for r in results:
    r["date"] = machine["date"]
with open(latest, "w") as f:
    json.dump({"machine": machine, "cases": kept + results, **({"rss_over_steps": memory} if memory else {})}, f, indent=2)
for m in memory:
    print(f"{m['case']}: RSS every {m['every']} steps over {m['steps']}: " + ", ".join(f"{v:.0f}" for v in m["rss_mb"]) + " MB")


def f(value, spec):
    return format(value, spec) if value is not None else format("-", spec[:spec.index(".")] if "." in spec else spec)


if gpu:
    print(f"device: {machine['gpu']}, PyTorch {machine['pytorch']} (CUDA {machine['cuda']}) eager; {steps} steps x {rounds} rounds after {warmup} warm-up")
    print(f"{'case':<14}{'kind':<8}{'ours ms':>10}{'TS ms':>10}{'pt ms':>10}{'ours img/s':>12}{'TS img/s':>11}{'pt img/s':>11}{'vs TS':>8}{'vs pt':>8}{'GFLOP/s':>9}")
    for r in results:
        print(f"{r['case']:<14}{r['kind']:<8}{r['ours_ms'][1]:>10.2f}{r['torchsharp_ms'][1]:>10.2f}{r['pytorch_default_ms'][1]:>10.2f}{r['ours_img_s']:>12.0f}"
              f"{r['torchsharp_img_s']:>11.0f}{r['pytorch_default_img_s']:>11.0f}{r['ratio_vs_torchsharp']:>8.2f}{r['ratio_vs_default']:>8.2f}{f(r['ours_gflop_s'], '>9.0f')}")
else:
    print(f"machine: {machine['cpu']}, {machine['cores']} cores, {THREADS} torch threads on every side; {steps} steps x {rounds} rounds after {warmup} warm-up"
          + (" (--quick: checks the harness; not a measurement)" if quick else ""))
    print("TS = hand-written TorchSharp loop; pt = PyTorch 1.13 (def: as installed, best: tuned BLAS and memory format)")
    print(f"{'case':<14}{'kind':<8}{'ours img/s':>12}{'TS img/s':>10}{'pt def':>9}{'pt best':>9}{'vs TS':>7}{'vs def':>8}{'vs best':>8}"
          f"{'GFLOP/s':>9}{'RSS ours/TS/pt MB':>20}{'faults/step ours/TS':>22}")
    for r in results:
        rss_text = (f"{r['ours_peak_rss_mb']:.0f}/{f(r.get('torchsharp_peak_rss_mb'), '.0f')}/{r['pytorch_peak_rss_mb']:.0f}"
                    if r["ours_peak_rss_mb"] else "-")
        fault_text = (f"{r['ours_minflt_per_step']:.0f}/{f(r.get('torchsharp_minflt_per_step'), '.0f')}"
                      if r.get("ours_minflt_per_step") is not None else "-")
        print(f"{r['case']:<14}{r['kind']:<8}{r['ours_img_s']:>12.1f}{f(r.get('torchsharp_img_s'), '>10.1f')}{r['pytorch_default_img_s']:>9.1f}"
              f"{f(r['pytorch_best_img_s'], '>9.1f')}{f(r.get('ratio_vs_torchsharp'), '>7.2f')}{r['ratio_vs_default']:>8.2f}{f(r['ratio_vs_best'], '>8.2f')}"
              f"{f(r.get('ours_gflop_s'), '>9.1f')}{rss_text:>20}{fault_text:>22}")

checks = [c for r in results for c in check(r)]
if checks:
    print("targets:" + (" (--quick or a shared machine: indicative only)" if quick else ""))
    for _, line in checks:
        print(line)
raise SystemExit(0 if all(ok for ok, _ in checks) else 1)
