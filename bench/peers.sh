#!/usr/bin/env bash
# bench/peers.sh - ew against its peers: jq, Miller, git, and a libcsv floor.
#
# Run by `make bench` first, from the top of the source tree, after `make`
# (and after the Debian packages of BENCH_DEBS are installed). For each
# size N it generates N records (bench/gen.c, seed SEED, PER_MONTH a month,
# or more when N needs more months than the generator has), creates a data
# repository in bench/out/peers/repo-N with `ew init -q` and one `ew add <
# gen-N.csv`, timed against `mlr sort -f event_date` of the same file, then
# adds EXTRA records with one `ew add` each (EXTRA commits, for `ew list
# --at HEAD~EXTRA`). The repository is kept: a later run whose generated
# files are byte-identical reuses it (and the import and sort times
# measured when it was built); REBUILD=1 builds it again.
#
# The peers' inputs come from the repository itself: `ew list
# --include-confidential` (CSV) and the same with `--format json` (NDJSON).
# Then, RUNS runs each (one untimed warm-up; median, min-max, peak RSS):
#   - ew list --where vs jq select() on the NDJSON;
#   - ew list --cercle --min-severity vs mlr filter on the CSV, and vs
#     bench/floor.c (libcsv, counts the fields of every shard);
#   - ew list (full scan), its peak RSS;
#   - ew add of one record vs the git CLI (append a line, git add, git
#     commit) in a clone;
#   - ew alert --dry-run vs the full scan;
#   - ew list --at HEAD~EXTRA vs the full scan.
# Every selection is checked: the same sorted ids from ew and the peer,
# the counts, the exit statuses. Results (one table, with the targets)
# go to stdout and bench/out/peers.md; progress to stderr.
#
# Environment: SIZES (default "10000 100000 1000000"), RUNS (default 5),
# SEED (default 1), PER_MONTH (default 800), CC (default cc), REBUILD=1
# (build the repositories again).
set -euo pipefail

cd "$(dirname "$0")/.."
top=$PWD
out=$top/bench/out
dir=$out/peers
sizes=${SIZES:-10000 100000 1000000}
runs=${RUNS:-5}
seed=${SEED:-1}
per_month=${PER_MONTH:-800}
rebuild=${REBUILD:-}
extra=100           # commits after the import, one record each

# The single-add case, as in run.sh: the first month the generator fills,
# a shard that exists in every repository whatever N is.
add_date=2016-01-15
add_shard=reports/2016/01.csv

# The selections, for ew and for its peers.
where='.severity >= 4 and .cercle == "Niono"'
jq_where='select(.severity >= 4 and .cercle == "Niono")'
# Miller 6 orders an empty value below every number, so `$severity >= 4`
# alone is false for a record without a severity, as it is for ew and jq;
# is_not_empty() says so rather than rely on that ordering.
# shellcheck disable=SC2016 # Miller's $fields, not the shell's
mlr_where='$cercle == "Niono" && is_not_empty($severity) && $severity >= 4'

. bench/lib.sh
for t in jq mlr git sha256sum; do
	command -v $t >/dev/null ||
		die "no '$t'; 'make bench' installs it (Debian packages jq, miller, git, coreutils)"
done
[ "$runs" -ge 1 ] 2>/dev/null || die "RUNS must be a number >= 1"

mkdir -p "$dir"
build_gen
${CC:-cc} -O2 -std=c11 -Wall -Wextra -o "$out/floor" bench/floor.c -lcsv ||
	die "cannot build bench/floor.c (it needs libcsv: Debian package libcsv-dev)"

tmp=$out/tmp.$$
trap 'rm -rf "$tmp".* "$dir"/git-*' EXIT
QUIET=1
load0=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
nmet=0
nmissed=0

clean_tree() {
	local st
	st=$(git status --porcelain)
	[ -z "$st" ] || die "$PWD: git status is not clean after $1: $st"
}

# expect WHAT GOT WANT
expect() { [ "$2" = "$3" ] || die "$1: got $2, expected $3"; }

