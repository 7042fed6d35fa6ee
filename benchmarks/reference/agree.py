"""Runs K training steps of one reference case from given weights and input, for the agreement test
(tests/ML.Generative.Tests/Benchmarks/ReferenceAgreementTests.cs): the library saved its initial state dict and the
input batch as safetensors; this loads them into models.py's network, seeds libtorch's generator as the library did,
and runs the same steps. The same seed and the same order of random calls give the same noise (libtorch 1.13 here,
2.10 in the library: their CPU generators draw alike). Writes the final state dict as safetensors and prints the
losses per step and player. With DTYPE float64 the same steps run in double precision: the test measures how far
float32 rounding alone moves the result from there, which bounds how far two float32 implementations may differ.
Usage: agree.py CASE IN.safetensors OUT.safetensors STEPS SEED [float32|float64]"""
import json
import struct
import sys

import numpy as np
import torch

import models

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


def read(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(body[a:b], dtype=DTYPES[e["dtype"]]).reshape(e["shape"]).copy())
    return out


def write(path, tensors):
    names = sorted(tensors)
    header, offset, blobs = {}, 0, []
    for name in names:
        t = tensors[name].detach().contiguous()
        raw = t.numpy().tobytes()
        dtype = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}[t.dtype]
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


case_name, src, dst, steps, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
dtype = torch.float64 if len(sys.argv) > 6 and sys.argv[6] == "float64" else torch.float32
torch.set_num_threads(1)
case = models.build(case_name)
case.network.to(dtype)
state = read(src)
x = state.pop("__input__").to(dtype)
case.network.load_state_dict(state, strict=True)
case.network.train()
torch.manual_seed(seed)
losses = []
for _ in range(steps):
    step = []
    for opt, loss_fn in case.players:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(x)
        loss.backward()
        opt.step()
        step.append(loss.item())
    losses.append(step)
write(dst, case.network.state_dict())
print(json.dumps({"losses": losses}))
