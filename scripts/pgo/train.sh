#!/usr/bin/env bash
# Makes the profile of profile-guided optimisation (PGO): pgo/reformsim.profdata.
#
# Builds reformsim instrumented (every crate, into target/pgo-train), runs it on
# the training workloads below, merges what they counted with the llvm-profdata
# of the compiler's own LLVM version, and writes the profile and that version
# (pgo/llvm-version) beside it. Optimised builds then use it through
# scripts/pgo/rustc-wrapper (.cargo/config.toml). Run it again after changing
# the engine: a function whose code changed since the profile was made is
# compiled without its counts, laid out as if never run (correct, but it can be
# slower than with no profile), so a stale profile costs speed, never results.
#
# The workloads are the shipped scenarios a user runs and the benchmarks
# measure: the county baseline (small-department), the province, the three
# mindes queueing cases, and reform scenarios with levers on (one window, a
# merger with cross-training, Shunde's restructuring, a fiscal rule), so that the
# levers' paths are not laid out as cold.
#
#   scripts/pgo/train.sh            # then: cargo clean --release && cargo build --release
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

major=$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
full=$(rustc -vV | sed -n 's/^LLVM version: //p')
profdata=""
for candidate in "llvm-profdata-$major" "/usr/lib/llvm-$major/bin/llvm-profdata" llvm-profdata; do
    if command -v "$candidate" >/dev/null 2>&1 \
        && "$candidate" merge --version 2>/dev/null | grep -q "LLVM version $major\."; then
        profdata=$candidate
        break
    fi
done
if [ -z "$profdata" ]; then
    echo "installing llvm-$major for llvm-profdata (Debian package)" >&2
    as_root=""
    [ "$(id -u)" = 0 ] || as_root=sudo
    # A fresh machine's package lists may be empty: read them first if the package is not found.
    $as_root apt-get install -y -qq "llvm-$major" >/dev/null 2>&1 \
        || { $as_root apt-get update -qq && $as_root apt-get install -y -qq "llvm-$major" >/dev/null; }
    profdata="llvm-profdata-$major"
fi

counts="$root/target/pgo-train/counts"
rm -rf "$counts"
# Every instrumented compilation's crate and -C metadata value, appended by the
# wrapper. Kept with the instrumented builds: a crate Cargo does not compile
# again (unchanged since the last training) is in the program all the same,
# and was listed when it was compiled. Without the list (a target folder made
# before it was kept) everything is compiled again.
units="$root/target/pgo-train/trained-metadata"
if [ ! -f "$units" ]; then
    rm -rf "$root/target/pgo-train"
    mkdir -p "$root/target/pgo-train"
    : > "$units"
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Each workload counts into a file of its own and weighs, in the merge, about
# as much as the others: its weight is about 25 s over its run time (which
# the counts follow), so the province's long run does not drown the county
# and the queueing cases, nor they the levers.
weighted=()
run() { # name, scenario, replications, weight
    echo "training $cargo_profile on $2 ($3 replication(s), weight $4)" >&2
    LLVM_PROFILE_FILE="$counts/$cargo_profile-$1.profraw" \
        "$bin" run "scenarios/$2" --replications "$3" --jobs 1 --quiet --out "$out/run" >/dev/null
    rm -rf "$out/run"
    weighted+=("--weighted-input=$4,$counts/$cargo_profile-$1.profraw")
}

# Cargo names a crate's symbols after its build profile as well, and the
# profile's counts are found by those names: `release` (cargo build, run and
# test --release) and `bench` (cargo bench) are trained each on its own build,
# into one file. A build whose names the file does not hold gets no counts, and
# runs slower than with no profile at all. The instrumenting flag goes through
# the rustc wrapper (REFORMSIM_PGO_GENERATE), not RUSTFLAGS, with which Cargo
# would name the symbols otherwise.
for cargo_profile in release bench; do
    echo "building reformsim instrumented, $cargo_profile profile (target/pgo-train)" >&2
    # `cargo bench` resolves the dependencies' features with the development
    # dependencies too, which names every crate otherwise than `cargo build
    # --profile bench` would: the bench variant is built as `cargo bench` builds it.
    if [ "$cargo_profile" = release ]; then build=(build --release --bin reformsim); else build=(bench --no-run); fi
    bin=$(REFORMSIM_PGO_GENERATE="$counts/build" REFORMSIM_PGO_UNITS="$units" \
        cargo "${build[@]}" --quiet --target-dir "$root/target/pgo-train" --message-format=json-render-diagnostics \
        | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    t = m.get("target", {})
    if (m.get("reason") == "compiler-artifact" and t.get("name") == "reformsim"
            and "bin" in t.get("kind", []) and not m.get("profile", {}).get("test")):
        print(m["executable"])')
    [ -n "$bin" ] && [ -x "$bin" ] || { echo "no instrumented reformsim built for $cargo_profile" >&2; exit 1; }
    run county small-department.ron 1 36
    run mm10 bench/mm10_rho090.ron 5 100
    run tandem bench/lognormal_tandem.ron 5 100
    run sendback bench/sendback_abandon.ron 5 100
    run province zhejiang-province.ron 1 1
    run one-trip one-trip-reform.ron 1 12
    run cross-trained super-department-cross-trained.ron 1 36
    run shunde shunde-2009.ron 1 5
    run fiscal one-trip-fiscal-rule.ron 1 12
done

mkdir -p pgo
"$profdata" merge --output pgo/reformsim.profdata "${weighted[@]}"
echo "$full" > pgo/llvm-version
# The compilations trained (crate and -C metadata value): only these get the
# profile (scripts/pgo/rustc-wrapper).
sort -u "$units" > pgo/trained-metadata
# What it was trained on (scripts/pgo/sources.sh --check tells a stale profile).
scripts/pgo/sources.sh > pgo/trained-sources
echo "wrote pgo/reformsim.profdata (LLVM $full); cargo caches what it compiled with the old" \
    "profile: run 'cargo clean --release' before the next build" >&2
