#!/usr/bin/python3
"""Golden values from real PyTorch for tests/ML.Generative.Tests/Torch/GoldenTests.cs.

Run with Debian's python3-torch 1.13 (the same libtorch the library binds):
    /usr/bin/python3 tests/ML.Generative.Tests/golden/make_golden.py
Writes one raw little-endian file per tensor (<name>.bin) and manifest.json ({name: {shape, dtype}}) next to
this script. Every input (weights, data, noise, gradients) is a closed-form function written here, so the
files can be regenerated and audited; nothing is random.
"""
import json
import math
import os

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

OUT = os.path.dirname(os.path.abspath(__file__))
manifest = {}


def save(name, t):
    a = t.detach().cpu().contiguous().numpy()
    kind = {np.float32: ("float32", "<f4"), np.float64: ("float64", "<f8"), np.int64: ("int64", "<i8")}[a.dtype.type]
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(a.astype(kind[1]).tobytes())
    manifest[name] = {"shape": list(a.shape), "dtype": kind[0]}


def wave(shape, k, scale=1.0, dtype=torch.float32):
    """A fixed, irregular pattern: scale * sin(0.37 i + 0.91 k) * cos(0.11 i)."""
    n = math.prod(shape)
    i = torch.arange(n, dtype=torch.float64)
    v = scale * torch.sin(0.37 * i + 0.91 * k) * torch.cos(0.11 * i)
    return v.reshape(shape).to(dtype)


# ---- a small conv VAE: forward, loss, backward, BatchNorm running stats -------------------------------


class Vae(nn.Module):
    # (B, 1, 8, 8) -> (B, 4, 4, 4) -> (B, 8, 2, 2) -> 32 -> mu, logvar (3) -> 32 -> (B, 8, 2, 2) -> (B, 4, 4, 4) -> (B, 1, 8, 8)
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.BatchNorm2d(4), nn.LeakyReLU(0.2),
            nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten())
        self.fc_mu = nn.Linear(32, 3)
        self.fc_logvar = nn.Linear(32, 3)
        self.decoder_input = nn.Linear(3, 32)
        self.decoder = nn.Sequential(
            nn.Unflatten(1, (8, 2, 2)), nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1), nn.GroupNorm(2, 4), nn.ReLU(),
            nn.ConvTranspose2d(4, 1, 4, stride=2, padding=1), nn.Sigmoid())


def vae_case():
    model = Vae()
    with torch.no_grad():
        for k, (name, p) in enumerate(model.named_parameters()):
            fan_in = p[0].numel() if p.dim() > 1 else p.numel()
            p.copy_(wave(p.shape, k, 1.5 / math.sqrt(fan_in)))
    for key, t in model.state_dict().items():
        save("vae.init." + key, t)
    x = (wave((2, 1, 8, 8), 50) + 1) / 2
    eps = wave((2, 3), 51)
    save("vae.x", x)
    save("vae.eps", eps)
    model.train()
    h = model.encoder(x)
    mu, logvar = model.fc_mu(h), model.fc_logvar(h)
    z = mu + torch.exp(0.5 * logvar) * eps
    recon = model.decoder(model.decoder_input(z))
    bce = F.binary_cross_entropy(recon, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    loss = (bce + kld) / x.shape[0]
    loss.backward()
    save("vae.out.mu", mu)
    save("vae.out.logvar", logvar)
    save("vae.out.recon", recon)
    save("vae.out.loss", loss)
    for name, p in model.named_parameters():
        save("vae.grad." + name, p.grad)
    for name, b in model.named_buffers():
        save("vae.after." + name, b)


# ---- optimizers: three steps with fixed gradients ----------------------------------------------------

OPTIMIZERS = {
    "adam": lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.95), weight_decay=0.01),
    "adam_amsgrad": lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.5, 0.6), amsgrad=True),
    "adamw": lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1),
    "sgd_nesterov": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "rmsprop_centered": lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, momentum=0.5, centered=True),
}


def optimizer_cases():
    save("optim.init", wave((3, 4), 60))
    for step in range(3):
        save(f"optim.grad{step}", wave((3, 4), 61 + step, 2.0))
    for name, make in OPTIMIZERS.items():
        p = nn.Parameter(wave((3, 4), 60))
        opt = make([p])
        for step in range(3):
            p.grad = wave((3, 4), 61 + step, 2.0)
            opt.step()
            save(f"optim.{name}.step{step}", p)


# ---- spectral norm: one power iteration from fixed u, v ------------------------------------------------


def spectral_case(name, module, x_shape):
    module = nn.utils.spectral_norm(module)
    with torch.no_grad():
        module.weight_orig.copy_(wave(module.weight_orig.shape, 70))
        module.bias.copy_(wave(module.bias.shape, 71))
        module.weight_u.copy_(F.normalize(wave(module.weight_u.shape, 72), dim=0))
        module.weight_v.copy_(F.normalize(wave(module.weight_v.shape, 73), dim=0))
    for key, t in module.state_dict().items():
        save(f"sn.{name}.init.{key}", t)
    x = wave(x_shape, 74)
    save(f"sn.{name}.x", x)
    module.train()
    y = module(x)
    y.square().sum().backward()
    save(f"sn.{name}.y", y)
    save(f"sn.{name}.after.weight_u", module.weight_u)
    save(f"sn.{name}.after.weight_v", module.weight_v)
    save(f"sn.{name}.grad.weight_orig", module.weight_orig.grad)


def main():
    torch.set_num_threads(1)
    vae_case()
    optimizer_cases()
    spectral_case("linear", nn.Linear(5, 4), (3, 5))
    spectral_case("conv", nn.Conv2d(2, 3, 3, padding=1), (1, 2, 4, 4))
    spectral_case("deconv", nn.ConvTranspose2d(3, 2, 4, stride=2, padding=1), (1, 3, 2, 2))
    # One tensor per line keeps diffs of regenerated files readable.
    lines = [f"  {json.dumps(k)}: {json.dumps(manifest[k], sort_keys=True)}" for k in sorted(manifest)]
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        f.write("{\n" + f' "generator": "make_golden.py with torch {torch.__version__}",\n "tensors": {{\n')
        f.write(",\n".join(lines) + "\n }\n}\n")


if __name__ == "__main__":
    main()
