#!/usr/bin/python3
"""The PyTorch side of the forward-pass benchmark in scripts/bench.py.

The peer runs the same network as cxray: the architecture is rebuilt in
PyTorch (fixtures/torchmodels.py) and its weights are loaded from the ONNX
file's initializers, so both sides compute with identical weights. The
caller checks that the outputs agree before it trusts a timing.

As a module:
    model = load("lenet5", "fixtures/models/lenet5_mnist.onnx")
    y = outputs(model, batches)              # numpy, the batches concatenated
    sps = throughput(model, batches, 2.0)    # samples/s

Run directly to time one model on MNIST test images:
    scripts/torch_forward.py --model lenet5 --onnx fixtures/models/lenet5_mnist.onnx
"""
import argparse
import os
import sys
import time

import numpy as np
import onnx
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "fixtures"))
import torchmodels as tm  # noqa: E402

KINDS = {"lenet5": tm.LeNet5, "mlp": tm.MLP}

# The comparison is with PyTorch on CPU with 2 threads, the machine's core
# count; set here so that every user of the module gets it.
torch.set_num_threads(2)


def load(kind, onnx_path):
    """The fixture architecture KIND with the weights of ONNX_PATH, in eval mode."""
    return tm.load_onnx_weights(KINDS[kind](), onnx.load(onnx_path))


def batches_of(x, batch, sample_shape):
    """Whole batches of the float32 array x (N x ...), as contiguous tensors."""
    n = len(x) // batch * batch
    x = np.ascontiguousarray(x[:n], dtype=np.float32).reshape((n,) + tuple(sample_shape))
    return [torch.from_numpy(x[i:i + batch].copy()) for i in range(0, n, batch)]


def outputs(model, batches):
    with torch.inference_mode():
        return np.concatenate([model(b).numpy() for b in batches])


def throughput(model, batches, seconds):
    """Samples/s over a cycle of the batches for at least SECONDS, after one
    untimed warm-up pass over all of them (the same protocol as
    scripts/forward)."""
    with torch.inference_mode():
        for b in batches:
            model(b)
        runs = 0
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            model(batches[runs % len(batches)])
            runs += 1
        elapsed = time.perf_counter() - t0
    return runs * batches[0].shape[0] / elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", choices=sorted(KINDS), required=True)
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    import mnist
    x, _ = mnist.load_float("test")
    model = load(args.model, args.onnx)
    shape = (1, 28, 28) if args.model == "lenet5" else (784,)
    sps = throughput(model, batches_of(x, args.batch, shape), args.seconds)
    print("%s batch %d, torch %s, %d threads: %.0f samples/s" % (
        args.model, args.batch, torch.__version__, torch.get_num_threads(), sps))


if __name__ == "__main__":
    main()
