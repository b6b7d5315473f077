#!/usr/bin/env bash
# End-to-end test of sweeps on a cluster: installs Debian's Slurm and MUNGE if
# they are missing, starts a single-node cluster that listens on localhost only,
# submits a sharded sweep as a job array (scripts/slurm/sweep.sbatch), merges the
# shards and compares the result byte for byte with a one-machine run.
#
#   sudo scripts/slurm/test.sh            # as root; CI runs it from .ci/run
#
# Everything it starts (munged, slurmctld, slurmd) runs from a temporary folder
# with its own configuration, key and sockets, and is stopped on exit, by process
# id. Exit status: 0 if the merged folder equals the one-machine folder, 1 if not
# or if anything fails.
#
# Environment: SWEEP (default scenarios/sweeps/mmc-staffing.ron), SHARDS (default 3),
# TIMEOUT_SECONDS for the job array (default 600), KEEP=1 to keep the folder.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
sweep=${SWEEP:-scenarios/sweeps/mmc-staffing.ron}
shards=${SHARDS:-3}
timeout_seconds=${TIMEOUT_SECONDS:-600}
work=$(mktemp -d /tmp/reformsim-slurm.XXXXXX)
chmod 755 "$work"
pids=()

say() { printf 'slurm test: %s\n' "$*"; }

cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        # Give each daemon a few seconds to stop cleanly, then insist.
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [ "$status" -ne 0 ]; then
        for log in "$work"/*.log "$work"/*.out "$work"/munge/*.log; do
            [ -f "$log" ] || continue
            echo "---- last lines of $log"
            tail -n 20 "$log" || true
        done
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        say "kept $work"
    else
        # A daemon's child may still be closing its files: retry, and never let the
        # clean-up change the verdict.
        for _ in 1 2 3 4 5; do
            rm -rf "$work" 2>/dev/null && break
            sleep 1
        done
        [ -e "$work" ] && say "could not remove $work (left behind)"
    fi
    exit "$status"
}
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ]; then
    say "must run as root (it installs packages and starts the Slurm daemons)"
    exit 1
fi

# 1. Packages.
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
    || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

# 2. The binary under test.
say "building reformsim"
(cd "$root" && cargo build --release --quiet)
reformsim="$root/target/release/reformsim"

# 3. MUNGE with a key made here, its socket in the work folder.
# The key and the seed in a private folder; the socket in one every user can reach.
mkdir -p "$work/munge" "$work/munge-key"
dd if=/dev/urandom of="$work/munge-key/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$work/munge" "$work/munge-key"
chmod 755 "$work/munge"
chmod 700 "$work/munge-key"
chmod 400 "$work/munge-key/munge.key"
socket="$work/munge/munge.socket"
# setpriv execs munged itself, so the recorded process id is the daemon's.
setpriv --reuid=munge --regid=munge --clear-groups munged --foreground --key-file="$work/munge-key/munge.key" --socket="$socket" \
    --pid-file="$work/munge/munged.pid" --seed-file="$work/munge-key/munged.seed" \
    --log-file="$work/munge/munged.log" --num-threads=2 >"$work/munged.out" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do
    [ -S "$socket" ] && break
    sleep 0.1
done
if ! munge --socket="$socket" -n | unmunge --socket="$socket" >/dev/null; then
    say "MUNGE does not work"
    exit 1
fi

# 4. Slurm: one node, localhost only (daemons bind to 127.0.0.1, not to every address).
cpus=$(nproc)
mkdir -p "$work/state" "$work/spool"
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=reformsim-test
SlurmctldHost=localhost(127.0.0.1)
CommunicationParameters=NoInAddrAny
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1024 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
say "starting slurmctld and slurmd"
slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=("$!")
slurmd -D -N localhost -f "$SLURM_CONF" >"$work/slurmd.out" 2>&1 &
pids+=("$!")
ready=0
for _ in $(seq 300); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
        ready=1
        break
    fi
    sleep 0.2
done
if [ "$ready" -ne 1 ]; then
    say "the node did not come up: $(sinfo -N 2>&1 || true)"
    exit 1
fi
say "cluster up: $(sinfo -h -N -o '%N %T %c CPUs')"

# 5. The sharded sweep as a job array, then the merge.
cd "$root"
results="$work/results"
mkdir -p "$results"
job=$(sbatch --parsable --array="1-$shards" --cpus-per-task=1 --chdir="$root" \
    --output="$work/job-%A_%a.log" --export="ALL,REFORMSIM=$reformsim" \
    scripts/slurm/sweep.sbatch "$sweep" "$results")
job=${job%%;*}
say "submitted job array $job ($shards tasks)"
waited=0
while squeue -h -j "$job" 2>/dev/null | grep -q .; do
    if [ "$waited" -ge "$timeout_seconds" ]; then
        say "the job array did not finish within $timeout_seconds s"
        squeue -j "$job" || true
        exit 1
    fi
    sleep 1
    waited=$((waited + 1))
done
for k in $(seq "$shards"); do
    folder="$results/shard-$k-of-$shards"
    if [ ! -f "$folder/runs.csv" ] || [ -f "$folder/journal.csv" ]; then
        say "array task $k did not finish its shard:"
        cat "$work/job-${job}_$k.log" || true
        exit 1
    fi
done
shard_folders=()
for k in $(seq "$shards"); do shard_folders+=("$results/shard-$k-of-$shards"); done
"$reformsim" merge "${shard_folders[@]}" --out "$results/merged"

# 6. The same sweep on this machine alone, and the comparison.
"$reformsim" sweep "$sweep" --out "$results/single" --quiet >/dev/null
if diff -r "$results/merged" "$results/single"; then
    say "PASS: $shards shards run by Slurm and merged equal the one-machine sweep byte for byte"
else
    say "FAIL: the merged folder differs from the one-machine folder"
    exit 1
fi
