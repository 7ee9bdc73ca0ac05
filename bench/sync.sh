#!/usr/bin/env bash
# bench/sync.sh - measure ew sync between two offices that diverged.
#
# Run by `make bench` after bench/alert.sh, from the top of the source
# tree. For each size N: office A imports N generated records (spread over
# 2016-01 .. 2026-10) and makes a hub with `ew sync --init-remote`; office
# B clones it with `ew clone`. Offline, each office then adds NEW records
# of its own (November 2026, the month the offices are working in). Then:
#   - B syncs: it sends its NEW records;
#   - A syncs: it receives B's records, merges (a merge commit), and sends
#     its own;
#   - B syncs again and receives A's.
# The peer is what a user could do by hand on a copy of A, run just before
# A's sync: `git fetch` + `git merge` of the same commits (git pull; the merge
# of the shards goes through the ew merge driver, as ew init registers it).
# Bytes are the size of the packs that moved (every repository keeps
# received packs as they are: transfer.unpackLimit = 1). Every run is
# checked: exit status, the records counted, byte-identical shards in both
# offices, clean work trees. Results go to stdout and bench/out/sync.md.
#
# Environment: SYNC_SIZES (default 1000000), SYNC_NEW (default 10000),
# SEED (default 1), CC (default cc).
set -euo pipefail

cd "$(dirname "$0")/.."
top=$PWD
out=$top/bench/out
sizes=${SYNC_SIZES:-1000000}
new=${SYNC_NEW:-10000}
seed=${SEED:-1}

. bench/lib.sh

build_gen
tmp=$out/tmp.$$
trap 'rm -f "$tmp".*' EXIT
load0=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()

row() { # case N ms rss bytes notes
	rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |")
	say "  $1: $3 ms, $4 KiB, $5 ($6)"
}

# size_pack DIR: the bytes of DIR's packs
size_pack() {
	git -C "$1" count-objects -v | awk '$1 == "size-pack:" {print $2 * 1024}'
}

# recent SEED: NEW generated records moved to November 2026 (days 1-28)
recent() {
	"$out/gen" -n "$new" -s "$1" -m "$new" -d "$EW_SHAREDIR" | awk -F, -v OFS=, '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "event_date") c = i; print; next }
		$c ~ /^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/ { $c = sprintf("2026-11-%02d", (NR % 28) + 1) }
		{ print }'
}

shards() { (cd "$1" && find reports -type f | sort | xargs sha256sum); }

for n in $sizes; do
	w=$out/sync-$n
	per=$(((n + 129) / 130))
	say "== N=$n, $new new records in each office"
	rm -rf "$w"
	mkdir -p "$w"
	"$out/gen" -n "$n" -s "$seed" -m "$per" -d "$EW_SHAREDIR" >"$w/base.csv"
	recent $((seed + 1)) >"$w/new-a.csv"
	recent $((seed + 2)) >"$w/new-b.csv"
	grep -q '^2026-11-[0-9][0-9],' "$w/new-a.csv" || die "the new records are not in 2026-11"

	"$ew" init -q "$w/a"
	"$ew" -C "$w/a" add <"$w/base.csv" >/dev/null
	tmp=$w/t
	measure 0 1 "$ew" -C "$w/a" sync -q --init-remote "$w/hub.git" hub
	git -C "$w/hub.git" config receive.unpackLimit 1
	row "ew sync --init-remote (first push)" "$n" "$ms" "$rss" "$(size_pack "$w/hub.git")" "$n records"
	measure 0 1 "$ew" clone -q "$w/hub.git" "$w/b"
	row "ew clone" "$n" "$ms" "$rss" "—" "$n records"
	for o in a b; do
		git -C "$w/$o" config fetch.unpackLimit 1
		"$ew" -C "$w/$o" add <"$w/new-$o.csv" >/dev/null
	done
	cp -a "$w/a" "$w/peer"

	h0=$(size_pack "$w/hub.git")
	measure 0 1 "$ew" -C "$w/b" sync -q
	h1=$(size_pack "$w/hub.git")
	row "ew sync in B (sends $new)" "$n" "$ms" "$rss" "$((h1 - h0)) B sent, $(((h1 - h0) / new)) B/record" "fetch, nothing to merge, push"

	p0=$(size_pack "$w/peer")
	br=$(git -C "$w/peer" symbolic-ref --short HEAD)
	measure 0 1 bash -c "git -C '$w/peer' fetch -q hub && git -C '$w/peer' merge -q --no-edit hub/$br"
	p1=$(size_pack "$w/peer")
	row "peer: git fetch + git merge in a copy of A" "$n" "$ms" "$rss" "$((p1 - p0)) B received" "the same commits; the ew merge driver merges the shard"

	a0=$(size_pack "$w/a")
	measure 0 1 "$ew" -C "$w/a" sync -q
	a1=$(size_pack "$w/a")
	h2=$(size_pack "$w/hub.git")
	row "ew sync in A (receives $new, sends $new)" "$n" "$ms" "$rss" "$((a1 - a0)) B received ($(((a1 - a0) / new)) B/record), $((h2 - h1)) B sent ($(((h2 - h1) / new)) B/record)" "fetch, merge commit, push"

	measure 0 1 "$ew" -C "$w/b" sync -q
	row "ew sync in B again (receives $new)" "$n" "$ms" "$rss" "—" "fast-forward"

	total=$((n + 2 * new))
	for o in a b; do
		[ "$("$ew" -C "$w/$o" list --include-confidential --count)" = "$total" ] || die "office $o does not have $total records"
		[ -z "$(git -C "$w/$o" status --porcelain)" ] || die "office $o: work tree not clean"
	done
	[ "$(shards "$w/a")" = "$(shards "$w/b")" ] || die "the offices' shards differ"
	[ "$("$ew" -C "$w/peer" list --include-confidential --count)" = "$total" ] || die "the peer merge lost records"
	! grep -rq '^<<<<<<<' "$w/peer/reports" || die "the peer merge left conflict markers"
	rm -f "$w/base.csv"
done

{
	printf '%s\n\n' "ew sync benchmark: $(date -u +%Y-%m-%dT%H:%MZ), seed $seed, $new new records per office; one run each (a sync changes the state it measures); load average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%s\n' "| case | N | ms | peak RSS KiB | bytes moved | notes |"
	printf '%s\n' "|---|---:|---:|---:|---|---|"
	printf '%s\n' "${rows[@]}"
} >"$out/sync.md"
cat "$out/sync.md"
