#!/usr/bin/python3
"""Side-by-side benchmark of cxray against the peers a user would otherwise pick.

Run by `make bench` after `make build`. For each case it runs both commands as
subprocesses on the same machine, in the same session, and reports wall time,
peak RSS (ru_maxrss of the child) and the ratios. A peer that is not installed
is skipped with a note.

Cases:
  n1-input-5000   exact N1 of the first 5000 MNIST train images (pixels, d=784):
                  `cxray analyze --data mnist --split train --limit 5000` against
                  the peer method of problexity/pymfe (full distance matrix, then
                  scipy's minimum_spanning_tree), fixtures/reference/n1_reference.py
                  --method scipy. The peer's time excludes reading MNIST (done
                  beforehand into .npy); cxray's includes it.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "fixtures"))


def run(cmd, **kw):
    """Runs cmd, returns (wall seconds, peak RSS MB, stdout)."""
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


def have_peer():
    try:
        import numpy  # noqa: F401
        import scipy  # noqa: F401
        return True
    except ImportError:
        return False


def main():
    cxray = os.path.join(ROOT, "bin", "cxray")
    if not os.path.exists(cxray):
        raise SystemExit("bin/cxray missing: run make build")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        n = 5000
        db = os.path.join(tmp, "bench.duckdb")
        cx_wall, cx_rss, out = peak_rss_mb([cxray, "analyze", "--quiet", "--data", "mnist", "--split", "train",
                                            "--limit", str(n), "--db", db, "--run", "bench"])
        cx_n1 = float(out.strip().splitlines()[-1].split()[-1])
        if not have_peer():
            print("peer skipped: python3-numpy/python3-scipy not installed (scripts/install-deps.sh)")
            rows.append(("N1 input mnist train %d" % n, cx_wall, cx_rss, cx_n1, None, None, None))
        else:
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
            rows.append(("N1 input mnist train %d" % n, cx_wall, cx_rss, cx_n1, pw, prss, pn1))
    print()
    print("%-28s %10s %10s %9s | %10s %10s %9s | %8s %8s" % (
        "case", "cxray s", "cxray MB", "N1", "peer s", "peer MB", "peer N1", "speedup", "mem x"))
    for name, w, r, v, pw, pr, pv in rows:
        if pw is None:
            print("%-28s %10.2f %10.0f %9.6f | %10s %10s %9s | %8s %8s" % (name, w, r, v, "-", "-", "-", "-", "-"))
        else:
            print("%-28s %10.2f %10.0f %9.6f | %10.2f %10.0f %9.6f | %7.1fx %7.1fx" % (
                name, w, r, v, pw, pr, pv, pw / w, pr / r))
    print("\npeer = full distance matrix + scipy minimum_spanning_tree (problexity/pymfe method);")
    print("its N1 differs where it drops zero-distance edges (duplicates).")


if __name__ == "__main__":
    main()
