#!/usr/bin/python3
"""Side-by-side benchmark of cxray against the peers a user would otherwise pick.

Run by `make bench` after `make build` (TAGS in the environment are passed to
`go build`). Everything runs on the same machine in the same session, and one
table at the end gives every number with its ratio. A peer that is not
installed is skipped with a note. The machine may be shared: the load average
is printed at the start and the end, and the timed cases are repeated, with
the runs of cxray and its peer interleaved so that both see the same load.

Cases:
  N1 vs peer      exact N1 of the first 5000 MNIST train images (pixels,
                  d=784): `cxray analyze --data mnist --split train --limit
                  5000` against the peer method of problexity/pymfe (full
                  distance matrix, then scipy's minimum_spanning_tree),
                  fixtures/reference/n1_reference.py --method scipy. The
                  peer's time excludes reading MNIST (done beforehand into
                  .npy); cxray's includes it. Wall time and peak RSS.
  forward         the forward pass alone, batch 64, on the first 9984 MNIST
                  test images: cxray's runtime (scripts/forward: the Executor
                  with a tap that does nothing) against PyTorch on CPU with 2
                  threads (scripts/torch_forward.py), and both again on one
                  thread (GOMAXPROCS=1), on the same ONNX-exported
                  model: the trained LeNet-5 (fixtures/models/lenet5_mnist.onnx)
                  and the 784-256-128-10 MLP (fixtures/models/mlp_op13.onnx).
                  PyTorch rebuilds the architecture and loads the ONNX
                  initializers; the outputs of both on 640 images must agree
                  to 1e-4 before anything is timed. Both warm up with one pass.
  forward, larger the forward pass alone, batch 64, 2 threads and 1, against
                  PyTorch: ResNet-18 and MobileNetV2 at 3x224x224 (opset
                  13), ViT-Ti/16 at 3x224x224 and a 2-layer Transformer
                  encoder (d=256, 4 heads, 64 tokens; opset 17), with seeded random weights
                  (fixtures/families.py's randomize), exported to ONNX from the very model PyTorch
                  times, on one batch of 64 seeded normal samples; the
                  outputs of both must agree to 1e-4 of their scale first.
  exact N1 at scale
                  `cxray analyze --ties total --samples off` (N1 alone, no
                  per-sample rows) on the first 10000 and all
                  60000 MNIST train images (input, d=784): wall, CPU time,
                  peak RSS against the points' own bytes (n·784·4), beside the
                  limit: the products alone, n²·784/2 multiply-adds at the
                  rate BenchmarkProductsMNIST10000 measures on this machine.
                  Then the same 60000 as a sharded run of s = 4 (`cxray shard
                  plan`, 4 extract tasks, 6 pairs tasks, merge, one after the
                  other): N1 must equal the single run's; the tasks' CPU time
                  against the single run's, each task's peak RSS against it,
                  and the merge's share of the total.
  train           training throughput, batch 64 (forward, backward and the
                  optimizer step): cxray's gorgonia trainer (BenchmarkTrain in
                  runtime/train, built with the same TAGS) against PyTorch on
                  CPU with 2 threads (scripts/train/torch_train_bench.py), on
                  LeNet-5 and mlp:256,128 with Adam, the same architectures,
                  initialization and MNIST images, interleaved rounds.
  memory          `cxray analyze` at two dataset sizes, wall time and peak RSS
                  side by side: the input alone (MNIST train, 2000 and 10000)
                  and the LeNet-5 with every layer tapped (MNIST test, 1000 and
                  2000), at the default memory budget.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "fixtures"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

CXRAY = os.path.join(ROOT, "bin", "cxray")
ROUNDS = 3          # interleaved timing rounds per forward case
SECONDS = 1.5       # timed seconds per forward round
BATCH = 64


def run(cmd, **kw):
    """Runs cmd, returns (wall seconds, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit("command failed: %s\n%s" % (" ".join(cmd), err.decode()))
    return wall, out.decode()


def peak_rss_mb(cmd):
    """Runs cmd under /usr/bin/time -f %M to read its own peak RSS."""
    with tempfile.NamedTemporaryFile("r") as f:
        wall, out = run(["/usr/bin/time", "-o", f.name, "-f", "%M"] + cmd)
        kb = int(f.read().strip().splitlines()[-1])
    return wall, kb / 1024.0, out


def load_average():
    return "%.2f %.2f %.2f" % os.getloadavg()


def analyze_table(out):
    """Parses the table cxray analyze prints: a list of {column: value}, by
    the header's column names (layer_index, layer_name, ..., N1, method)."""
    lines = [l for l in out.strip().splitlines() if l.strip()]
    hdr = lines[0].split()
    return [dict(zip(hdr, l.split())) for l in lines[1:]]


def have(*mods):
    try:
        for m in mods:
            __import__(m)
        return True
    except ImportError:
        return False


def summary(vals):
    """'median (min-max)' of samples/s values, in thousands (units below
    1000)."""
    if statistics.median(vals) < 1000:
        return "%.1f (%.1f-%.1f)" % (statistics.median(vals), min(vals), max(vals))
    return "%.1fk (%.1f-%.1fk)" % (statistics.median(vals) / 1e3, min(vals) / 1e3, max(vals) / 1e3)


# --- N1 against the peer method ---------------------------------------------

def bench_n1(tmp, rows):
    n = 5000
    db = os.path.join(tmp, "n1.duckdb")
    cx_wall, cx_rss, out = peak_rss_mb([CXRAY, "analyze", "--quiet", "--data", "mnist", "--split", "train",
                                        "--limit", str(n), "--db", db, "--run", "bench"])
    r = analyze_table(out)[-1]
    cx_n1, method = float(r["N1"]), r.get("method", "exact")
    case = "N1 input, mnist train %d (%s)" % (n, method)
    if not have("numpy", "scipy"):
        note = "peer skipped: python3-numpy/python3-scipy not installed (scripts/install-deps.sh)"
        rows.append((case + ": wall", "%.2f s" % cx_wall, "-", "-", note))
        rows.append((case + ": peak RSS", "%.0f MB" % cx_rss, "-", "-", ""))
        return
    import numpy as np
    import mnist
    X, y = mnist.load("train")
    X = X[:n].reshape(n, -1).astype(np.float32) / np.float32(255)
    xp, yp = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
    np.save(xp, X)
    np.save(yp, y[:n])
    ref = os.path.join(ROOT, "fixtures", "reference", "n1_reference.py")
    pw, prss, pout = peak_rss_mb(["/usr/bin/python3", ref, "--x", xp, "--y", yp, "--method", "scipy"])
    pn1 = json.loads(pout)["n1"]
    rows.append((case + ": wall", "%.2f s" % cx_wall, "peer %.2f s" % pw, "%.1fx faster" % (pw / cx_wall),
                 "N1 %.6f vs peer %.6f" % (cx_n1, pn1)))
    rows.append((case + ": peak RSS", "%.0f MB" % cx_rss, "peer %.0f MB" % prss, "%.1fx less" % (prss / cx_rss),
                 "peer: distance matrix + scipy MST"))


# --- forward pass against PyTorch ---------------------------------------------

FORWARD = [
    # name, torch kind, ONNX file, per-sample shape
    ("LeNet-5", "lenet5", "fixtures/models/lenet5_mnist.onnx", (1, 28, 28)),
    ("MLP 784-256-128-10", "mlp", "fixtures/models/mlp_op13.onnx", (784,)),
]


def cxray_forward(tool, model, xfile, shape, seconds, threads, check=None):
    cmd = [tool, "-model", model, "-input", xfile, "-shape", ",".join(map(str, shape)),
           "-batch", str(BATCH), "-seconds", str(seconds)]
    if check:
        cmd += ["-check", check, "-check-batches", "10"]
    # The runtime splits its work across GOMAXPROCS workers.
    _, out = run(cmd, env=dict(os.environ, GOMAXPROCS=str(threads)))
    return json.loads(out)["samples_per_s"]


def bench_forward(tmp, rows):
    import numpy as np
    import mnist
    x, _ = mnist.load_float("test")
    n = len(x) // BATCH * BATCH
    x = np.ascontiguousarray(x[:n], dtype="<f4")
    xfile = os.path.join(tmp, "mnist_test.f32")
    x.tofile(xfile)
    tool = os.path.join(tmp, "forward")
    run(["go", "build", "-tags", os.environ.get("TAGS", ""), "-o", tool, "./scripts/forward"], cwd=ROOT)

    peer = have("torch", "onnx")
    if peer:
        import torch_forward as tf
    for name, kind, onnx_file, shape in FORWARD:
        model = os.path.join(ROOT, onnx_file)
        if not peer:
            vals = [cxray_forward(tool, model, xfile, shape, SECONDS, 2) for _ in range(ROUNDS)]
            rows.append(("forward %s, batch %d, 2 threads (samples/s)" % (name, BATCH), summary(vals), "-", "-",
                         "peer skipped: python3-torch/python3-onnx not installed"))
            continue
        tm_model = tf.load(kind, model)
        batches = tf.batches_of(x, BATCH, shape)
        # Same model? Compare the outputs on the first 10 batches first.
        yfile = os.path.join(tmp, "y.f32")
        cxray_forward(tool, model, xfile, shape, 0, 2, check=yfile)
        ref = tf.outputs(tm_model, batches[:10])
        got = np.fromfile(yfile, dtype="<f4").reshape(ref.shape)
        diff = float(np.max(np.abs(got - ref)))
        if not np.allclose(got, ref, rtol=1e-4, atol=1e-4):
            rows.append(("forward %s" % name, "-", "-", "-", "NOT TIMED: outputs differ from torch by up to %.3g" % diff))
            continue
        time_both(rows, name, tool, model, xfile, shape, tm_model, batches, "outputs agree to %.1e" % diff)


def time_both(rows, name, tool, model, xfile, shape, torch_model, batches, note):
    """Times cxray's forward pass (model, the samples in xfile) and
    PyTorch's (torch_model on batches) in interleaved rounds, on 2 threads
    and on 1, and adds a row for each. 2 threads is the comparison asked
    for (both cores). One thread each is the fallback when the machine is
    shared: PyTorch's OpenMP barriers stall whenever another process holds
    a core, and its 2-thread LeNet then drops more than tenfold."""
    import torch
    import torch_forward as tf
    for threads in (2, 1):
        case = "forward %s, batch %d, %d thread%s (samples/s)" % (name, BATCH, threads, "s" if threads > 1 else "")
        torch.set_num_threads(threads)
        cx_vals, pt_vals = [], []
        for _ in range(ROUNDS):
            cx_vals.append(cxray_forward(tool, model, xfile, shape, SECONDS, threads))
            pt_vals.append(tf.throughput(torch_model, batches, SECONDS))
            time.sleep(0.2)  # let torch's OpenMP workers stop spinning
        cm, pm = statistics.median(cx_vals), statistics.median(pt_vals)
        rows.append((case, summary(cx_vals), "torch %s" % summary(pt_vals), "%.2fx" % (cm / pm),
                     "vs torch's best round %.2fx; %s" % (cm / max(pt_vals), note)))
    torch.set_num_threads(2)


def bench_forward_larger(tmp, rows):
    """ResNet-18, MobileNetV2, ViT-Ti/16 and the Transformer encoder,
    2 threads, one batch of 64 cycled."""
    if not have("torch", "onnx", "torchvision", "numpy"):
        rows.append(("forward, larger models", "-", "-", "-",
                     "skipped: python3-torch, torchvision, python3-onnx or numpy not installed"))
        return
    import numpy as np
    import torch
    import families
    import torch_forward as tf
    from torchvision import models as tv
    from torchvision.models import vision_transformer
    # name -> (builder, sample shape, opset). ViT-Ti/16 is torchvision's
    # VisionTransformer at the size of DeiT-Tiny.
    bench = {
        "resnet18": (lambda: tv.resnet18(weights=None), (3, 224, 224), 13),
        "mobilenet_v2": (lambda: tv.mobilenet_v2(weights=None), (3, 224, 224), 13),
        "vit_ti_16": (lambda: vision_transformer.VisionTransformer(
            image_size=224, patch_size=16, num_layers=12, num_heads=3, hidden_dim=192, mlp_dim=768), (3, 224, 224), 17),
        "text_encoder": (lambda: families.TextEncoder(d=256, heads=4, ff=1024, layers=2), (64, 256), 17),
    }
    tool = os.path.join(tmp, "forward")
    if not os.path.exists(tool):
        run(["go", "build", "-tags", os.environ.get("TAGS", ""), "-o", tool, "./scripts/forward"], cwd=ROOT)
    torch.set_num_threads(2)
    for name, label in [("resnet18", "ResNet-18 3x224x224"), ("mobilenet_v2", "MobileNetV2 3x224x224"),
                        ("vit_ti_16", "ViT-Ti/16 3x224x224"), ("text_encoder", "Transformer encoder 64x256")]:
        builder, shape, opset = bench[name]
        torch.manual_seed(0)
        model = families.randomize(builder(), 1).eval()
        path = os.path.join(tmp, name + ".onnx")
        families.export(model, shape, path, opset)
        x = torch.randn((BATCH,) + tuple(shape), generator=torch.Generator().manual_seed(3))
        xfile = os.path.join(tmp, name + ".f32")
        x.numpy().astype("<f4").tofile(xfile)
        yfile = os.path.join(tmp, name + ".y.f32")
        cxray_forward(tool, path, xfile, shape, 0, 2, check=yfile)
        ref = tf.outputs(model, [x])
        got = np.fromfile(yfile, dtype="<f4").reshape(ref.shape)
        scale = float(np.max(np.abs(ref)))
        diff = float(np.max(np.abs(got - ref))) / scale
        if diff > 1e-4:
            rows.append(("forward %s" % label, "-", "-", "-", "NOT TIMED: outputs differ from torch by %.3g of their scale" % diff))
            continue
        time_both(rows, label, tool, path, xfile, shape, model, [x],
                  "opset %d; outputs agree to %.1e of their scale" % (opset, diff))


# --- exact N1 at scale, on one machine and sharded ---------------------------------

SCALE_SHARDS = 4


def timed(cmd):
    """Runs cmd under /usr/bin/time; returns (wall s, CPU s, peak RSS MB, stdout)."""
    with tempfile.NamedTemporaryFile("r") as f:
        _, out = run(["/usr/bin/time", "-o", f.name, "-f", "%e %U %S %M"] + cmd)
        wall, user, sys_, kb = f.read().strip().splitlines()[-1].split()
    return float(wall), float(user) + float(sys_), int(kb) / 1024.0, out


def products_rate():
    """GMAC per second of the products alone on every core of a quiet
    machine: BenchmarkProductsMNIST10000's rate per CPU-second (which the
    machine's other load disturbs less than its wall rate) times the cores."""
    _, out = run(["go", "test", "-tags", os.environ.get("TAGS", ""), "-run", "XXX", "-bench",
                  "^BenchmarkProductsMNIST10000$", "-benchtime", "3x", "./stream/measure/mst/"], cwd=ROOT)
    for line in out.splitlines():
        f = line.split()
        if "GMAC/cpu-s" in f:
            return float(f[f.index("GMAC/cpu-s") - 1]) * os.cpu_count()
    raise SystemExit("no GMAC/cpu-s in go test output:\n" + out)


def n1_of(db):
    _, out = run([CXRAY, "sql", "--db", db, "--format", "csv",
                  "SELECT value FROM metrics WHERE measure = 'N1' ORDER BY run_id DESC LIMIT 1"])
    return float(out.strip().splitlines()[-1])


def bench_scale(tmp, rows):
    rate = products_rate()
    # The process's own RSS: the binary, the Go runtime and DuckDB.
    base = timed([CXRAY, "analyze", "--quiet", "--data", "mnist", "--split", "train", "--limit", "200",
                  "--db", os.path.join(tmp, "base.duckdb"), "--run", "bench"])[2]
    single = {}
    for n, goal in ((10000, 1.2), (60000, 20.0)):
        db = os.path.join(tmp, "scale%d.duckdb" % n)
        wall, cpu, rss, _ = timed([CXRAY, "analyze", "--quiet", "--samples", "off", "--ties", "total", "--data", "mnist",
                                   "--split", "train", "--limit", str(n), "--db", db, "--run", "bench"])
        single[n] = (wall, cpu, rss, n1_of(db))
        limit = n * n * 784 / 2 / (rate * 1e9)
        points = n * 784 * 4 / 2**20
        rows.append(("exact N1 CLI, mnist train %d: wall" % n, "%.2f s (CPU %.1f s)" % (wall, cpu),
                     "limit %.2f s" % limit,
                     "%.2fx the limit (CPU %.2fx)" % (wall / limit, cpu / (limit * os.cpu_count())),
                     "goal <= %.1f s; limit = the products alone, %.0f GMAC/s on %d cores" % (goal, rate, os.cpu_count())))
        rows.append(("exact N1 CLI, mnist train %d: peak RSS" % n, "%.0f MB" % rss, "points %.0f MB" % points,
                     "%.2fx the points" % (rss / points),
                     "goal <= 2x; %.0f MB of it is the process at 200 samples" % base))
    n = 60000
    w = os.path.join(tmp, "shards")
    db = os.path.join(tmp, "sharded.duckdb")
    run([CXRAY, "shard", "plan", "--dir", w, "--shards", str(SCALE_SHARDS), "--data", "mnist", "--split", "train"])
    tasks = []  # (kind, wall, cpu, rss)
    for i in range(SCALE_SHARDS):
        tasks.append(("extract",) + timed([CXRAY, "shard", "extract", "--dir", w, "--task", str(i)])[:3])
    for t in range(SCALE_SHARDS * (SCALE_SHARDS - 1) // 2):
        tasks.append(("pairs",) + timed([CXRAY, "shard", "pairs", "--dir", w, "--task", str(t)])[:3])
    tasks.append(("merge",) + timed([CXRAY, "shard", "merge", "--dir", w, "--db", db, "--run", "sharded"])[:3])
    sw, scpu, srss, sn1 = single[n]
    n1 = n1_of(db)
    cpu = sum(t[2] for t in tasks)
    worst = max(tasks[:-1], key=lambda t: t[3])
    merge = tasks[-1]
    case = "sharded s=%d, mnist train %d" % (SCALE_SHARDS, n)
    rows.append((case + ": N1", "%.6f" % n1, "one machine %.6f" % sn1, "equal" if n1 == sn1 else "DIFFERENT",
                 "--ties total"))
    rows.append((case + ": CPU", "%.1f s in %d tasks" % (cpu, len(tasks)), "one machine %.1f s" % scpu,
                 "%.2fx" % (cpu / scpu), "goal <= 2.5x"))
    rows.append((case + ": task peak RSS", "%.0f MB (%s)" % (worst[3], worst[0]), "one machine %.0f MB" % srss,
                 "%.2fx" % (worst[3] / srss), "2/s = %.2f, plus the process's fixed overhead" % (2 / SCALE_SHARDS)))
    pair_cpu = sum(t[2] for t in tasks if t[0] == "pairs")
    pair_macs = SCALE_SHARDS * (SCALE_SHARDS - 1) / 2 * (2 * n / SCALE_SHARDS) ** 2 * 784 / 2
    rows.append((case + ": pairs tasks", "%.1f s CPU" % pair_cpu, "-", "%.1f GMAC/CPU-s" % (pair_macs / pair_cpu / 1e9),
                 "the rate of the README's projection; products of each pair's points"))
    rows.append((case + ": merge", "%.2f s CPU, %.0f MB" % (merge[2], merge[3]), "all tasks %.1f s" % cpu,
                 "%.1f%%" % (100 * merge[2] / cpu), "goal < 10%"))


# --- training throughput --------------------------------------------------------

TRAIN = [("lenet5", "lenet5"), ("mlp:256,128", "mlp")]


def cxray_train(spec):
    """samples/s of one BenchmarkTrain case (Adam, batch 64)."""
    bench = "^BenchmarkTrain$/^%s$/^adam$" % re.escape(spec)
    _, out = run(["go", "test", "-tags", os.environ.get("TAGS", ""), "-run", "XXX", "-bench", bench,
                  "-benchtime", "60x", "./runtime/train/"], cwd=ROOT)
    for line in out.splitlines():
        if "samples/s" in line:
            return float(line.split()[-2])
    raise SystemExit("no samples/s in go test output:\n" + out)


def torch_train(kind):
    _, out = run([sys.executable, os.path.join(ROOT, "scripts", "train", "torch_train_bench.py"),
                  "--arch", kind, "--opt", "adam", "--batch", str(BATCH), "--seconds", "3"])
    return float(out.split(":")[-1].split()[0])


def bench_train(rows):
    if not have("torch"):
        rows.append(("train", "-", "-", "-", "peer skipped: python3-torch not installed"))
    for spec, kind in TRAIN:
        cx_vals, pt_vals = [], []
        for _ in range(ROUNDS):
            cx_vals.append(cxray_train(spec))
            if have("torch"):
                pt_vals.append(torch_train(kind))
        case = "train %s, adam, batch %d, 2 threads (samples/s)" % (spec, BATCH)
        if not pt_vals:
            rows.append((case, summary(cx_vals), "-", "-", "peer skipped"))
            continue
        cm, pm = statistics.median(cx_vals), statistics.median(pt_vals)
        rows.append((case, summary(cx_vals), "torch %s" % summary(pt_vals), "%.2fx" % (cm / pm),
                     "TAGS=%s" % (os.environ.get("TAGS", "") or "none (gonum BLAS)")))


# --- peak RSS at two dataset sizes ---------------------------------------------

MEMORY = [
    # name, analyze arguments, two sizes
    ("analyze input only, mnist train", ["--data", "mnist", "--split", "train"], (2000, 10000)),
    ("analyze LeNet-5 all layers, mnist test",
     ["--model", "fixtures/models/lenet5_mnist.onnx", "--data", "mnist", "--split", "test", "--layers", "all"],
     (1000, 2000)),
]


def bench_memory(tmp, rows):
    for name, args, sizes in MEMORY:
        res = []
        for n in sizes:
            db = os.path.join(tmp, "mem%d.duckdb" % len(res))
            wall, rss, out = peak_rss_mb([CXRAY, "analyze", "--quiet"] + args +
                                         ["--limit", str(n), "--db", db, "--run", "bench"])
            methods = sorted({r.get("method", "exact") for r in analyze_table(out)})
            res.append((n, wall, rss, "/".join(methods)))
        (n0, w0, r0, m0), (n1, w1, r1, m1) = res
        rows.append(("%s: wall" % name, "n=%d: %.2f s" % (n0, w0), "n=%d: %.2f s" % (n1, w1),
                     "%.1fx" % (w1 / w0), "for %.0fx the samples; method %s, %s" % (n1 / n0, m0, m1)))
        rows.append(("%s: peak RSS" % name, "n=%d: %.0f MB" % (n0, r0), "n=%d: %.0f MB" % (n1, r1),
                     "%.2fx" % (r1 / r0), ""))


def main():
    if not os.path.exists(CXRAY):
        raise SystemExit("bin/cxray missing: run make build")
    start_load = load_average()
    t0 = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        bench_n1(tmp, rows)
        if have("numpy"):
            bench_forward(tmp, rows)
        else:
            rows.append(("forward", "-", "-", "-", "skipped: python3-numpy not installed"))
        bench_forward_larger(tmp, rows)
        bench_train(rows)
        bench_memory(tmp, rows)
        bench_scale(tmp, rows)
    print()
    print("cxray bench: %d cores, load average %s at the start, %s at the end, %.0f s" % (
        os.cpu_count(), start_load, load_average(), time.perf_counter() - t0))
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    head = ("case", "cxray", "reference", "ratio")
    w = [max(a, len(b)) for a, b in zip(w, head)]
    fmt = "  ".join("%%-%ds" % x for x in w) + "  %s"
    print(fmt % (head + ("notes",)))
    print(fmt % (tuple("-" * x for x in w) + ("-----",)))
    for r in rows:
        print(fmt % r)
    print()
    if have("torch"):
        import torch
        print("forward: torch %s; median (min-max) of %d interleaved rounds of %.1f s each;" % (
            torch.__version__, ROUNDS, SECONDS))
        print("         ratio = cxray median / torch median.")
        print("         On a busy machine (load average near or above the core count) torch's 2-thread")
        print("         numbers collapse; the 1-thread rows are then the fair comparison.")
    print("memory: ratio = larger size / smaller size.")


if __name__ == "__main__":
    main()
