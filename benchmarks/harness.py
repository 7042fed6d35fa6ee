"""Runs each case with our library and with the PyTorch reference (default and best configurations),
alternating the sides in rounds, and reports min/median/max ms per step, images/s, GFLOP/s, ratios and peak RSS.
PyTorch default: torch.set_num_threads(2) with the machine's environment as it is. PyTorch best: 2 threads,
OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE=SkylakeX, and the faster memory format for the case."""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "benchmarks", "reference")
BENCH = os.path.join(ROOT, "benchmarks", "Bench", "bin", "Release", "net10.0", "Bench.dll")
CASES = ["vae28", "vae32", "vaegan32", "unetvaegan32", "wae64"]

argv = sys.argv[1:]
# --device cuda: ours and PyTorch CUDA eager (the python running this harness, which must have CUDA torch);
# the CPU-only "best" configuration is not run there. MLGEN_BENCH_EXE names a published Bench executable.
device = argv[argv.index("--device") + 1] if "--device" in argv else "cpu"
args = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--device")]
quick = "--quick" in argv
gpu = device != "cpu"
PYTHON = sys.executable if gpu else "/usr/bin/python3"
cases = args or CASES
steps, warmup, rounds = (3, 1, 1) if quick else ((50, 10, 3) if gpu else (8, 2, 3))


def run(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=REF)
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def ours(case, kind="train"):
    exe = os.environ.get("MLGEN_BENCH_EXE")
    n, w = SAMPLE_STEPS if kind == "sample" else (steps, warmup)
    cmd = ([exe] if exe else ["dotnet", BENCH]) + [kind, case, str(n), str(w)] + ([device] if gpu else [])
    return run(cmd, {"MLGEN_QUIET": "1"})


# Sampling batches are 256 images in inference mode: fewer of them give a stable median.
SAMPLE_STEPS = (2, 1) if quick else (4, 2)


def pytorch(case, best, channels_last=False, kind="train"):
    env = {"OPENBLAS_NUM_THREADS": "1", "OPENBLAS_CORETYPE": "SkylakeX"} if best else {}
    n, w = SAMPLE_STEPS if kind == "sample" else (steps, warmup)
    cmd = [PYTHON, "train_step.py", case, "--steps", str(n), "--warmup", str(w), "--threads", "2", "--device", device]
    return run(cmd + (["--channels-last"] if channels_last else []) + (["--sample"] if kind == "sample" else []), env)


def measure(case, kind):
    """Alternates ours and PyTorch (default, best, best channels-last) in rounds; one result object."""
    flops = run([PYTHON, "train_step.py", case, "--flops"])["flops_per_step"] if kind == "train" else None
    samples = {"ours": [], "default": [], "best": [], "best_cl": []}
    rss = {"ours": 0, "default": 0, "best": 0}
    gpu_mb = {"ours": 0, "default": 0}
    sides = [("ours", lambda: ours(case, kind)), ("default", lambda: pytorch(case, False, kind=kind))]
    if not gpu:
        sides += [("best", lambda: pytorch(case, True, kind=kind)), ("best_cl", lambda: pytorch(case, True, True, kind=kind))]
    for r in range(rounds):
        for side, fn in sides:
            o = fn()
            samples[side] += o["ms"]
            key = "best" if side == "best_cl" else side
            rss[key] = max(rss[key], o["peak_rss_mb"])
            if side in gpu_mb:
                gpu_mb[side] = max(gpu_mb[side], o.get("cuda_peak_mb", 0))
    if gpu:  # one PyTorch configuration: eager CUDA
        samples["best"] = samples["best_cl"] = samples["default"]
        print(f"  {case} round {r + 1}/{rounds} done", file=sys.stderr)
    batch = o["batch"]
    med = {k: statistics.median(v) for k, v in samples.items()}
    best_key = "best" if med["best"] <= med["best_cl"] else "best_cl"
    img_s = {k: batch * 1000 / med[k] for k in med}
    return {
        "case": case, "kind": kind, "batch": batch,
        "ours_ms": [min(samples["ours"]), med["ours"], max(samples["ours"])],
        "pytorch_default_ms": [min(samples["default"]), med["default"], max(samples["default"])],
        "pytorch_best_ms": [min(samples[best_key]), med[best_key], max(samples[best_key])],
        "pytorch_best_memory_format": "channels_last" if best_key == "best_cl" else "contiguous",
        "ours_img_s": img_s["ours"], "pytorch_default_img_s": img_s["default"], "pytorch_best_img_s": img_s[best_key],
        "ratio_vs_default": img_s["ours"] / img_s["default"], "ratio_vs_best": img_s["ours"] / img_s[best_key],
        "ours_gflop_s": flops / med["ours"] / 1e6 if flops else None, "flops_per_step": flops,
        "ours_peak_rss_mb": rss["ours"], "pytorch_peak_rss_mb": max(rss["default"], rss["best"]),
        **({"device": device, "ours_cuda_peak_mb": gpu_mb["ours"], "pytorch_cuda_peak_mb": gpu_mb["default"]} if gpu else {}),
    }