# tm MS LO HI: a median and its range, as the table shows it
tm() {
	if [ "$2" = "$3" ]; then printf '%s' "$1"; else printf '%s (%s–%s)' "$1" "$2" "$3"; fi
}

# judge A B LIMIT: prints the ratio A/B, then yes or NO for A/B <= LIMIT
# (LIMIT an awk expression such as 1/3)
judge() {
	awk -v a="$1" -v b="$2" "BEGIN { l = $3; r = b > 0 ? a / b : 1e9
		printf \"%.3f %s\n\", r, (r <= l ? \"yes\" : \"NO\") }"
}

# row CASE N EW PEER RATIO TARGET MET EW_RSS PEER_RSS
row() {
	rows+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 | $9 |")
	case $7 in yes) nmet=$((nmet + 1)) ;; NO) nmissed=$((nmissed + 1)) ;; esac
	say "  $1: ew $3, peer $4, ratio $5 (target $6: $7)"
}

# versus CASE N LIMIT TARGET: a row from the kept ew_* and peer_* results
versus() {
	local r
	r=$(judge "$ew_ms" "$peer_ms" "$3")
	row "$1" "$2" "$(tm "$ew_ms" "$ew_lo" "$ew_hi")" "$(tm "$peer_ms" "$peer_lo" "$peer_hi")" \
		"${r% *}" "$4" "${r#* }" "$ew_rss" "$peer_rss"
}

# same_ids WHAT EW_IDS PEER_IDS: the two sorted lists of ids are equal
same_ids() {
	cmp -s "$2" "$3" && return
	die "$1: ew selected $(wc -l <"$2") records, the peer $(wc -l <"$3"); first differences (< ew, > peer): $(diff "$2" "$3" | grep '^[<>]' | head -n 4 | tr '\n' ' ')"
}

# ew_ids FILE ARGS...: the sorted ids `ew list ARGS` selects, into FILE;
# exit status 1 (nothing selected) only for an empty selection
ew_ids() {
	local f=$1 st=0
	shift
	"$ew" list "$@" --fields id >"$f.raw" || st=$?
	case $st in
	0) tail -n +2 "$f.raw" | sort >"$f"
	   [ -s "$f" ] || die "ew list $*: exit 0 and no record" ;;
	1) [ "$(wc -l <"$f.raw")" -le 1 ] || die "ew list $*: exit 1 and records"
	   : >"$f" ;;
	*) die "ew list $*: exit status $st" ;;
	esac
	rm -f "$f.raw"
}

# stamp N PER: what the repository for N is made from; a change builds it
# again
stamp() {
	printf 'peers repository 1: N %s, seed %s, %s a month, %s single adds\n' \
		"$1" "$seed" "$2" "$extra"
	cat "$csv" "$tmp.extra"/*.csv | sha256sum | cut -d' ' -f1
}

# get KEY: a value recorded when the repository was built
get() { awk -v k="$1" '$1 == k {print $2}' "$repo.built"; }

# make_extra MONTH: the EXTRA records added one by one, one CSV file each
# (header and record), dated in MONTH (YYYY-MM), days 1-28
make_extra() {
	rm -rf "$tmp.extra"
	mkdir -p "$tmp.extra"
	"$out/gen" -n $extra -s $((seed + 1)) -m $extra -d "$EW_SHAREDIR" |
		awk -v month="$1" -v d="$tmp.extra" '
		NR == 1 { h = $0; next }
		/^20[0-9][0-9]-[01][0-9]-[0-3][0-9],/ {
			k++; f = sprintf("%s/%03d.csv", d, k)
			print h >f
			sub(/^[^,]*/, sprintf("%s-%02d", month, (k % 28) + 1))
		}
		{ print >f }'
	[ "$(find "$tmp.extra" -name '*.csv' | wc -l)" = $extra ] || die "cannot split the extra records"
}

