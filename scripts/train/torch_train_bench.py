#!/usr/bin/python3
"""Measures PyTorch CPU training throughput for the architectures that
cxray/runtime/train builds, to compare with its Go benchmark.

For each of lenet5 and mlp:256,128 it times full training steps (forward,
cross-entropy loss, backward, optimizer step) at batch 64 with 2 threads,
on random MNIST-shaped data (throughput does not depend on the pixel
values), after a warm-up, and prints samples/s (best of several rounds,
as Go's benchmarks report a steady state).

Run from the repository root with Debian's torch:
    /usr/bin/python3 scripts/train/torch_train_bench.py [--arch all|lenet5|mlp] [--opt adam|sgd] [--seconds S]

Compare with:
    go test ./runtime/train/ -run XXX -bench Train -benchtime 200x
"""
import argparse
import time

import torch
from torch import nn


def lenet5():
    # Matches fixtures/torchmodels.py LeNet5 and runtime/train's "lenet5".
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def mlp(widths=(256, 128)):
    layers, d = [nn.Flatten()], 784
    for w in widths:
        layers += [nn.Linear(d, w), nn.ReLU()]
        d = w
    layers.append(nn.Linear(d, 10))
    return nn.Sequential(*layers)


def bench(name, model, opt_name, batch, seconds, rounds=3):
    torch.manual_seed(1)
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    if opt_name == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    lossf = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = lossf(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(20):  # warm-up
        step()
    best = 0.0
    for _ in range(rounds):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            step()
            n += 1
        best = max(best, n * batch / (time.perf_counter() - t0))
    print("%-12s batch %d %-4s: %8.0f samples/s (torch %s, %d threads)" % (
        name, batch, opt_name, best, torch.__version__, torch.get_num_threads()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--opt", default="adam", choices=["adam", "sgd"])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--arch", default="all", choices=["all", "lenet5", "mlp"])
    a = ap.parse_args()
    torch.set_num_threads(2)
    if a.arch in ("all", "lenet5"):
        bench("lenet5", lenet5(), a.opt, a.batch, a.seconds)
    if a.arch in ("all", "mlp"):
        bench("mlp:256,128", mlp(), a.opt, a.batch, a.seconds)


if __name__ == "__main__":
    main()
