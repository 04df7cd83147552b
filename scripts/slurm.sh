#!/usr/bin/env bash
# A single-node Slurm cluster for cxray's scale-out test, started without
# systemd and stopped by PID. Needs root (the daemons run as the munge and
# slurm users that Debian's packages create).
#
#   scripts/slurm.sh up DIR     install slurm-wlm and munge if missing, write
#                               DIR/slurm.conf, start munged, slurmctld and
#                               slurmd, wait until the node is idle, and print
#                               the SLURM_CONF line to export
#   scripts/slurm.sh down DIR   stop the three daemons by their PID files
#
# Everything the cluster writes lives under DIR (configuration, state, logs,
# PID files) but munged's socket and key, which munge keeps in /run/munge and
# /etc/munge. The config follows /work/shared/notes/scale-out.md: NodeName is
# the hostname, proctrack/linuxproc and task/none need no cgroups.
set -euo pipefail

usage() { echo "usage: $0 up|down DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
# The daemons run as the slurm user, which must reach the folder (mktemp -d
# makes it 0700).
chmod 755 "$dir"

stop_pid() { # name pidfile
  local pid
  [ -s "$2" ] || return 0
  pid=$(cat "$2")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$2"
  echo "slurm.sh: stopped $1 ($pid)" >&2
}

case "$cmd" in
down)
  stop_pid slurmd "$dir/slurmd.pid"
  stop_pid slurmctld "$dir/slurmctld.pid"
  stop_pid munged "$dir/munged.pid"
  exit 0
  ;;
up) ;;
*) usage ;;
esac

if [ "$(id -u)" != 0 ]; then
  echo "slurm.sh: starting Slurm needs root (the daemons switch to the munge and slurm users)" >&2
  exit 1
fi
missing=()
for p in slurm-wlm munge; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "slurm.sh: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -s /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=128 count=1 status=none; chown munge:munge /etc/munge/munge.key; chmod 600 /etc/munge/munge.key; }

host=$(hostname)
cpus=$(nproc)
install -d -o slurm -g slurm "$dir/ctld" "$dir/d" "$dir/log"
cat >"$dir/slurm.conf" <<EOF
ClusterName=cxray
SlurmctldHost=$host
AuthType=auth/munge
CredType=cred/munge
SlurmUser=slurm
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/d
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=$host CPUs=$cpus RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$dir/slurm.conf"

install -d -o munge -g munge -m 0755 /run/munge
if ! munge -n >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
  cp /run/munge/munged.pid "$dir/munged.pid" 2>/dev/null || pgrep -u munge -x munged | head -1 >"$dir/munged.pid"
fi
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
# sinfo retries for a long time when the controller is down: bound each
# call, and the whole wait by the clock.
state=
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ]; do
  state=$(timeout 2 sinfo -h -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
if [ "$state" != idle ]; then
  echo "slurm.sh: the node did not become idle within 30 s (state '$state'); the controller's log ends:" >&2
  tail -5 "$dir/log/slurmctld.log" >&2 || true
  "$0" down "$dir"
  exit 1
fi
echo "export SLURM_CONF=$SLURM_CONF"