build_repo() {
	local f ids
	say "  building $repo (later runs reuse it; REBUILD=1 builds it again)"
	rm -rf "$repo" "$repo.built" "$repo.ids" "$repo.stamp"
	"$ew" init -q "$repo"
	cd "$repo"
	say "  ew add < gen-$n.csv"
	measure 0 1 "$ew" add <"$csv"
	imp_ms=$ms imp_rss=$rss
	clean_tree "the import"
	expect "records after the import" "$("$ew" list --include-confidential --count)" "$n"
	expect "commits after the import" "$(git rev-list --count HEAD)" 2
	local base
	base=$(git rev-parse HEAD)
	say "  mlr sort -f event_date gen-$n.csv"
	measure 0 1 mlr --icsv --ocsv sort -f event_date "$csv"
	sort_ms=$ms sort_rss=$rss
	say "  $extra single adds"
	ids=$repo.ids.tmp
	: >"$ids"
	for f in "$tmp.extra"/*.csv; do
		"$ew" add <"$f" >>"$ids" || die "ew add < $f failed"
	done
	clean_tree "the single adds"
	expect "new ids printed" "$(sort -u "$ids" | wc -l)" $extra
	expect "records after the single adds" "$("$ew" list --include-confidential --count)" $((n + extra))
	expect "HEAD~$extra" "$(git rev-parse "HEAD~$extra")" "$base"
	sort "$ids" >"$repo.ids"
	rm -f "$ids"
	{
		echo "head $(git rev-parse HEAD)"
		echo "import $base"
		echo "date $(date -u +%Y-%m-%dT%H:%MZ)"
		echo "imp $imp_ms $imp_rss"
		echo "sort $sort_ms $sort_rss"
	} >"$repo.built"
	stamp "$n" "$per" >"$repo.stamp"
	cd "$top"
}

# use_repo: the repository of this N, built or reused, at its HEAD as built
use_repo() {
	make_extra "${last%-*}"
	if [ -n "$rebuild" ] || [ ! -f "$repo.stamp" ] || [ ! -f "$repo.built" ] ||
		[ "$(stamp "$n" "$per")" != "$(cat "$repo.stamp")" ] ||
		! git -C "$repo" cat-file -e "$(get head)^{commit}" 2>/dev/null; then
		build_repo
		imp_note="built now"
	else
		imp_note="measured when the repository was built, $(get date)"
		say "  reusing $repo (built $(get date); REBUILD=1 builds it again)"
		if [ "$(git -C "$repo" rev-parse HEAD)" != "$(get head)" ] ||
			[ -n "$(git -C "$repo" status --porcelain)" ]; then
			say "  resetting it to $(get head)"
			git -C "$repo" reset -q --hard "$(get head)" || die "cannot reset $repo; REBUILD=1 builds it again"
		fi
	fi
	rm -rf "$tmp.extra"
}

# killings FROM TO: the groups of the default rule "killings" as jq
# computes them from the NDJSON: cercle, level, people killed, sorted ids
# (records of FROM..TO with killed > 0, status neither false nor duplicate)
killings() {
	jq -c --arg from "$1" --arg to "$2" 'select(.event_date >= $from and
		.event_date <= $to and .status != "false" and .status != "duplicate" and
		.killed > 0)' "$nd" |
		jq -s -r 'group_by(.cercle)[] | (map(.killed) | add) as $s |
			[.[0].cercle, (if $s >= 5 then "red" else "orange" end),
			 ($s | tostring), (map(.id) | sort | join(";"))] | @tsv' | sort
}

# alert_killings FILE: the same from ew alert's CSV output
alert_killings() {
	# shellcheck disable=SC2016 # Miller's $rule
	mlr --infer-none --icsv --ojsonl filter '$rule == "killings"' "$1" |
		jq -r '[.group, .level, .count, (.records | split(";") | sort | join(";"))] | @tsv' |
		sort
}

declare -A by_add by_scan_ms by_scan_rss   # by N, for the rows that compare sizes
for n in $sizes; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "SIZES: '$n' is not a number"
	per=$(((n + 129) / 130))
	[ "$per" -ge "$per_month" ] || per=$per_month
	csv=$dir/gen-$n.csv
	repo=$dir/repo-$n
	all=$dir/all-$n.csv
	nd=$dir/all-$n.ndjson
	say "== N=$n ($per records a month)"
	"$out/gen" -n "$n" -s "$seed" -m "$per" -d "$EW_SHAREDIR" >"$csv"
	# the last day of the generated data: "now" of the alert case
	last=$(awk -F, 'NR > 1 && /^20[0-9][0-9]-[01][0-9]-[0-3][0-9],/ && $1 > d {d = $1} END {print d}' "$csv")
	[ -n "$last" ] || die "no event_date in $csv"
	use_repo
	total=$((n + extra))
	cd "$repo"

	# 1. The bulk import against Miller sorting the same file.
	read -r _ ew_ms ew_rss < <(grep '^imp ' "$repo.built")
	read -r _ peer_ms peer_rss < <(grep '^sort ' "$repo.built")
	ew_lo=$ew_ms ew_hi=$ew_ms peer_lo=$peer_ms peer_hi=$peer_ms
	versus "bulk import \`ew add < gen.csv\` vs \`mlr --icsv --ocsv sort -f event_date\` (once each, $imp_note)" \
		"$n" 1.5 "≤ 1.5"

	# 2. The peers' inputs, from the repository.
	say "  exporting all-$n.csv and all-$n.ndjson"
	"$ew" list --include-confidential >"$all"
	"$ew" list --include-confidential --format json >"$nd"
	expect "ew list --count" "$("$ew" list --include-confidential --count)" $total
	expect "NDJSON lines" "$(wc -l <"$nd")" $total
	expect "records Miller reads in all-$n.csv" \
		"$(mlr --icsv --onidx count "$all")" $total

	# 3a. --where against jq.
	say "  ew list --where vs jq"
	CAPTURE=1 measure 0 "$runs" jq -c "$jq_where" "$nd"
	peer_ms=$ms peer_lo=$lo peer_hi=$hi peer_rss=$rss
	jq -r .id "$tmp.out" | sort >"$tmp.peer"
	ok=0
	[ -s "$tmp.peer" ] || ok=1
	CAPTURE=1 measure $ok "$runs" "$ew" list --include-confidential --where "$where"
	ew_ms=$ms ew_lo=$lo ew_hi=$hi ew_rss=$rss
	ew_ids "$tmp.ew" --include-confidential --where "$where"
	same_ids "--where vs jq" "$tmp.ew" "$tmp.peer"
	expect "ew list --where --count" \
		"$("$ew" list --include-confidential --where "$where" --count || :)" "$(wc -l <"$tmp.peer")"
	sel=$(wc -l <"$tmp.peer")
	versus "\`ew list --where '$where'\` vs \`jq -c '$jq_where'\` ($sel of $total records)" \
		"$n" 1/3 "≤ 0.33 (ew ≥ 3× faster)"

	# 3b. Native filters against Miller, and against the libcsv floor.
	say "  ew list --cercle Niono --min-severity 4 vs mlr filter, vs floor"
	CAPTURE=1 measure 0 "$runs" mlr --icsv --ocsv filter "$mlr_where" "$all"
	peer_ms=$ms peer_lo=$lo peer_hi=$hi peer_rss=$rss
	mlr --icsv --ocsv --headerless-csv-output cut -f id "$tmp.out" | sort >"$tmp.peer"
	same_ids "Miller's selection vs jq's" "$tmp.peer" "$tmp.ew"
	CAPTURE=1 measure $ok "$runs" "$ew" list --include-confidential --cercle Niono --min-severity 4
	ew_ms=$ms ew_lo=$lo ew_hi=$hi ew_rss=$rss
	ew_ids "$tmp.ew" --include-confidential --cercle Niono --min-severity 4
	same_ids "--cercle Niono --min-severity 4 vs mlr filter" "$tmp.ew" "$tmp.peer"
	versus "\`ew list --cercle Niono --min-severity 4\` vs \`mlr filter '$mlr_where'\` ($sel records)" \
		"$n" 1/3 "≤ 0.33 (ew ≥ 3× faster)"
	CAPTURE=1 measure 0 "$runs" "$out/floor" "$repo"
	peer_ms=$ms peer_lo=$lo peer_hi=$hi peer_rss=$rss
	read -r got _ fields _ files _ <"$tmp.out"
	expect "records the floor counts" "$got" $total
	expect "fields the floor counts" "$fields" $(((total + files) * $(head -n 1 "$all" | tr ',' '\n' | wc -l)))
	versus "the same ew scan vs bench/floor.c (libcsv, counts the fields of $files shards)" \
		"$n" 3 "≤ 3"

	# 3c. The full scan: its memory.
	say "  ew list (full scan)"
	measure 0 "$runs" "$ew" list --include-confidential
	scan_ms=$ms scan_lo=$lo scan_hi=$hi scan_rss=$rss
	ew_ids "$tmp.all" --include-confidential
	expect "records of the full scan" "$(wc -l <"$tmp.all")" $total
	met=NO
	[ "$scan_rss" -gt 32768 ] || met=yes
	row "\`ew list --include-confidential > /dev/null\` (full scan): peak RSS" "$n" \
		"$(tm "$scan_ms" "$scan_lo" "$scan_hi")" "—" "—" "RSS ≤ 32768 KiB" "$met" "$scan_rss" "—"
	by_scan_ms[$n]=$scan_ms
	by_scan_rss[$n]=$scan_rss

	# 3d. ew alert --dry-run, default rules, at the end of the data,
	# against the full scan; the rule "killings" checked against jq.
	say "  ew alert --dry-run"
	now=${last}T23:00:00Z
	killings "$(date -u -d "$last -7 days" +%F)" "$last" >"$tmp.kj"
	ok="0 1"
	[ ! -s "$tmp.kj" ] || ok=0
	CAPTURE=1 measure "$ok" "$runs" "$ew" alert --dry-run --now "$now" --format csv
	ew_ms=$ms ew_lo=$lo ew_hi=$hi ew_rss=$rss
	nalerts=$(($(mlr --icsv --onidx count "$tmp.out" 2>/dev/null || echo 0)))
	alert_killings "$tmp.out" >"$tmp.ka"
	cmp -s "$tmp.ka" "$tmp.kj" ||
		die "ew alert: the rule killings raised $(wc -l <"$tmp.ka") groups, jq finds $(wc -l <"$tmp.kj"): $(diff "$tmp.ka" "$tmp.kj" | grep '^[<>]' | head -n 2 | tr '\n\t' '  ')"
	st=0
	"$ew" alert --dry-run --now "$now" --format csv >/dev/null || st=$?
	if [ "$nalerts" -gt 0 ]; then expect "ew alert exit status" $st 0; else expect "ew alert exit status" $st 1; fi
	clean_tree "ew alert --dry-run"
	peer_ms=$scan_ms peer_lo=$scan_lo peer_hi=$scan_hi peer_rss=$scan_rss
	versus "\`ew alert --dry-run --now $now\` (default rules, $nalerts alerts) vs the full scan" \
		"$n" 2 "≤ 2"

	# 3e. ew list --at HEAD~EXTRA against the full scan.
	say "  ew list --at HEAD~$extra"
	measure 0 "$runs" "$ew" list --include-confidential --at "HEAD~$extra"
	ew_ms=$ms ew_lo=$lo ew_hi=$hi ew_rss=$rss
	ew_ids "$tmp.at" --include-confidential --at "HEAD~$extra"
	comm -23 "$tmp.all" "$repo.ids" >"$tmp.want"
	same_ids "--at HEAD~$extra vs the records before the single adds" "$tmp.at" "$tmp.want"
	versus "\`ew list --at HEAD~$extra > /dev/null\` ($n records) vs the full scan" \
		"$n" 2 "≤ 2"

	# 3f. One record into an existing shard: ew add against the git CLI
	# in a clone.
	say "  ew add of one record vs git add + git commit"
	clone=$dir/git-$n
	rm -rf "$clone"
	git clone -q "$repo" "$clone"
	git -C "$clone" config user.name Bench
	git -C "$clone" config user.email bench@example.org
	head0=$(git rev-parse HEAD)
	lines0=$(wc -l <"$add_shard")
	t_ew=() t_git=() ew_rss=0 peer_rss=0
	for ((i = 1; i <= runs; i++)); do
		CAPTURE=1 measure 0 1 "$ew" add event_date=$add_date cercle=Niono commune=Diabaly \
			category=armed-presence severity=2 channel=sms reporter=MON-NIO-01 \
			sensitivity=restricted \
			"description=Passage d'une colonne de motos armées, « sans incident », passage n°$i ($n)"
		t_ew+=("$ms")
		[ "$rss" -le "$ew_rss" ] || ew_rss=$rss
		id=$(cat "$tmp.out")
		line=$(grep -m 1 "^$id," "$add_shard") || die "ew add: $id is not in $add_shard"
		pid=$(printf '01PEERBENCH%015d' "$i")
		cd "$clone"
		# shellcheck disable=SC2016 # the arguments of sh -c
		measure 0 1 sh -c 'printf "%s\n" "$1" >>"$2" && git add -- "$2" && git commit -q -m "$3"' \
			sh "$pid${line#"$id"}" "$add_shard" "Add report $pid (armed-presence, Niono, severity 2)"
		cd "$repo"
		t_git+=("$ms")
		[ "$rss" -le "$peer_rss" ] || peer_rss=$rss
	done
	spread "${t_ew[@]}"
	ew_ms=$ms ew_lo=$lo ew_hi=$hi
	spread "${t_git[@]}"
	peer_ms=$ms peer_lo=$lo peer_hi=$hi
	clean_tree "the single adds"
	expect "ew add: commits" "$(git rev-list --count "$head0..HEAD")" "$runs"
	case $(git log -1 --format=%s) in "Add report "*"(armed-presence, Niono, severity 2)") ;;
		*) die "ew add: unexpected commit subject: $(git log -1 --format=%s)" ;; esac
	expect "ew add: records" "$("$ew" list --include-confidential --count)" $((total + runs))
	expect "ew add: lines of $add_shard" "$(wc -l <"$add_shard")" $((lines0 + runs))
	[ -z "$(git -C "$clone" status --porcelain)" ] || die "the git clone is not clean"
	expect "git: commits" "$(git -C "$clone" rev-list --count "$head0..HEAD")" "$runs"
	expect "git: lines of $add_shard" "$(wc -l <"$clone/$add_shard")" $((lines0 + runs))
	versus "\`ew add\` of one record into $add_shard ($((lines0 - 1)) records) vs append + \`git add && git commit\` in a clone" \
		"$n" 2 "≤ 2"
	by_add[$n]=$ew_ms
	rm -rf "$clone"
	git reset -q --hard "$head0"
	clean_tree "the reset"
	printf 'date %s\nadd %s\nscan %s %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$ew_ms" \
		"$scan_ms" "$scan_rss" >"$dir/result-$n"
	cd "$top"
done

# 10k against the larger sizes: from this run, else from the last run
# that measured it
base_note=
if [ -z "${by_add[10000]:-}" ] && [ -f "$dir/result-10000" ]; then
	by_add[10000]=$(awk '$1 == "add" {print $2}' "$dir/result-10000")
	read -r _ s r < <(grep '^scan ' "$dir/result-10000")
	by_scan_ms[10000]=$s by_scan_rss[10000]=$r
	base_note=", N=10000 from the run of $(awk '$1 == "date" {print $2}' "$dir/result-10000")"
fi
for n in $sizes; do
	[ "$n" -gt 10000 ] || continue
	if [ -z "${by_add[10000]:-}" ]; then
		row "\`ew add\` of one record at N=$n vs at N=10000" "$n" "${by_add[$n]}" "—" "—" \
			"≤ 1.5" "— (no N=10000 run yet)" "—" "—"
		continue
	fi
	r=$(judge "${by_add[$n]}" "${by_add[10000]}" 1.5)
	row "\`ew add\` of one record at N=$n vs at N=10000$base_note" "$n" "${by_add[$n]}" \
		"${by_add[10000]}" "${r% *}" "≤ 1.5" "${r#* }" "—" "—"
	r=$(judge "${by_scan_rss[$n]}" "${by_scan_rss[10000]}" 1.25)
	row "full scan peak RSS at N=$n vs at N=10000$base_note (the ratio of the RSS)" "$n" \
		"${by_scan_ms[$n]}" "${by_scan_ms[10000]}" "${r% *}" "≤ 1.25 (flat)" "${r#* }" \
		"${by_scan_rss[$n]}" "${by_scan_rss[10000]}"
done

# from_md FILE CASE COLUMN: a cell of the row of FILE's table whose first
# cell starts with CASE (columns from 1)
from_md() {
	awk -F' *[|] *' -v c="$2" -v k="$3" 'index($2, c) == 1 {print $(k + 1); exit}' "$1"
}

# stamp_of FILE: the time of the run that wrote FILE (its first line)
stamp_of() { head -n 1 "$1" | grep -o -m 1 '[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]*Z' | head -n 1; }

# ew log and ew sync, measured by audit.sh and sync.sh
f=$out/audit.md
if [ -f "$f" ] && [ -n "$(from_md "$f" "ew log (every commit)" 3)" ] &&
	[ -n "$(from_md "$f" "git log --format=%H" 3)" ]; then
	e=$(from_md "$f" "ew log (every commit)" 3)
	g=$(from_md "$f" "git log --format=%H" 3)
	rows+=("| \`ew log\` (10,000 commits) vs \`git log --format=%H -- reports/\`: from bench/out/audit.md of $(stamp_of "$f") | 100000 | $e ($(from_md "$f" "ew log (every commit)" 4)) | $g ($(from_md "$f" "git log --format=%H" 4)) | $(awk -v a="$e" -v b="$g" 'BEGIN {printf "%.2f", a / b}') | see audit.sh | — | $(from_md "$f" "ew log (every commit)" 5) | $(from_md "$f" "git log --format=%H" 5) |")
else
	rows+=("| \`ew log\` (10,000 commits) | — | see audit.sh | | | | | | |")
fi
f=$out/sync.md
if [ -f "$f" ] && [ -n "$(from_md "$f" "ew sync in A" 3)" ] &&
	[ -n "$(from_md "$f" "peer: git fetch" 3)" ]; then
	e=$(from_md "$f" "ew sync in A" 3)
	g=$(from_md "$f" "peer: git fetch" 3)
	rows+=("| \`ew sync\` (diverged by 10,000 each way) vs \`git fetch && git merge\`: from bench/out/sync.md of $(stamp_of "$f"), one run each | $(from_md "$f" "ew sync in A" 2) | $e | $g | $(awk -v a="$e" -v b="$g" 'BEGIN {printf "%.2f", a / b}') | see sync.sh | — | $(from_md "$f" "ew sync in A" 4) | $(from_md "$f" "peer: git fetch" 4) |")
else
	rows+=("| \`ew sync\` (diverged by 10,000) | — | see sync.sh | | | | | | |")
fi

# the newest of the programs: when bin/ was built
built=$(TZ=UTC find "$top/bin" -name 'ew*' -printf '%TY-%Tm-%TdT%TH:%TMZ\n' | sort | tail -n 1)
{
	printf '%s\n\n' "ew against its peers: $(date -u +%Y-%m-%dT%H:%MZ), seed $seed, $per_month records a month (more when N needs it), $runs runs (one warm-up; median and min–max); peak RSS: the highest of the runs; programs: bin/ as of $built; jq $(jq --version | sed 's/^jq-//'), $(mlr --version), $(git --version | sed 's/ version//'); load average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%s\n' "| case | N | ew median ms | peer median ms | ratio ew/peer | target | met? | ew peak RSS KiB | peer peak RSS KiB |"
	printf '%s\n' "|---|---:|---:|---:|---:|---|---|---:|---:|"
	printf '%s\n' "${rows[@]}"
} >"$out/peers.md"
cat "$out/peers.md"
say "targets met: $nmet, missed: $nmissed"
