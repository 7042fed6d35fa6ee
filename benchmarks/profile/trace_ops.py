"""Sums a Chrome trace written by libtorch's profiler (PyTorch: train_step.py --profile; our side has no profiler since the
move to TorchSharp 0.107, which exposes none; the old binding wrote these with MLGEN_PROFILE=...)
into self time per operator, and prints two traces side by side.
Usage: trace_ops.py OURS.json PYTORCH.json [--steps N] [--top K]"""
import argparse
import collections
import json


def self_times(path):
    events = [e for e in json.load(open(path)) if e.get("ph") == "X"]
    by_thread = collections.defaultdict(list)
    for e in events:
        by_thread[(e["pid"], e["tid"])].append(e)
    total = collections.Counter()
    calls = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []  # (end, name)
        for e in evs:
            while stack and e["ts"] >= stack[-1][0] - 1e-6:
                stack.pop()
            if stack:
                total[stack[-1][1]] -= e["dur"]  # a child's time is not its parent's self time
            total[e["name"]] += e["dur"]
            calls[e["name"]] += 1
            stack.append((e["ts"] + e["dur"], e["name"]))
    return total, calls


p = argparse.ArgumentParser()
p.add_argument("ours")
p.add_argument("pytorch")
p.add_argument("--steps", type=int, default=1, help="steps recorded in each trace (times are per step)")
p.add_argument("--top", type=int, default=30)
a = p.parse_args()
(ot, oc), (pt, pc) = self_times(a.ours), self_times(a.pytorch)
names = sorted(set(ot) | set(pt), key=lambda n: -max(ot[n], pt[n]))
print(f"{'operator (self time, ms/step)':45s} {'ours':>9s} {'calls':>6s} {'pytorch':>9s} {'calls':>6s}")
for n in names[:a.top]:
    print(f"{n[:45]:45s} {ot[n] / 1000 / a.steps:9.2f} {oc[n] // a.steps:6d} {pt[n] / 1000 / a.steps:9.2f} {pc[n] // a.steps:6d}")
print(f"{'total':45s} {sum(ot.values()) / 1000 / a.steps:9.2f} {'':6s} {sum(pt.values()) / 1000 / a.steps:9.2f}")