def fid_inception():
    """FID feature extraction (Inception-v3, 299x299, batch 50): benchmarks/FidBench, ours against PyTorch eager in
    the same run. PyTorch's 'best' configuration is not run for this case."""
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "benchmarks", "FidBench"), "-c", "Release", "-v", "q", "-nologo"], check=True, capture_output=True)
    dll = os.path.join(ROOT, "benchmarks", "FidBench", "bin", "Release", "net10.0", "FidBench.dll")
    o = run(["dotnet", dll, "50", "1" if quick else "3"], {"MLGEN_QUIET": "1"})
    med = {k: statistics.median(x["images_per_s"] for x in v) for k, v in o["samples"].items()}
    # Peak RSS from processes of their own (the timing process holds several variants and both references).
    batches = "1" if quick else "3"
    ours_rss = run(["dotnet", dll, "50", batches, "--rss"], {"MLGEN_QUIET": "1"})["peak_rss_mb"]
    script = os.path.join(os.path.dirname(dll), "fid_inception.py")
    pytorch_rss = run(["/usr/bin/python3", script, "rss", "2", "50", batches], {})["peak_rss_mb"]
    return {"case": "inception299", "kind": "fid", "batch": 50, "ours_img_s": med["ours"], "pytorch_default_img_s": med["pytorch"],
            "pytorch_best_img_s": None, "ratio_vs_default": med["ours"] / med["pytorch"], "ratio_vs_best": None,
            "ours_peak_rss_mb": ours_rss, "pytorch_peak_rss_mb": pytorch_rss}


def loading():
    """Decoded images/s into batches of 64 (IDX: Fashion-MNIST's 60,000; PNG: a generated folder), background
    decoding on both sides: benchmarks/loading, which alternates ours and a PyTorch DataLoader."""
    path = os.path.join(ROOT, "benchmarks", "results", "loading.json")
    subprocess.run([os.path.join(ROOT, "benchmarks", "loading"), "1" if quick else "3", "2000" if quick else "10000"],
                   check=True, capture_output=True, env={**os.environ, "LOADING_JSON": path})
    with open(path) as f:
        r = json.load(f)
    return [{"case": data, "kind": "load", "batch": 64, "ours_img_s": r["ours"][f"{data}_prefetch2"], "pytorch_default_img_s": r["theirs"][f"{data}_workers1"],
             "pytorch_best_img_s": None, "ratio_vs_default": r["ours"][f"{data}_prefetch2"] / r["theirs"][f"{data}_workers1"], "ratio_vs_best": None,
             "ours_peak_rss_mb": None, "pytorch_peak_rss_mb": None} for data in ("idx", "png")]


def rss_over_steps(case, total):
    """Ours only: resident memory every 100 steps over a long run (--rss-steps N), to show it stays flat."""
    exe = os.environ.get("MLGEN_BENCH_EXE")
    cmd = ([exe] if exe else ["dotnet", BENCH]) + ["train", case, str(total), "0"]
    o = run(cmd, {"MLGEN_QUIET": "1", "MLGEN_BENCH_RSS_EVERY": "100"})
    return {"case": case, "steps": total, "every": 100, "rss_mb": o["rss_mb"]}


