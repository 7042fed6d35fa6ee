"""PyTorch reference for the FID Inception-v3 speed benchmark: the same layer list as ML.Generative.Fid's
FidInceptionV3 (pytorch-fid's FID blocks), written here from that layer list (torchvision is not installed).
Argument: the torch thread count. Answers measurement requests from stdin (see serve), in inference mode, so that
benchmarks/FidBench can alternate its measurements with these in one run."""
import json, resource, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicConv2d(nn.Module):
    def __init__(self, cin, cout, k, stride=1, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)), inplace=True)


def avg(x):
    return F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)


class A(nn.Module):
    def __init__(self, cin, pool):
        super().__init__()
        self.b1 = BasicConv2d(cin, 64, 1)
        self.b5 = nn.Sequential(BasicConv2d(cin, 48, 1), BasicConv2d(48, 64, 5, padding=2))
        self.b3 = nn.Sequential(BasicConv2d(cin, 64, 1), BasicConv2d(64, 96, 3, padding=1), BasicConv2d(96, 96, 3, padding=1))
        self.bp = BasicConv2d(cin, pool, 1)

    def forward(self, x):
        return torch.cat([self.b1(x), self.b5(x), self.b3(x), self.bp(avg(x))], 1)


class B(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.b3 = BasicConv2d(cin, 384, 3, stride=2)
        self.bd = nn.Sequential(BasicConv2d(cin, 64, 1), BasicConv2d(64, 96, 3, padding=1), BasicConv2d(96, 96, 3, stride=2))

    def forward(self, x):
        return torch.cat([self.b3(x), self.bd(x), F.max_pool2d(x, 3, 2)], 1)


class C(nn.Module):
    def __init__(self, cin, c7):
        super().__init__()
        self.b1 = BasicConv2d(cin, 192, 1)
        self.b7 = nn.Sequential(BasicConv2d(cin, c7, 1), BasicConv2d(c7, c7, (1, 7), padding=(0, 3)), BasicConv2d(c7, 192, (7, 1), padding=(3, 0)))
        self.bd = nn.Sequential(BasicConv2d(cin, c7, 1), BasicConv2d(c7, c7, (7, 1), padding=(3, 0)), BasicConv2d(c7, c7, (1, 7), padding=(0, 3)),
                                BasicConv2d(c7, c7, (7, 1), padding=(3, 0)), BasicConv2d(c7, 192, (1, 7), padding=(0, 3)))
        self.bp = BasicConv2d(cin, 192, 1)

    def forward(self, x):
        return torch.cat([self.b1(x), self.b7(x), self.bd(x), self.bp(avg(x))], 1)


class D(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.b3 = nn.Sequential(BasicConv2d(cin, 192, 1), BasicConv2d(192, 320, 3, stride=2))
        self.b7 = nn.Sequential(BasicConv2d(cin, 192, 1), BasicConv2d(192, 192, (1, 7), padding=(0, 3)), BasicConv2d(192, 192, (7, 1), padding=(3, 0)),
                                BasicConv2d(192, 192, 3, stride=2))

    def forward(self, x):
        return torch.cat([self.b3(x), self.b7(x), F.max_pool2d(x, 3, 2)], 1)


class E(nn.Module):
    def __init__(self, cin, max_pool):
        super().__init__()
        self.max_pool = max_pool
        self.b1 = BasicConv2d(cin, 320, 1)
        self.s = BasicConv2d(cin, 384, 1)
        self.sa, self.sb = BasicConv2d(384, 384, (1, 3), padding=(0, 1)), BasicConv2d(384, 384, (3, 1), padding=(1, 0))
        self.d = nn.Sequential(BasicConv2d(cin, 448, 1), BasicConv2d(448, 384, 3, padding=1))
        self.da, self.db = BasicConv2d(384, 384, (1, 3), padding=(0, 1)), BasicConv2d(384, 384, (3, 1), padding=(1, 0))
        self.bp = BasicConv2d(cin, 192, 1)

    def forward(self, x):
        s, d = self.s(x), self.d(x)
        p = F.max_pool2d(x, 3, 1, 1) if self.max_pool else avg(x)
        return torch.cat([self.b1(x), self.sa(s), self.sb(s), self.da(d), self.db(d), self.bp(p)], 1)


class FidInception(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(BasicConv2d(3, 32, 3, stride=2), BasicConv2d(32, 32, 3), BasicConv2d(32, 64, 3, padding=1), nn.MaxPool2d(3, 2),
                                  BasicConv2d(64, 80, 1), BasicConv2d(80, 192, 3), nn.MaxPool2d(3, 2))
        self.mixed = nn.Sequential(A(192, 32), A(256, 64), A(288, 64), B(288), C(768, 128), C(768, 160), C(768, 160), C(768, 192),
                                   D(768), E(1280, False), E(2048, True))

    def forward(self, x):
        x = F.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False) * 2 - 1
        return F.adaptive_avg_pool2d(self.mixed(self.stem(x)), 1).flatten(1)


def module_times(net, x):
    """Seconds spent in each stem layer and mixed block of one forward pass (forward hooks, in order)."""
    marks = []
    hooks = [m.register_forward_hook(lambda *_: marks.append(time.perf_counter())) for m in list(net.stem) + list(net.mixed)]
    t = time.perf_counter()
    net(x)
    for h in hooks:
        h.remove()
    return [b - a for a, b in zip([t] + marks[:-1], marks)]


def serve(threads):
    """Answers one JSON line per request line '<layout> <batch> <iterations> [modules]' read from stdin, so that a
    caller can alternate its own measurements with these in one run without paying Python's start-up each time.
    Networks and inputs are made once per (layout, batch)."""
    torch.set_num_threads(threads)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    made = {}
    for line in sys.stdin:
        layout, batch, iters, *extra = line.split()
        batch, iters = int(batch), int(iters)
        if (layout, batch) not in made:
            torch.manual_seed(0)
            net, x = FidInception().eval(), torch.rand(batch, 3, 299, 299)
            if layout == "channels_last":
                net, x = net.to(memory_format=torch.channels_last), x.contiguous(memory_format=torch.channels_last)
            made[layout, batch] = net, x
        net, x = made[layout, batch]
        with torch.inference_mode():
            if extra == ["modules"]:
                print(json.dumps({"module_seconds": module_times(net, x)}), flush=True)
                continue
            t, cpu, faults = time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            for _ in range(iters):
                net(x)
            print(json.dumps({"images_per_s": batch * iters / (time.perf_counter() - t),
                              "cpu_s_per_image": (time.process_time() - cpu) / (batch * iters),
                              "page_faults_per_image": (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / (batch * iters)}), flush=True)


def peak_rss(threads, batch, iters):
    """The PyTorch side of the harness's RSS figure: a process of its own, channels-last, `iters` batches."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net, x = FidInception().eval(), torch.rand(batch, 3, 299, 299)
    net, x = net.to(memory_format=torch.channels_last), x.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        for _ in range(iters):
            net(x)
    print(json.dumps({"side": "pytorch", "batch": batch, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    if sys.argv[1] == "rss":
        peak_rss(*map(int, sys.argv[2:5]))
    else:
        serve(int(sys.argv[1]))
