"""PyTorch's side of benchmarks/loading: images/s of loading + decoding + batching with a DataLoader.

  loading.py pngs <fashion-mnist-dir> <out-folder> [count]   write the first `count` train images as 28x28
                                                              gray PNGs in class sub-folders (PIL)
  loading.py bench <fashion-mnist-dir> <png-folder> [repeats] [batch-size]

The datasets do what torchvision's FashionMNIST and ImageFolder do (without needing torchvision): the IDX
gzip parsed into a uint8 tensor on every pass, each item turned into a float [1, 28, 28] in [0, 1] with its
label; PNG files listed, decoded with PIL per item. num_workers 0 and 1 match Prefetch 0 and 2 on our side.
"""
import gzip, json, os, statistics, sys, time

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return torch.from_numpy(np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims).copy())


class IdxImages(Dataset):
    def __init__(self, folder):
        self.images = read_idx(os.path.join(folder, "train-images-idx3-ubyte.gz"))
        self.labels = read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz")).long()

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.images[i].unsqueeze(0).float().div(255), self.labels[i]


class PngFolder(Dataset):
    def __init__(self, root):
        classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
        self.items = [(os.path.join(root, c, f), k) for k, c in enumerate(classes)
                      for f in sorted(os.listdir(os.path.join(root, c)))]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        path, label = self.items[i]
        with Image.open(path) as img:
            pixels = np.asarray(img.convert("L"), dtype=np.uint8)
        return torch.from_numpy(pixels.copy()).unsqueeze(0).float().div(255), label


def make_pngs(folder, out, count):
    images = read_idx(os.path.join(folder, "train-images-idx3-ubyte.gz"))[:count].numpy()
    labels = read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"))[:count].numpy()
    for i, (img, label) in enumerate(zip(images, labels)):
        d = os.path.join(out, f"class{label}")
        os.makedirs(d, exist_ok=True)
        Image.fromarray(img, mode="L").save(os.path.join(d, f"{i:06d}.png"))


def measure(name, make, workers, repeats, batch):
    def one_pass():
        n = 0
        for x, y in DataLoader(make(), batch_size=batch, shuffle=False, num_workers=workers):
            n += x.shape[0]
        return n

    one_pass()  # warm-up: file cache, worker start paths
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        n = one_pass()
        rates.append(n / (time.perf_counter() - t))
    rates.sort()
    print(json.dumps({"side": "pytorch", "case": name, "images_per_s_best": round(rates[-1]),
                      "images_per_s_median": round(statistics.median_low(rates))}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "pngs":
        make_pngs(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 10000)
    else:
        idx, pngs = sys.argv[2], sys.argv[3]
        repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 3
        batch = int(sys.argv[5]) if len(sys.argv) > 5 else 64
        for workers in (0, 1):
            measure(f"idx_workers{workers}", lambda: IdxImages(idx), workers, repeats, batch)
            measure(f"png_workers{workers}", lambda: PngFolder(pngs), workers, repeats, batch)
