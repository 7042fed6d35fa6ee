"""Per-call overhead of a tiny op in PyTorch (the reference for benchmarks/Overhead)."""
import json
import sys
import time

import torch

iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(1)
a = torch.ones(1)
b = torch.ones(1)


def measure(name, op):
    for _ in range(iterations // 10):
        op()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(iterations):
            op()
        times.append((time.perf_counter() - t0) * 1e6 / iterations)
    times.sort()
    print(json.dumps({"side": "pytorch", "case": name, "us_per_call_min": round(times[0], 4),
                      "us_per_call_median": round(times[len(times) // 2], 4)}))


def add():
    c = a + b


measure("add_1elem", add)
measure("add_1elem_scope", add)
measure("add_inplace_1elem", lambda: a.add_(b))
