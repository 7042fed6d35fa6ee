"""Times training steps of one reference case in PyTorch. Prints one JSON object.
Usage: train_step.py CASE --steps N --warmup W [--threads T] [--channels-last] [--flops] [--profile trace.json]"""
import argparse
import json
import resource
import time

import torch

import models

p = argparse.ArgumentParser()
p.add_argument("case")
p.add_argument("--steps", type=int, default=10)
p.add_argument("--warmup", type=int, default=2)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--channels-last", action="store_true")
p.add_argument("--device", default="cpu", help="cpu or cuda (CUDA eager; each step ends with a synchronize)")
p.add_argument("--flops", action="store_true", help="count the multiply-add FLOPs of one step instead of timing")
p.add_argument("--profile", help="write the measured steps' operators to this Chrome trace file")
p.add_argument("--sample", action="store_true", help="time batches of 256 images decoded from prior codes in inference mode instead")
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(0)
case = models.build(a.case)
x = torch.rand(case.batch, case.channels, case.size, case.size)
device = torch.device(a.device)
case.network = case.network.to(device)
x = x.to(device)
parameters = sum(p.numel() for p in case.network.parameters())
sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
if a.channels_last:
    case.network = case.network.to(memory_format=torch.channels_last)
    x = x.contiguous(memory_format=torch.channels_last)

if a.sample:
    SAMPLE_BATCH = 256
    case.network.eval()
    times = []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        with torch.inference_mode():
            case.decode(torch.randn(SAMPLE_BATCH, case.latent, device=device))
        sync()
        if i >= a.warmup:
            times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"side": "pytorch", "case": a.case, "batch": SAMPLE_BATCH, "ms": times, "parameters": parameters,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "threads": torch.get_num_threads(), "device": a.device}))
    raise SystemExit(0)

if a.flops:
    # 2 FLOPs per multiply-add; a layer run with gradients enabled also costs its backward (about 2x forward).
    total = [0]
    def hook(m, inp, out):
        i = inp[0]
        if isinstance(m, torch.nn.Conv2d):
            f = 2 * out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, torch.nn.ConvTranspose2d):
            f = 2 * i.numel() * (m.out_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, torch.nn.Linear):
            f = 2 * i.numel() // m.in_features * m.in_features * m.out_features
        else:
            return
        total[0] += f * (3 if torch.is_grad_enabled() else 1)
    for m in case.network.modules():
        m.register_forward_hook(hook)
    case.step(x)
    print(json.dumps({"case": a.case, "flops_per_step": total[0]}))
    raise SystemExit(0)

for _ in range(a.warmup):
    case.step(x)
sync()
times = []
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
recording = torch.autograd.profiler.profile() if a.profile else None
if recording:
    recording.__enter__()
for _ in range(a.steps):
    t0 = time.perf_counter()
    case.step(x)
    sync()
    times.append((time.perf_counter() - t0) * 1000)
faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / max(1, a.steps)
if recording:
    recording.__exit__(None, None, None)
    recording.export_chrome_trace(a.profile)
print(json.dumps({"side": "pytorch", "case": a.case, "batch": case.batch, "ms": times, "parameters": parameters,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "threads": torch.get_num_threads(), "device": a.device, "minflt_per_step": faults,
                  "cuda_peak_mb": torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else 0}))
