# shellcheck shell=bash
# What the browser tests share (scripts/dashboard/e2e.sh, scripts/report/print.sh):
# a scratch folder, the processes they start — stopped on exit by process id,
# Chromium's own children first — and the Debian packages they need.
#
# The caller defines `say`, then:
#   source scripts/lib/headless.sh
#   headless_start NAME                 # $work (a scratch folder), $pids, the exit trap
#   headless_packages chromium [pdftotext] zh-font
#   headless_build                      # $target_dir and $binary (release reformsim)
# KEEP=1 keeps the scratch folder.

headless_cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do
        pkill -TERM -P "$pid" 2>/dev/null || true
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ "$status" -ne 0 ]; then
        for log in "$work"/*.log; do
            [ -f "$log" ] && { say "--- $(basename "$log") (last lines)"; tail -n 20 "$log"; }
        done
    fi
    # Removing the folder must not fail the test: a straggling Chromium child may
    # still be writing its profile for a moment.
    if [ "${KEEP:-0}" = 1 ]; then
        say "kept $work"
    else
        for _ in 1 2 3 4 5; do
            rm -rf "$work" 2>/dev/null && break
            sleep 1
        done
        [ -e "$work" ] && say "could not remove $work (left behind)"
    fi
    exit "$status"
}

headless_start() {
    work=$(mktemp -d "/tmp/reformsim-$1.XXXXXX")
    pids=()
    trap headless_cleanup EXIT
}

# Installs what is missing of: chromium, pdftotext (poppler-utils), zh-font (a
# font with Chinese characters).
headless_packages() {
    local missing=() need
    for need in "$@"; do
        case "$need" in
            chromium) command -v chromium >/dev/null 2>&1 || missing+=(chromium) ;;
            pdftotext) command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils) ;;
            zh-font) [ -n "$(fc-list :lang=zh 2>/dev/null)" ] || missing+=(fonts-wqy-zenhei) ;;
            *) say "unknown package need: $need"; return 1 ;;
        esac
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        say "installing ${missing[*]} (Debian)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

headless_build() {
    say "building reformsim"
    cargo build --release --quiet --bin reformsim
    target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    binary="$target_dir/release/reformsim"
}
