#!/usr/bin/env bash
# Print test of the HTML report: runs the demo (2 replications) in a scratch
# folder, opens its results/demo/report.html in headless Chromium, prints it to
# PDF (the DevTools Page.printToPDF, which is what --print-to-pdf does), and lets
# scripts/report/print.py check that
#   - every section heading (h2) and every collapsed block (its summary and its
#     table's first cell) is in the PDF's text (pdftotext),
#   - printing opened every <details> (the page's beforeprint script ran under
#     its content security policy),
#   - no table is wider than the printable width of an A4 page under print media.
# Installs Debian's chromium and poppler-utils (pdftotext) if they are missing.
#
#   sudo scripts/report/print.sh        # as root (apt-get); CI runs it from .ci/run
#
# Everything it starts is stopped on exit, by process id. Exit status 0 if every
# check passes, 1 otherwise. Environment: PDF (default target/report-print/demo.pdf),
# KEEP=1 keeps the scratch folder.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
say() { printf 'report print: %s\n' "$*"; }

# shellcheck source=scripts/lib/headless.sh
source scripts/lib/headless.sh
headless_start print
headless_packages chromium pdftotext zh-font
headless_build
pdf=${PDF:-$target_dir/report-print/demo.pdf}
mkdir -p "$(dirname "$pdf")"

# The demo in the scratch folder: no ./scenarios there, so it reads the shipped
# ones from the source tree, and writes $work/demo/results/demo/.
mkdir -p "$work/demo"
say "running the demo (2 replications)"
(cd "$work/demo" && "$binary" demo --replications 2 --quiet >"$work/demo.log" 2>&1)
page="$work/demo/results/demo/report.html"
[ -s "$page" ] || { say "the demo wrote no report"; exit 1; }

chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --hide-scrollbars \
    --user-data-dir="$work/profile" --remote-debugging-port=0 about:blank \
    >"$work/chromium.log" 2>&1 &
pids+=($!)
devtools=""
for _ in $(seq 1 300); do
    [ -s "$work/profile/DevToolsActivePort" ] && devtools=$(head -n 1 "$work/profile/DevToolsActivePort")
    [ -n "$devtools" ] && break
    kill -0 "${pids[0]}" 2>/dev/null || { say "chromium exited"; exit 1; }
    sleep 0.1
done
[ -n "$devtools" ] || { say "chromium opened no DevTools port"; exit 1; }

python3 "$root/scripts/report/print.py" --devtools-port "$devtools" --page "$page" --pdf "$pdf"
