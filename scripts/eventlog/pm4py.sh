#!/usr/bin/env bash
# The event log read by PM4Py, as a process-mining user reads it: installs PM4Py
# into a local virtual environment (target/pm4py-venv, from PyPI, pinned), runs
# the validation network for 12 days and two replications with a CSV and an XES
# event log, and lets scripts/eventlog/check.py load both and check them against
# the run's own summary (cases completed and abandoned, the queue wait rebuilt
# from the ready and start timestamps). CI runs it from .ci/run.
#
#   bash scripts/eventlog/pm4py.sh
#
# Exit status 0 if every check passes. KEEP=1 keeps the run folder.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
say() { printf 'event log (PM4Py): %s\n' "$*"; }

venv=target/pm4py-venv
if ! "$venv/bin/python" -c 'import pm4py' 2>/dev/null; then
    say "installing PM4Py into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pm4py==2.7.23.11"
fi

cargo build --release --quiet
work=$(mktemp -d /tmp/reformsim-eventlog.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

sed 's/horizon_days: 365,/horizon_days: 12,/' scenarios/validation/network.ron > "$work/network-12-days.ron"
grep -q 'horizon_days: 12,' "$work/network-12-days.ron"
for log in events.csv events.xes; do
    target/release/reformsim run "$work/network-12-days.ron" --seed 3 --replications 2 --quiet \
        --out "$work/run-$log" --event-log "$work/$log" > /dev/null
done

# PM4Py prints a banner and progress bars on standard error: kept in a file,
# shown only if a check fails.
if "$venv/bin/python" scripts/eventlog/check.py "$work/run-events.csv" "$work/events.csv" "$work/events.xes" \
    2> "$work/pm4py.stderr"; then
    say "passed"
else
    say "FAILED; PM4Py's standard error:"
    tail -n 30 "$work/pm4py.stderr"
    exit 1
fi
