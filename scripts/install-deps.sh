#!/usr/bin/env bash
# Installs the Debian packages cxray's tests and benchmarks use:
#   python3-numpy, python3-scipy  the float64 N1 reference (fixtures/reference)
#                                 that tests run at test time, and the scipy peer
#                                 that `make bench` compares against;
#   libopenblas-dev               optional fast BLAS; the Makefile builds with
#                                 -tags openblas when it is present;
#   python3-onnx                  onnx.checker, which tests run on the ONNX files
#                                 cxray writes (re-encoded models, checkpoints);
#   python3-pil                   PIL, whose decoding and resizing of images the
#                                 tests compare cxray's to (stream/source/imageprep).
# Regenerating fixtures (`make fixtures`) also needs python3-torch, python3-torchvision
# and python3-sklearn:
#   scripts/install-deps.sh --fixtures
set -euo pipefail
pkgs=(python3-numpy python3-scipy python3-onnx python3-pil libopenblas-dev)
if [ "${1:-}" = "--fixtures" ]; then pkgs+=(python3-torch python3-torchvision python3-sklearn); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-deps: missing Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
