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


def ours(case):
    exe = os.environ.get("MLGEN_BENCH_EXE")
    cmd = ([exe] if exe else ["dotnet", BENCH]) + ["train", case, str(steps), str(warmup)] + ([device] if gpu else [])
    return run(cmd, {"MLGEN_QUIET": "1"})


def pytorch(case, best, channels_last=False):
    env = {"OPENBLAS_NUM_THREADS": "1", "OPENBLAS_CORETYPE": "SkylakeX"} if best else {}
    cmd = [PYTHON, "train_step.py", case, "--steps", str(steps), "--warmup", str(warmup), "--threads", "2", "--device", device]
    return run(cmd + (["--channels-last"] if channels_last else []), env)


results = []
for case in cases:
    flops = run([PYTHON, "train_step.py", case, "--flops"])["flops_per_step"]
    samples = {"ours": [], "default": [], "best": [], "best_cl": []}
    rss = {"ours": 0, "default": 0, "best": 0}
    gpu_mb = {"ours": 0, "default": 0}
    sides = [("ours", lambda: ours(case)), ("default", lambda: pytorch(case, False))]
    if not gpu:
        sides += [("best", lambda: pytorch(case, True)), ("best_cl", lambda: pytorch(case, True, True))]
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
    results.append({
        "case": case, "kind": "train", "batch": batch,
        "ours_ms": [min(samples["ours"]), med["ours"], max(samples["ours"])],
        "pytorch_default_ms": [min(samples["default"]), med["default"], max(samples["default"])],
        "pytorch_best_ms": [min(samples[best_key]), med[best_key], max(samples[best_key])],
        "pytorch_best_memory_format": "channels_last" if best_key == "best_cl" else "contiguous",
        "ours_img_s": img_s["ours"], "pytorch_default_img_s": img_s["default"], "pytorch_best_img_s": img_s[best_key],
        "ratio_vs_default": img_s["ours"] / img_s["default"], "ratio_vs_best": img_s["ours"] / img_s[best_key],
        "ours_gflop_s": flops / med["ours"] / 1e6, "flops_per_step": flops,
        "ours_peak_rss_mb": rss["ours"], "pytorch_peak_rss_mb": max(rss["default"], rss["best"]),
        **({"device": device, "ours_cuda_peak_mb": gpu_mb["ours"], "pytorch_cuda_peak_mb": gpu_mb["default"]} if gpu else {}),
    })

machine = {"date": datetime.date.today().isoformat(), "cpu": platform.processor() or platform.machine(),
           "cores": os.cpu_count(), "torch_threads": 2, "quick": quick, "steps": steps, "warmup": warmup, "rounds": rounds,
           "device": device}
if gpu:
    import torch
    machine.update(gpu=torch.cuda.get_device_name(0), pytorch=torch.__version__, cuda=torch.version.cuda)
os.makedirs(os.path.join(ROOT, "benchmarks", "results"), exist_ok=True)
with open(os.path.join(ROOT, "benchmarks", "results", "gpu-latest.json" if gpu else "latest.json"), "w") as f:
    json.dump({"machine": machine, "cases": results}, f, indent=2)

if gpu:
    print(f"device: {machine['gpu']}, PyTorch {machine['pytorch']} (CUDA {machine['cuda']}) eager; {steps} steps x {rounds} rounds after {warmup} warm-up")
    print(f"{'case':<14}{'ours ms':>10}{'pt ms':>10}{'ours img/s':>12}{'pt img/s':>11}{'ratio':>8}{'GFLOP/s':>9}{'GPU MB ours/pt':>17}")
    for r in results:
        print(f"{r['case']:<14}{r['ours_ms'][1]:>10.2f}{r['pytorch_default_ms'][1]:>10.2f}{r['ours_img_s']:>12.0f}"
              f"{r['pytorch_default_img_s']:>11.0f}{r['ratio_vs_default']:>8.2f}{r['ours_gflop_s']:>9.0f}"
              f"{r['ours_cuda_peak_mb']:>9.0f}/{r['pytorch_cuda_peak_mb']:.0f}")
    raise SystemExit(0)
print(f"machine: {machine['cpu']}, {machine['cores']} cores, 2 torch threads on every side; {steps} steps x {rounds} rounds after {warmup} warm-up")
print(f"{'case':<14}{'ours ms':>10}{'pt def ms':>11}{'pt best ms':>12}{'ours img/s':>12}{'vs default':>12}{'vs best':>9}{'GFLOP/s':>9}{'RSS ours/pt MB':>17}")
for r in results:
    print(f"{r['case']:<14}{r['ours_ms'][1]:>10.0f}{r['pytorch_default_ms'][1]:>11.0f}{r['pytorch_best_ms'][1]:>12.0f}"
          f"{r['ours_img_s']:>12.1f}{r['ratio_vs_default']:>12.2f}{r['ratio_vs_best']:>9.2f}{r['ours_gflop_s']:>9.1f}"
          f"{r['ours_peak_rss_mb']:>9.0f}/{r['pytorch_peak_rss_mb']:.0f}")
