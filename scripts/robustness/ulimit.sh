#!/usr/bin/env bash
# Robustness under a memory ceiling: runs `reformsim validate` and a short `run`
# over every shipped scenario, every file in tests/broken and tests/hostile, seeded
# mutations of the shipped scenarios and of some broken ones, and
# `reformsim sweep` over every sweep in scenarios/sweeps and tests/broken-sweeps,
# and `reformsim optimise` over the M/M/c search and every file in
# tests/broken-optimise (the county search takes minutes: tests check it loads),
# `reformsim sensitivity` and `calibrate` over every file in tests/broken-analysis,
# all under `ulimit -v` (3 GB by default). Any exit status other than 0, 1 or 2
# (134: abort, e.g. "memory allocation failed" or a stack overflow; 139: segfault;
# 124: too slow) is a defect, and the script exits 1 listing them.
#
#   scripts/robustness/ulimit.sh                 # uses target/release/reformsim
#   KB=2000000 scripts/robustness/ulimit.sh      # another ceiling, in KiB
#
# A short run is the scenario extended with `horizon_days: 30, warmup_days: 0`
# (a hidden file next to it, so its relative paths still resolve; removed after);
# a scenario whose reforms fall after day 30 runs whole, one replication.
# Runs use `--jobs 2`: rayon's thread stacks count against the ceiling too.
set -u
cd "$(dirname "$0")/../.."
bin=${REFORMSIM:-target/release/reformsim}
kb=${KB:-3000000}
limit=${SECONDS_EACH:-300}
[ -x "$bin" ] || { echo "no $bin: run cargo build --release first" >&2; exit 2; }
out=$(mktemp -d)
# Mutants sit beside their originals (so relative paths still resolve) as hidden
# `.ulimit-mutant-*` files, removed on exit whatever happens.
trap 'rm -rf "$out"; rm -f scenarios/.ulimit-mutant-* scenarios/validation/.ulimit-mutant-* tests/broken/.ulimit-mutant-*' EXIT
failures=()
checked=0

# Runs one command under the ceiling; records it if it ended other than 0, 1 or 2.
check() {
    local status
    ( ulimit -v "$kb"; timeout "$limit" "$bin" "$@" >"$out/stdout" 2>"$out/stderr" )
    status=$?
    checked=$((checked + 1))
    case $status in
        0 | 1 | 2) printf '%3d  %s\n' "$status" "$*" ;;
        *)
            printf '%3d  %s   <-- DEFECT: %s\n' "$status" "$*" "$(tail -c 300 "$out/stderr" | tr '\n' ' ')"
            failures+=("$status $*")
            ;;
    esac
}

short_run() {
    local scenario=$1 dir name short
    dir=$(dirname "$scenario")
    name=$(basename "$scenario")
    short="$dir/.ulimit-short-$name"
    printf 'Scenario(extends: "%s", horizon_days: 30, warmup_days: 0)\n' "$name" >"$short"
    if ( ulimit -v "$kb"; "$bin" validate "$short" >/dev/null 2>&1 ); then
        check run "$short" --replications 2 --jobs 2 --quiet --out "$out/run"
    else
        check run "$scenario" --replications 1 --jobs 2 --quiet --out "$out/run"
    fi
    rm -f "$short"
    rm -rf "$out/run"
}

for f in scenarios/*.ron scenarios/validation/*.ron; do
    check validate "$f"
    short_run "$f"
done
for f in tests/broken/*.ron tests/broken/warnings/*.ron tests/hostile/*.ron; do
    check validate "$f"
    check run "$f" --replications 2 --jobs 2 --quiet --out "$out/run"
    rm -rf "$out/run"
done
# Mutated inputs: MUTANTS (default 12) seeded mutations of each shipped scenario and
# of a sample of broken ones (a span deleted, duplicated or replaced by a huge
# number or deep brackets, the file cut short), each validated under the ceiling.
mutants=${MUTANTS:-12}
for f in scenarios/*.ron scenarios/validation/*.ron tests/broken/bad-*.ron; do
    python3 - "$f" "$mutants" <<'PY'
import os, random, sys
path, count = sys.argv[1], int(sys.argv[2])
text = open(path, encoding="utf-8", errors="replace").read()
folder, name = os.path.split(path)
rng = random.Random(f"{name}-{count}")
for k in range(count):
    t = text
    i = rng.randrange(len(t) + 1)
    j = min(len(t), i + rng.randrange(1, 40))
    kind = k % 5
    if kind == 0:
        t = t[:i] + t[j:]
    elif kind == 1:
        t = t[:j] + t[i:j] * rng.randrange(2, 200) + t[j:]
    elif kind == 2:
        t = t[:i] + rng.choice(["1e308", "-1", "18446744073709551616", "NaN", "\0"]) + t[j:]
    elif kind == 3:
        depth = rng.randrange(100, 5000)
        t = t[:i] + "[" * depth + "]" * depth + t[j:]
    else:
        t = t[:i]
    with open(os.path.join(folder, f".ulimit-mutant-{k}-{name}"), "w", encoding="utf-8") as out:
        out.write(t)
PY
    for m in "$(dirname "$f")"/.ulimit-mutant-*-"$(basename "$f")"; do
        check validate "$m"
        rm -f "$m"
    done
done
for f in scenarios/sweeps/*.ron tests/broken-sweeps/*.ron; do
    check sweep "$f" --jobs 2 --quiet --out "$out/sweep"
    rm -rf "$out/sweep"
done

for f in scenarios/optimise/mmc-staffing.ron tests/broken-optimise/*.ron; do
    check optimise "$f" --jobs 2 --quiet --out "$out/optimise"
    rm -rf "$out/optimise"
done

# The broken sensitivity and calibration specs (the shipped ones take minutes:
# tests check they load).
for f in tests/broken-analysis/sensitivity-*.ron; do
    check sensitivity "$f" --jobs 2 --quiet --out "$out/sensitivity"
    rm -rf "$out/sensitivity"
done
for f in tests/broken-analysis/calibration-*.ron; do
    check calibrate "$f" --jobs 2 --quiet --out "$out/calibration"
    rm -rf "$out/calibration"
done

echo "$checked commands under ulimit -v $kb KiB; ${#failures[@]} defects"
if [ ${#failures[@]} -gt 0 ]; then
    printf '  %s\n' "${failures[@]}"
    exit 1
fi