SAMPLE_CASES = ["vae28", "vae32", "wae64"]
rss_steps = int(argv[argv.index("--rss-steps") + 1]) if "--rss-steps" in argv else 0
if rss_steps:
    args = [a for a in args if a != str(rss_steps)]
    cases = args or CASES
# --kinds train,sample,fid,load runs only those kinds and replaces just their entries in latest.json.
kinds = argv[argv.index("--kinds") + 1].split(",") if "--kinds" in argv else ["train", "sample", "fid", "load"]
args = [a for a in args if "--kinds" not in argv or a != argv[argv.index("--kinds") + 1]]
cases = args or CASES
results = [measure(case, "train") for case in cases] if "train" in kinds else []
# Sampling, FID and loading join a run of the default case list (not one naming its cases).
if not args and not gpu:
    results += [measure(case, "sample") for case in SAMPLE_CASES] if "sample" in kinds else []
    results += [fid_inception()] if "fid" in kinds else []
    results += loading() if "load" in kinds else []

machine = {"date": datetime.date.today().isoformat(), "cpu": platform.processor() or platform.machine(),
           "cores": os.cpu_count(), "torch_threads": 2, "quick": quick, "steps": steps, "warmup": warmup, "rounds": rounds,
           "device": device}
if gpu:
    import torch
    machine.update(gpu=torch.cuda.get_device_name(0), pytorch=torch.__version__, cuda=torch.version.cuda)
memory = [rss_over_steps(c, rss_steps) for c in (args or ["vae28"])] if rss_steps else []
os.makedirs(os.path.join(ROOT, "benchmarks", "results"), exist_ok=True)
latest = os.path.join(ROOT, "benchmarks", "results", "gpu-latest.json" if gpu else "latest.json")
kept = []
if "--kinds" in argv and os.path.exists(latest):
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

if gpu:
    print(f"device: {machine['gpu']}, PyTorch {machine['pytorch']} (CUDA {machine['cuda']}) eager; {steps} steps x {rounds} rounds after {warmup} warm-up")
    print(f"{'case':<14}{'ours ms':>10}{'pt ms':>10}{'ours img/s':>12}{'pt img/s':>11}{'ratio':>8}{'GFLOP/s':>9}{'GPU MB ours/pt':>17}")
    for r in results:
        print(f"{r['case']:<14}{r['ours_ms'][1]:>10.2f}{r['pytorch_default_ms'][1]:>10.2f}{r['ours_img_s']:>12.0f}"
              f"{r['pytorch_default_img_s']:>11.0f}{r['ratio_vs_default']:>8.2f}{r['ours_gflop_s']:>9.0f}"
              f"{r['ours_cuda_peak_mb']:>9.0f}/{r['pytorch_cuda_peak_mb']:.0f}")
    raise SystemExit(0)
print(f"machine: {machine['cpu']}, {machine['cores']} cores, 2 torch threads on every side; {steps} steps x {rounds} rounds after {warmup} warm-up")
def f(value, spec):
    return format(value, spec) if value is not None else format("-", spec[:spec.index(".")] if "." in spec else spec)


print(f"{'case':<14}{'kind':<8}{'ours img/s':>12}{'pt def img/s':>14}{'pt best img/s':>15}{'vs default':>12}{'vs best':>9}{'GFLOP/s':>9}{'RSS ours/pt MB':>17}")
for r in results:
    rss_text = f"{r['ours_peak_rss_mb']:.0f}/{r['pytorch_peak_rss_mb']:.0f}" if r["ours_peak_rss_mb"] else "-"
    print(f"{r['case']:<14}{r['kind']:<8}{r['ours_img_s']:>12.1f}{r['pytorch_default_img_s']:>14.1f}{f(r['pytorch_best_img_s'], '>15.1f')}"
          f"{r['ratio_vs_default']:>12.2f}{f(r['ratio_vs_best'], '>9.2f')}{f(r.get('ours_gflop_s'), '>9.1f')}{rss_text:>17}")
