#!/bin/sh
# screenshot.sh -- the pictures of ew report in docs/: report.html,
# report.md and report.png (a screenshot of the HTML by headless
# Chromium), made from the demo repository:
#   sh docs/screenshot.sh [BINDIR]
# BINDIR holds the programs (default: $EW_BIN, else bin/ of this tree).
# The demo repository is made by share/ew/demo/tour.sh in a temporary
# directory, removed at the end; its "now" is fixed, so the report is the
# same at every run but for the ids.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${EW_BIN:-$top/bin}}
since=2026-11-22
until=2026-11-28

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "screenshot.sh: chromium is not installed (apt-get install chromium)" >&2
	exit 2
fi
if [ ! -x "$bin/ew-report" ]; then
	echo "screenshot.sh: no ew-report in '$bin' (run make, or name the directory)" >&2
	exit 2
fi
bin=$(cd "$bin" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
EW_SHAREDIR=$top/share/ew
PATH=$bin:$PATH
export EW_SHAREDIR PATH
unset EW_DIR GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

echo "==> the demo repository, in $tmp/demo"
sh "$top/share/ew/demo/tour.sh" "$tmp/demo" >"$tmp/tour.log" 2>&1 || {
	cat "$tmp/tour.log" >&2
	exit 2
}
cd "$tmp/demo"
EW_NOW=2026-11-28T12:00:00Z
export EW_NOW

echo "==> its alerts: ew alert"
# (the tour has raised them already: exit 1, nothing new, is fine)
ew alert >/dev/null || [ $? -eq 1 ]

echo "==> ew report --since $since --until $until"
ew report --since $since --until $until -o "$top/docs/report.html"
ew report --since $since --until $until --format markdown -o "$top/docs/report.md"

echo "==> the screenshot: docs/report.png"
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
	--hide-scrollbars --no-first-run --no-default-browser-check \
	--user-data-dir="$tmp/chromium" --host-resolver-rules="MAP * ~NOTFOUND" \
	--window-size=1200,2400 --screenshot="$top/docs/report.png" \
	"file://$top/docs/report.html" >"$tmp/chromium.log" 2>&1 || {
	cat "$tmp/chromium.log" >&2
	exit 2
}
ls -l "$top/docs/report.html" "$top/docs/report.md" "$top/docs/report.png"
