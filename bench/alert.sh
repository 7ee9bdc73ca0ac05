#!/usr/bin/env bash
# bench/alert.sh - measure ew alert with the default rules.
#
# Run by `make bench` after bench/run.sh, from the top of the source tree.
# For each size N it generates N records spread evenly over the
# generator's 130 months (2016-01 .. 2026-10), so the records inside a
# rule's window grow in proportion to N, imports them in one commit, and
# times at the end of the data (--now 2026-10-31T23:00:00Z):
#   - ew list (full scan), for comparison;
#   - ew alert --dry-run with the default rules (windows of 7 days);
#   - the same rules with their windows widened to 26 weeks (--rules), so
#     that many more records fall inside the windows;
#   - one real ew alert run (commit of the transitions), then a second
#     that finds nothing new.
# Every run is checked (exit status, records counted, transitions found,
# a clean git status).  Results go to stdout and bench/out/alert.md.
#
# Environment: SIZES (default "10000 100000 1000000"), RUNS (default 5),
# SEED (default 1), CC (default cc).
set -euo pipefail

cd "$(dirname "$0")/.."
top=$PWD
out=$top/bench/out
sizes=${SIZES:-10000 100000 1000000}
runs=${RUNS:-5}
seed=${SEED:-1}
now=2026-10-31T23:00:00Z

. bench/lib.sh

build_gen
tmp=$out/tmp.$$
trap 'rm -f "$tmp".*' EXIT
CAPTURE=1 QUIET=1
load0=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()

row() { # case N in-window runs note
	rows+=("| $1 | $2 | $3 | $4 | $ms | $rss | $5 |")
	say "  $1: $ms ms, $rss KiB ($5)"
}

# The default rules with every window set to 26 weeks.
sed 's/^\(\s*window = \).*/\126w/' share/ew/rules.conf >"$out/rules-26w.conf"
grep -q 'window = 26w' "$out/rules-26w.conf" || die "cannot widen the windows"

for n in $sizes; do
	repo=$out/alert-$n
	csv=$out/alert-gen-$n.csv
	per=$(((n + 129) / 130))
	say "== N=$n ($per records a month)"
	"$out/gen" -n "$n" -s "$seed" -m "$per" -d "$EW_SHAREDIR" >"$csv"
	rm -rf "$repo"
	"$ew" init -q "$repo"
	cd "$repo"
	"$ew" add <"$csv" >/dev/null
	[ "$("$ew" list --include-confidential --count)" = "$n" ] || die "import of $n records"

	# records inside the windows, as the rules count them (status false
	# and duplicate excluded)
	w7=$(EW_NOW=$now "$ew" list --include-confidential --since 7d --where '.status != "false" and .status != "duplicate"' --count || :)
	w26=$(EW_NOW=$now "$ew" list --include-confidential --since 26w --where '.status != "false" and .status != "duplicate"' --count || :)

	measure 0 "$runs" "$ew" list --include-confidential
	row "ew list (full scan)" "$n" "—" "$runs" "every record"

	measure "0 1" "$runs" "$ew" alert --dry-run --now $now --format csv
	t=$(($(wc -l <"$tmp.out") - 1))
	[ "$t" -ge 1 ] || die "the default rules raised nothing at N=$n"
	row "ew alert --dry-run, default rules (7d)" "$n" "$w7" "$runs" "$t alerts raised"

	measure "0 1" "$runs" "$ew" alert --dry-run --now $now --rules "$out/rules-26w.conf" --format csv
	t=$(($(wc -l <"$tmp.out") - 1))
	row "ew alert --dry-run, windows widened to 26w" "$n" "$w26" "$runs" "$t alerts raised"

	measure 0 1 "$ew" alert --now $now --format csv
	t=$(($(wc -l <"$tmp.out") - 1))
	[ -z "$(git status --porcelain)" ] || die "git status not clean after ew alert"
	row "ew alert (commits the transitions)" "$n" "$w7" 1 "$t rows committed"

	measure 1 1 "$ew" alert --now $now --format csv
	[ ! -s "$tmp.out" ] || die "a second run at the same instant printed something"
	row "ew alert again (nothing new)" "$n" "$w7" 1 "exit 1, no output"

	cd "$top"
done

{
	printf '%s\n\n' "ew alert benchmark: $(date -u +%Y-%m-%dT%H:%MZ), seed $seed, --now $now, $runs runs (median); load average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%s\n' "| case | N | records in the windows | runs | median ms | peak RSS KiB | notes |"
	printf '%s\n' "|---|---:|---:|---:|---:|---:|---|"
	printf '%s\n' "${rows[@]}"
} >"$out/alert.md"
cat "$out/alert.md"
