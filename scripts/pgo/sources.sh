#!/usr/bin/env bash
# Prints the fingerprint of what the profile of profile-guided optimisation was
# trained on: a SHA-256 of the program's sources (every file under src/, and
# Cargo.toml and Cargo.lock), file names included. scripts/pgo/train.sh writes it
# to pgo/trained-sources; with --check, says whether the sources changed since:
#
#   scripts/pgo/sources.sh            # the fingerprint of the sources as they are
#   scripts/pgo/sources.sh --check    # exit 0 if the profile was trained on them,
#                                     # 1 (and a warning on standard error) if not
#
# A changed function is compiled without its counts (laid out as never run), so a
# timing measured with a stale profile can understate the engine's speed; the
# scripts that time reformsim (scripts/bench/) print the warning with their figures.
# Comments and unit tests count as changes too: the check is conservative.
set -euo pipefail
cd "$(dirname "$0")/../.."
fingerprint() {
    { find src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; sha256sum Cargo.toml Cargo.lock; } \
        | sha256sum | cut -d' ' -f1
}
if [ "${1:-}" = --check ]; then
    now=$(fingerprint)
    trained=$(cat pgo/trained-sources 2>/dev/null || echo none)
    if [ "$now" = "$trained" ]; then
        echo "PGO profile: trained on these sources" >&2
        exit 0
    fi
    echo "warning: the PGO profile was not trained on these sources (pgo/trained-sources differs):" \
        "changed code is compiled without its counts and may run slower; retrain with" \
        "scripts/pgo/train.sh, then cargo clean --release" >&2
    exit 1
fi
fingerprint
