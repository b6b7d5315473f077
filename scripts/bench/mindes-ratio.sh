#!/usr/bin/env bash
# reformsim against mindes, a minimal hand-written discrete-event simulator of
# queueing networks (../shared/baseline, outside this repository; its code is
# never copied into the tree). Builds both, then for ROUNDS rounds runs, for each
# of the baseline's three cases, mindes and the mirrored reformsim scenario
# (scenarios/bench/CASE.ron) one after the other (interleaved: the order
# alternates between rounds), one thread each, timing whole processes. Prints
# events per second for each program, the ratio reformsim ÷ mindes per round, and
# a table of the median and min–max ratio per case and overall.
#
#   scripts/bench/mindes-ratio.sh                    # 5 rounds, 100 replications
#   ROUNDS=3 REPS=50 scripts/bench/mindes-ratio.sh
#
# Events are counted as mindes defines them (cases.json, `about`): external
# arrivals + service completions + abandonments, over the whole run. mindes
# reports them per replication (--json). For reformsim they come from its own
# output: summary.csv `events` is every event the engine processed, which in
# these scenarios (24/7 calendar, no handoff delay, no documents) is exactly one
# per arrival and one per step done; abandonments are not events in reformsim
# (an applicant whose patience ran out is dropped when a server reaches them), so
# they are added from daily.csv (every day, warm-up included). The table also
# shows reformsim's event count ÷ mindes's, per simulated minute, as a check that
# both do the same work (the run lengths differ: whole days, see the scenarios).
#
# Environment: ROUNDS (5), REPS replications per run (100), SEED (1),
# BASELINE (../shared/baseline from the repository root), MINDES_SRC (where the
# baseline's mindes is copied to be built, /tmp/mindes-build; its build goes to
# target/mindes), KEEP=1 keeps the run outputs.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
rounds=${ROUNDS:-5}
reps=${REPS:-100}
seed=${SEED:-1}
baseline=${BASELINE:-$root/../shared/baseline}
src=${MINDES_SRC:-/tmp/mindes-build}

[ -f "$baseline/cases.json" ] && [ -f "$baseline/mindes/Cargo.toml" ] \
    || { echo "no mindes baseline at $baseline (set BASELINE)" >&2; exit 2; }

# The baseline folder may be read-only: copy it (keeping modification times, so
# an unchanged copy does not rebuild) and build the copy.
if ! diff -rq -x target -x Cargo.lock "$baseline/mindes" "$src" >/dev/null 2>&1; then
    rm -rf "$src"
    cp -a "$baseline/mindes" "$src"
    chmod -R u+w "$src"
fi
echo "building mindes ($src -> target/mindes)" >&2
cargo build --release --quiet --manifest-path "$src/Cargo.toml" --target-dir "$root/target/mindes" \
    || cargo build --release --quiet --offline --manifest-path "$src/Cargo.toml" --target-dir "$root/target/mindes"
echo "building reformsim" >&2
cargo build --release --quiet --bin reformsim

out=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then echo "outputs kept in $out" >&2; else trap 'rm -rf "$out"' EXIT; fi

scripts/pgo/sources.sh --check || true
# Each program is timed from a fresh copy of its file. On this project's machine
# a reformsim binary once ran 1.38 times slower than a copy of itself, with the
# same instructions, for at least six minutes (performance log, 23rd pass):
# the state of a file's pages in memory can matter, and a copy made here gives
# both programs the same start.
mkdir -p "$out/bin"
cp target/mindes/release/mindes target/release/reformsim "$out/bin/"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$root" "$baseline/cases.json" "$out" "$rounds" "$reps" "$seed" <<'PY'
import csv, json, math, statistics, subprocess, sys, time

root, cases_path, out, rounds, reps, seed = sys.argv[1:7]
rounds, reps = int(rounds), int(reps)
mindes = f"{out}/bin/mindes"
reformsim = f"{out}/bin/reformsim"
cases = {c["name"]: c for c in json.load(open(cases_path))["cases"]}
names = ["mm10_rho090", "lognormal_tandem", "sendback_abandon"]


def scenario_minutes(path):
    for line in open(path):
        line = line.split("//")[0].strip()
        if line.startswith("horizon_days:"):
            return 1440 * int(line.split(":")[1].strip().rstrip(","))
    raise SystemExit(f"no horizon_days in {path}")


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    return wall


def run_mindes(name, tag):
    js = f"{out}/mindes-{tag}.json"
    wall = timed([mindes, "--cases", cases_path, "--case", name, "--seed", seed,
                  "--reps", str(reps), "--json", js, "--quiet"])
    per = json.load(open(js))[0]["per_rep"]
    return wall, sum(r["events"] for r in per)


def run_reformsim(name, tag):
    d = f"{out}/reformsim-{tag}"
    wall = timed([reformsim, "run", f"{root}/scenarios/bench/{name}.ron", "--seed", seed,
                  "--replications", str(reps), "--jobs", "1", "--quiet", "--out", d])
    processed = sum(int(r["events"]) for r in csv.DictReader(open(f"{d}/summary.csv")))
    abandoned = sum(int(r["cases_abandoned"]) for r in csv.DictReader(open(f"{d}/daily.csv")))
    return wall, processed + abandoned


ratios = {n: [] for n in names}
work = {}
print(f"\n{rounds} rounds, {reps} replications per run, seed {seed}, one thread each\n")
print(f"{'round':>5}  {'case':<17} {'mindes s':>9} {'ev/s':>10}  {'reformsim s':>11} {'ev/s':>10}  {'ratio':>6}")
for k in range(rounds):
    for name in names:
        tag = f"{name}-{k}"
        # Interleaved: who goes first alternates, so neither always runs on a
        # machine just warmed (or loaded) by the other.
        order = [("m", run_mindes), ("r", run_reformsim)]
        if k % 2:
            order.reverse()
        res = {who: f(name, tag) for who, f in order}
        (mw, me), (rw, re_) = res["m"], res["r"]
        ratio = (re_ / rw) / (me / mw)
        ratios[name].append(ratio)
        c = cases[name]
        m_minutes = c["horizon"] + c["cooldown"]
        r_minutes = scenario_minutes(f"{root}/scenarios/bench/{name}.ron")
        work[name] = (re_ / r_minutes) / (me / m_minutes)
        print(f"{k + 1:>5}  {name:<17} {mw:>9.3f} {me / mw:>10.3e}  {rw:>11.3f} {re_ / rw:>10.3e}  {ratio:>6.3f}")

overall = [math.exp(sum(math.log(ratios[n][k]) for n in names) / len(names)) for k in range(rounds)]
print("\nreformsim events/s ÷ mindes events/s (whole processes)")
print(f"{'case':<17} {'median':>7} {'min':>7} {'max':>7}   events per simulated minute, reformsim ÷ mindes")
for n in names:
    r = ratios[n]
    print(f"{n:<17} {statistics.median(r):>7.3f} {min(r):>7.3f} {max(r):>7.3f}   {work[n]:.3f}")
print(f"{'overall':<17} {statistics.median(overall):>7.3f} {min(overall):>7.3f} {max(overall):>7.3f}   "
      "(geometric mean of the three cases in each round)")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
