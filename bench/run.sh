#!/usr/bin/env bash
# bench/run.sh - measure ew add, ew list and ew report on generated repositories.
#
# Run by `make bench` from the top of the source tree, after `make`.
# For each size N it generates N records (bench/gen.c), creates a data
# repository in bench/out/repo-N, imports them in one batch, then times:
#   - ew add of one record into an existing shard (RUNS runs, median);
#   - ew list: full scan, native filters, a --where jq filter, --since.
#   - ew report: the HTML report of every record.
# Progress goes to stderr; the results table to stdout and to
# bench/out/results.md.  Every run is checked: the exit status, the record
# counts against the generated CSV, and a clean `git status` after writing.
#
# Environment: SIZES (default "1000 10000 100000"), RUNS (default 7),
# SEED (default 1), PER_MONTH (default 800), CC (default cc).
set -euo pipefail

cd "$(dirname "$0")/.."
top=$PWD
out=$top/bench/out
sizes=${SIZES:-1000 10000 100000}
runs=${RUNS:-7}
seed=${SEED:-1}
per_month=${PER_MONTH:-800}

# The one record added by the single-add case.  It goes into the first
# month the generator fills (2016-01), the one shard that exists and holds
# about PER_MONTH records in every repository whatever N is.
add_date=2016-01-15
add_shard=reports/2016/01.csv

. bench/lib.sh
command -v python3 >/dev/null || die "python3 is needed to check the counts"

build_gen

rows=()      # the table rows, in order
load0=$(cut -d' ' -f1-3 /proc/loadavg)
tmp=$out/tmp.$$
trap 'rm -f "$tmp".*' EXIT

row() { # case N runs note  (and ms lo hi rss from measure)
	local range="$lo–$hi"
	[ "$3" -gt 1 ] || range=
	rows+=("| $1 | $2 | $3 | $ms | $range | $rss | $4 |")
	say "  $1: $ms ms ($range), $rss KiB ($4)"
}

# expect WHAT GOT WANT
expect() { [ "$2" = "$3" ] || die "$1: got $2, expected $3"; }

# pycount FILE PYTHON-CONDITION-ON-r : records of the generated CSV that match
pycount() {
	python3 - "$1" "$2" <<'EOF'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    print(sum(1 for r in csv.DictReader(f) if eval(sys.argv[2])))
EOF
}

clean_tree() {
	local st
	st=$(git -C "$1" status --porcelain)
	[ -z "$st" ] || die "$1: git status is not clean after $2: $st"
}

for n in $sizes; do
	repo=$out/repo-$n
	csv=$out/gen-$n.csv
	say "== N=$n"
	"$out/gen" -n "$n" -s "$seed" -m "$per_month" -d "$EW_SHAREDIR" >"$csv"
	rm -rf "$repo"
	"$ew" init -q "$repo"
	cd "$repo"

	# Bulk import, once: it is the set-up, timed for the record.
	measure 0 1 "$ew" add <"$csv"
	row "bulk import: ew add < gen.csv" "$n" 1 "one commit of $n records"
	clean_tree "$repo" "the import"
	expect "records after import" "$("$ew" list --include-confidential --count)" "$n"

	# One record into an existing shard, a different description each run.
	shard_before=$("$ew" list --include-confidential --since $add_date --until $add_date --count || :)
	times=()
	max_rss=0
	for ((i = 1; i <= runs; i++)); do
		measure 0 1 "$ew" add event_date=$add_date cercle=Niono commune=Diabaly \
			category=armed-presence severity=2 channel=sms reporter=MON-NIO-01 \
			sensitivity=restricted \
			"description=Passage d'une colonne de motos armées, « sans incident », passage n°$i ($n)"
		times+=("$ms")
		if [ "$rss" -gt "$max_rss" ]; then max_rss=$rss; fi
	done
	spread "${times[@]}"
	rss=$max_rss
	clean_tree "$repo" "the single adds"
	expect "records after the single adds" "$("$ew" list --include-confidential --count)" $((n + runs))
	expect "records on $add_date" "$("$ew" list --include-confidential --since $add_date --until $add_date --count)" \
		$((${shard_before:-0} + runs))
	first=$(git -C "$repo" log -1 --format=%s)
	case $first in "Add report "*"(armed-presence, Niono, severity 2)") ;;
		*) die "unexpected commit subject: $first" ;; esac
	shard=$("$ew" list --include-confidential --since "${add_date%-*}-01" --until "${add_date%-*}-31" --count)
	row "ew add one record" "$n" "$runs" \
		"$add_shard: $((shard - runs)) records before, $shard after"
	total=$((n + runs))

	# Full scan.
	measure 0 "$runs" "$ew" list --include-confidential
	row "ew list (full scan, CSV out)" "$n" "$runs" "$total records"
	expect "ew list lines" "$("$ew" list --include-confidential --format json | wc -l)" "$total"

	# Native filters, and the same selection through jq (the records
	# added above are severity 2, so the generated CSV gives the count).
	want=$(pycount "$csv" "r['cercle'] == 'Niono' and r['severity'] != '' and int(r['severity']) >= 4")
	ok="0"; [ "$want" -eq 0 ] && ok="1"
	measure "$ok" "$runs" "$ew" list --include-confidential --cercle Niono --min-severity 4
	row "ew list --cercle Niono --min-severity 4" "$n" "$runs" "$want match"
	expect "--cercle Niono --min-severity 4" \
		"$("$ew" list --include-confidential --cercle Niono --min-severity 4 --count || :)" "$want"
	measure "$ok" "$runs" "$ew" list --include-confidential --where '.severity >= 4 and .cercle == "Niono"'
	row "ew list --where '.severity >= 4 and .cercle == \"Niono\"'" "$n" "$runs" "$want match"
	expect "--where" \
		"$("$ew" list --include-confidential --where '.severity >= 4 and .cercle == "Niono"' --count || :)" "$want"

	# A recent window: only the 2026 shards hold matches.
	want=$(pycount "$csv" "r['event_date'] >= '2026-01-01'")
	ok="0"; [ "$want" -eq 0 ] && ok="1"
	measure "$ok" "$runs" "$ew" list --include-confidential --since 2026-01-01
	row "ew list --since 2026-01-01" "$n" "$runs" "$want match"
	expect "--since 2026-01-01" "$("$ew" list --include-confidential --since 2026-01-01 --count || :)" "$want"

	# The situation report of every record: one pass over them all.
	measure 0 "$runs" "$ew" report --since 2000-01-01 --until 2026-11-28 -o "$tmp.report.html"
	row "ew report --since 2000-01-01 (HTML)" "$n" "$runs" "$total records in the period"
	expect "report map symbols" "$(grep -o '<circle class="cercle ' "$tmp.report.html" | wc -l)" 7

	cd "$top"
done

{
	printf '%s\n\n' "ew benchmark: $(date -u +%Y-%m-%dT%H:%MZ), seed $seed, $per_month records a month, $runs runs; wall time: the median and the range of the runs; peak RSS: the highest of the runs; load average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%s\n' "| case | N | runs | median ms | min–max ms | peak RSS KiB | notes |"
	printf '%s\n' "|---|---:|---:|---:|---:|---:|---|"
	printf '%s\n' "${rows[@]}"
} >"$out/results.md"
cat "$out/results.md"
