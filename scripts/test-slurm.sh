#!/usr/bin/env bash
# Runs cxray's scale-out test on a real Slurm: starts a single-node cluster
# (scripts/slurm.sh), runs TestSlurm in package cli against it, and stops
# the daemons by PID whatever happens. Without root (the daemons need it)
# the test is skipped with a message, as the reference tests are without
# numpy.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "skipped the Slurm test: starting slurmctld, slurmd and munged needs root (and apt to install them)" >&2
  exit 0
fi
state=$(mktemp -d /tmp/cxray-slurm.XXXXXX)
trap 'scripts/slurm.sh down "$state"; rm -rf "$state"' EXIT
eval "$(scripts/slurm.sh up "$state")"
CXRAY_SLURM=1 ${GO:-go} test ${GOFLAGS_BUILD:-} -count=1 -run 'TestSlurm' -v -timeout 20m ./cli | grep -v '^=== RUN'
