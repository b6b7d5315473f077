#!/usr/bin/env bash
# End-to-end test of the dashboard (`reformsim serve`) in a real browser: installs
# Debian's Chromium if it is missing, builds reformsim, starts the dashboard on a
# free loopback port and headless Chromium with a DevTools port, and lets
# scripts/dashboard/drive.py load the page, move levers, check that the indicator
# table and the charts change, measure the slider-to-charts time and take a
# screenshot.
#
#   sudo scripts/dashboard/e2e.sh        # as root (apt-get); CI runs it from .ci/run
#
# Everything it starts is stopped on exit, by process id. Exit status 0 if every
# check passes, 1 otherwise.
#
# Environment: SCREENSHOT (default target/dashboard-e2e/dashboard.png),
# DASHBOARD_MAX_MEDIAN_MS (default 2000: fail above twice the one-second target,
# so that a noisy machine does not fail the build), KEEP=1 to keep the folder
# with the logs.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
say() { printf 'dashboard e2e: %s\n' "$*"; }

# shellcheck source=scripts/lib/headless.sh
source scripts/lib/headless.sh
headless_start dashboard
# Chromium, and a font with Chinese characters for the levers' Chinese names.
headless_packages chromium zh-font
headless_build
screenshot=${SCREENSHOT:-$target_dir/dashboard-e2e/dashboard.png}

# Port 0: the dashboard takes a free port and prints its address.
"$binary" serve --port 0 >"$work/serve.log" 2>&1 &
pids+=($!)
url=""
for _ in $(seq 1 300); do
    url=$(grep -o 'http://[^ ]*' "$work/serve.log" || true)
    [ -n "$url" ] && break
    kill -0 "${pids[0]}" 2>/dev/null || { say "the dashboard exited"; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { say "the dashboard did not start"; exit 1; }
say "dashboard at $url"

chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --hide-scrollbars \
    --user-data-dir="$work/profile" --remote-debugging-port=0 about:blank \
    >"$work/chromium.log" 2>&1 &
pids+=($!)
# With port 0 Chromium writes the port it took into the profile folder.
devtools=""
for _ in $(seq 1 300); do
    [ -s "$work/profile/DevToolsActivePort" ] && devtools=$(head -n 1 "$work/profile/DevToolsActivePort")
    [ -n "$devtools" ] && break
    kill -0 "${pids[1]}" 2>/dev/null || { say "chromium exited"; exit 1; }
    sleep 0.1
done
[ -n "$devtools" ] || { say "chromium opened no DevTools port"; exit 1; }

python3 "$root/scripts/dashboard/drive.py" --devtools-port "$devtools" --url "$url" --screenshot "$screenshot"
