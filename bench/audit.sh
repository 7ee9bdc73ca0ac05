#!/usr/bin/env bash
# bench/audit.sh - measure ew log and ew list --at on a long history.
#
# Run by `make bench` after bench/sync.sh, from the top of the source tree.
# Builds (once; later runs reuse it) a data repository of 100 000 records
# and 10 000 commits in bench/out/audit/repo, as an office would have made
# it: `ew init`, one `ew add` of 90 502 generated records, then 9 998
# commits of one change each, 20 a day from 2025-07-02 to 2026-11-13:
# every 20th an `ew update ID FIELD=VALUE` of an existing record, the
# others an `ew add` of one record dated the day of the commit or up to 3
# days before. One tracked record, added by the 42nd of these commits, is
# changed by 20 of the updates, once moved to the month before by its
# event_date.
#
# Made by ew one commit at a time this would take about 18 minutes (ew add
# of one record: ~50 ms; ew update: ~1 s, it reads every shard to find the
# id), so the 9 998 commits are written with `git fast-import`, fed by a
# script (build.py below) that writes the bytes ew writes. Checked: `ew
# verify --quick` finds 0 problems, and 28 of the commits made again by ew
# itself (ew add with the same id, or the same ew update, at the same
# EW_NOW, on a copy at the commit's parent) get the very same commit ids.
# Then `git repack -a -d -f`, as `git gc` would pack ew's loose objects.
#
# Times (RUNS runs, median, after one warm-up run):
#   - ew log ID for the tracked record, for a record of the import never
#     changed since, and for the record of the last commit;
#   - ew log (every commit);
#   - ew list --at HEAD~100, --at a day in the middle of the history and
#     --at HEAD, and ew list from the work tree, all CSV to /dev/null;
#   - git log --format=%H -- reports/, for comparison;
#   - ew add of one record and ew update of one field, in a scratch copy.
# Every output is checked: ew log ID against the changes the script made,
# ew list --at REV against the shards of REV (git cat-file), ew list --at
# HEAD byte for byte against ew list. Results go to stdout and
# bench/out/audit.md.
#
# Environment: RUNS (default 5), SEED (default 1), CC (default cc),
# AUDIT_REBUILD=1 (build the repository again), BIN (where the programs
# are: default bin/; `make BIN=DIR bench` passes its own).
set -euo pipefail

cd "$(dirname "$0")/.."
top=$PWD
out=$top/bench/out
dir=$out/audit
repo=$dir/repo
runs=${RUNS:-5}
seed=${SEED:-1}

. bench/lib.sh
case ${BIN:-} in
'') ;;
/*) ew=$BIN/ew ;;
*) ew=$top/$BIN/ew ;;
esac
[ -x "$ew" ] || die "no $ew"
command -v python3 >/dev/null || die "python3 is needed to build the history"

# The shape of the history (changing it builds the repository again).
total=100000     # records at the end
bulk_n=90502     # records of the import
ncommits=9998    # commits after the import: every 20th an update, else an add
per_day=20
t_init=2025-07-01T07:00:00Z
t_bulk=2025-07-01T08:00:00Z
start=2025-07-02 # the day of the first single change
mid=2026-03-09   # ew list --at DATE: day 250 of 500
branch=refs/heads/master

tmp=$out/tmp.$$
trap 'rm -f "$tmp".*; rm -rf "$dir/scratch"' EXIT
CAPTURE=1 QUIET=1
load0=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()

row() { # case runs note  (and ms lo hi rss from measure)
	local range="$lo–$hi"
	[ "$2" -gt 1 ] || range=
	rows+=("| $1 | $2 | $ms | $range | $rss | $3 |")
	say "  $1: $ms ms ($range), $rss KiB ($3)"
}

# git and ew without the user's or the system's git configuration
iso() { HOME=$dir/home XDG_CONFIG_HOME=$dir/home GIT_CONFIG_NOSYSTEM=1 "$@"; }

# sha K: the commit made by single change K (from 0)
sha() { awk -v m=":$(($1 + 1))" '$1 == m {print $2}' "$dir/marks"; }

# mf KEY: a value of the manifest
mf() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$dir/manifest.json" "$1"
}

# shards_at REV: REV's records as ew list prints them: the header once,
# then the rows of each shard in path order
shards_at() {
	local first=1 p
	git -C "$repo" ls-tree -r --name-only "$1" -- reports | sort | while read -r p; do
		if [ $first = 1 ]; then
			git -C "$repo" cat-file blob "$1:$p"
			first=0
		else
			git -C "$repo" cat-file blob "$1:$p" | tail -n +2
		fi
	done
}

# csvrows FILE: the rows of a CSV file, header aside
csvrows() {
	python3 -c 'import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))) - 1)' "$1"
}

write_build_py() {
	cat >"$dir/build.py" <<'PY'
# build.py - the history after the bulk import, as a git fast-import stream.
#
# usage: build.py REPO LATER BULK REF MANIFEST COMMITS PER_DAY SEED START
#
# REPO is the data repository right after `ew add < bulk.csv` (commit BULK
# on branch REF); LATER a scratch repository into which `ew add` imported
# the records to add one by one, so that they carry every value ew fills
# in. Writes COMMITS commits to stdout, PER_DAY a day from START: every
# 20th (k % 20 == 10) is an `ew update ID FIELD=VALUE`, the others an
# `ew add` of one record. The bytes are those ew writes: each shard is
# the header and its records sorted by (event_date, id), a field quoted
# only when it holds a comma, a quote or a line break, LF line ends; the
# messages and trailers are those of ew add and ew update; author and
# committer "Bench <bench@example.org>" at the commit's time. MANIFEST
# (JSON) gets what each commit did, with the ew command that makes it.
import bisect, csv, datetime, glob, io, json, os, sys

repo, later_repo, bulk, ref, manifest_path = sys.argv[1:6]
ncommits, per_day, seed = (int(a) for a in sys.argv[6:9])
start = datetime.date.fromisoformat(sys.argv[9])
out = sys.stdout.buffer
ALPHA = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
AUTHOR = b"Bench <bench@example.org>"


class Rand:  # xorshift64*: the same history whatever Python's random does
    def __init__(self, s):
        self.s = (s * 0x9E3779B97F4A7C15 + 1) & (2**64 - 1)

    def next(self):
        x = self.s
        x ^= x >> 12
        x ^= (x << 25) & (2**64 - 1)
        x ^= x >> 27
        self.s = x
        return (x * 0x2545F4914F6CDD1D) & (2**64 - 1)

    def below(self, n):
        return self.next() % n


rnd = Rand(seed)


def put(v):  # ew_csv_put
    if any(c in v for c in ',"\n\r'):
        return '"' + v.replace('"', '""') + '"'
    return v


def line(rec):  # ew_record_csv
    return ",".join(put(v) for v in rec) + "\n"


def read_shards(root):
    for path in sorted(glob.glob(os.path.join(root, "reports/*/*.csv"))):
        with open(path, newline="", encoding="utf-8") as f:
            text = f.read()
        yield os.path.relpath(path, root), text, list(csv.reader(io.StringIO(text, newline="")))


def shard_path(date):
    return "reports/%s/%s.csv" % (date[:4], date[5:7])


keys = {}    # shard path -> sorted [(event_date, id)]
lines = {}   # (event_date, id) -> the record's line
recs = {}    # id -> the record (a list of fields)
where = {}   # id -> shard path
header = None


def place(rec):
    p = shard_path(rec[DATE])
    k = (rec[DATE], rec[ID])
    bisect.insort(keys.setdefault(p, []), k)
    lines[k] = line(rec)
    recs[rec[ID]] = rec
    where[rec[ID]] = p
    return p


def take(rid):
    rec, p = recs.pop(rid), where.pop(rid)
    k = (rec[DATE], rec[ID])
    del keys[p][bisect.bisect_left(keys[p], k)]
    del lines[k]
    return rec, p


def blob(p):
    return (header_line + "".join(lines[k] for k in keys[p])).encode()


for path, text, rows in read_shards(repo):
    header = rows[0]
    col = {n: i for i, n in enumerate(header)}
    ID, DATE, UPD = col["id"], col["event_date"], col["updated_at"]
    header_line = line(header)
    for r in rows[1:]:
        place(r)
    # the serializer gives back the very bytes ew wrote
    if blob(path) != text.encode():
        sys.exit("build.py: %s: not the bytes ew wrote" % path)
bulk_ids = sorted(recs)
# the records to add, with what ew filled in, in the order they were given
later = sorted((r for _, _, rows in read_shards(later_repo) for r in rows[1:]),
               key=lambda r: r[ID])


def ulid(ms):  # ew_ulid_next: 48 bits of time, 80 random bits, the first clear
    t = ""
    for _ in range(10):
        t = ALPHA[ms & 31] + t
        ms >>= 5
    bits = ((rnd.next() << 16) | (rnd.next() >> 48)) & ((1 << 79) - 1)
    return t + "".join(ALPHA[(bits >> (75 - 5 * i)) & 31] for i in range(16))


def data(b):
    out.write(b"data %d\n" % len(b))
    out.write(b)
    out.write(b"\n")


upd_ks = [k for k in range(ncommits) if k % 20 == 10]
if len(later) < ncommits - len(upd_ks):
    sys.exit("build.py: %d records to add, %d adds" % (len(later), ncommits - len(upd_ks)))
# The tracked record: added by commit 41, then changed by 20 updates spread
# over the history: once moved to the month before, once its description,
# else the fields a report's follow-up revises.
tracked_add = 41
tracked_upd = [upd_ks[5 + 25 * i] for i in range(20)]
steps = ["status", "severity", "injured", "event_date", "killed", "status",
         "description", "severity", "injured", "status", "killed", "severity",
         "injured", "status", "killed", "severity", "injured", "killed", "status",
         "severity"]
untouched = keys["reports/2020/06.csv"][0][1]   # from the import, never changed
tracked = None
pool = list(bulk_ids)      # the records a random update may change
expect = []                # the tracked record's ew log: [commit k, field, old, new]
commits = []
nadd = 0
skip = {"id", "date_precision", "reported_at", "updated_at", "region", "latitude",
        "longitude", "geo_precision"}

for k in range(ncommits):
    day = start + datetime.timedelta(days=k // per_day)
    t = datetime.datetime(day.year, day.month, day.day, 8, 0,
                          tzinfo=datetime.timezone.utc) + datetime.timedelta(minutes=17 * (k % per_day))
    ts = t.strftime("%Y-%m-%dT%H:%M:%SZ")
    epoch = int(t.timestamp())
    if k % 20 != 10:                                  # ew add of one record
        rec = list(later[nadd])
        nadd += 1
        rid = ulid(epoch * 1000)
        rec[ID] = rid
        rec[DATE] = (day - datetime.timedelta(days=k % 4)).isoformat()
        rec[col["reported_at"]] = rec[UPD] = ts
        changed = [place(rec)]
        sev = rec[col["severity"]]
        msg = "Add report %s (%s, %s%s)\n\nEw-Action: add\nEw-Record: %s\n" % (
            rid, rec[col["category"]], rec[col["cercle"]],
            ", severity " + sev if sev else "", rid)
        argv = ["add", "id=" + rid] + ["%s=%s" % (h, rec[col[h]]) for h in header
                                       if h not in skip and rec[col[h]]]
        if k == tracked_add:
            tracked = rid
            expect.append([k, "", "", ""])
        else:
            pool.append(rid)
        entry = {"k": k, "action": "add", "id": rid}
    else:                                             # ew update ID FIELD=VALUE
        if k in tracked_upd:
            rid, field = tracked, steps[tracked_upd.index(k)]
        else:
            rid = untouched
            while rid == untouched:
                rid = pool[rnd.below(len(pool))]
            field = ("status", "severity", "killed", "injured")[rnd.below(4)]
        rec, was = take(rid)
        old = rec[col[field]]
        if field == "status":
            new = [s for s in ("new", "verified", "closed") if s != old][rnd.below(2)]
        elif field == "severity":
            new = str(int(old or "3") % 5 + 1)
        elif field in ("killed", "injured"):
            new = str(int(old) + 1 + rnd.below(3))
        elif field == "event_date":       # the day before the month began, less 4
            new = (datetime.date.fromisoformat(old).replace(day=1) -
                   datetime.timedelta(days=5)).isoformat()
        else:
            new = old + " Mise à jour : « bilan revu », selon le comité local."
        rec = list(rec)
        rec[col[field]] = new
        rec[UPD] = ts
        now = place(rec)
        changed = sorted({was, now})
        if rid == tracked:
            expect.append([k, field, old, new])
        msg = "Update report %s (%s)\n\nEw-Action: update\nEw-Record: %s\n" % (rid, field, rid)
        argv = ["update", rid, "%s=%s" % (field, new)]
        entry = {"k": k, "action": "update", "id": rid, "moved": was != now}
    entry.update(time=ts, argv=argv, shards=changed)
    commits.append(entry)
    out.write(b"commit %s\nmark :%d\n" % (ref.encode(), k + 1))
    out.write(b"author %s %d +0000\ncommitter %s %d +0000\n" % (AUTHOR, epoch, AUTHOR, epoch))
    data(msg.encode())
    if k == 0:
        out.write(b"from %s\n" % bulk.encode())
    for p in changed:
        out.write(b"M 100644 inline %s\n" % p.encode())
        data(blob(p))


def shard_versions(rid, since):
    """The commits after commit `since` that changed the shard the record
    was in: the shard versions that ew log reads on its walk."""
    n, loc = 0, where[rid]
    for c in reversed(commits):
        if c["k"] <= since:
            break
        if c["id"] == rid and c.get("moved"):
            n += 1
            loc = [s for s in c["shards"] if s != loc][0]
        elif loc in c["shards"]:
            n += 1
    return n


recent = [c for c in commits if c["action"] == "add"][-1]
json.dump({
    "tracked": tracked, "tracked_add": tracked_add, "tracked_shard": where[tracked],
    "untouched": untouched, "untouched_shard": where[untouched],
    "recent": recent["id"], "recent_k": recent["k"],
    "expect": expect,
    "tracked_versions": shard_versions(tracked, tracked_add),
    "untouched_versions": shard_versions(untouched, -1),
    "records": len(recs), "shards": len(keys), "adds": nadd, "updates": ncommits - nadd,
    "commits": commits,
}, open(manifest_path, "w"), ensure_ascii=False)
PY
}

stamp_text() {
	printf 'audit repository 1: seed %s, %s records, %s imported, %s commits, %s a day from %s\n' \
		"$seed" "$total" "$bulk_n" "$ncommits" "$per_day" "$start"
	sha256sum "$dir/build.py" bench/gen.c | cut -d' ' -f1
}

# replay K: makes single change K again with ew, on a copy of the
# repository at its parent, and checks that ew made the same commit;
# prints the milliseconds ew took
replay() {
	local k=$1 want got t0 t1 argv
	want=$(sha "$k")
	git -C "$dir/scratch" checkout -q --detach --force "$want^"
	mapfile -d '' argv < <(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["commits"][int(sys.argv[2])]
sys.stdout.write("\0".join([c["time"]] + c["argv"]) + "\0")' "$dir/manifest.json" "$k")
	t0=$EPOCHREALTIME
	EW_NOW=${argv[0]} "$ew" -C "$dir/scratch" "${argv[@]:1}" >/dev/null ||
		die "replay of commit $k: 'ew ${argv[*]:1}' failed"
	t1=$EPOCHREALTIME
	got=$(git -C "$dir/scratch" rev-parse HEAD)
	[ "$got" = "$want" ] ||
		die "replay of commit $k (ew ${argv[1]}): ew made $got, the history has $want"
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", (b - a) * 1000}'
}

build_repo() {
	local bulk later=$dir/later v ks k t adds=() upds=() radd
	say "== building $repo (once; AUDIT_REBUILD=1 builds it again)"
	rm -rf "$dir"
	mkdir -p "$dir/home"
	write_build_py
	build_gen
	"$out/gen" -n "$total" -s "$seed" -m 800 -d "$EW_SHAREDIR" >"$dir/gen.csv"
	# the first bulk_n records are imported, the others added one by one
	python3 - "$dir" "$bulk_n" <<'EOF'
import csv, sys
d, n = sys.argv[1], int(sys.argv[2])
with open(d + "/gen.csv", newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
for name, part in (("bulk", rows[1:n + 1]), ("later", rows[n + 1:])):
    with open("%s/%s.csv" % (d, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(rows[0])
        w.writerows(part)
EOF
	EW_NOW=$t_init iso "$ew" init -q "$repo"
	git -C "$repo" config user.name Bench
	git -C "$repo" config user.email bench@example.org
	[ "$(git -C "$repo" symbolic-ref HEAD)" = $branch ] || die "ew init did not make $branch"
	EW_NOW=$t_bulk "$ew" -C "$repo" add <"$dir/bulk.csv" >/dev/null
	bulk=$(git -C "$repo" rev-parse HEAD)
	# the records to add, through ew, so that they carry what ew fills in
	EW_NOW=$t_init iso "$ew" init -q "$later"
	"$ew" -C "$later" add <"$dir/later.csv" >/dev/null
	say "  writing $ncommits commits with git fast-import"
	python3 "$dir/build.py" "$repo" "$later" "$bulk" $branch "$dir/manifest.json" \
		$ncommits $per_day "$seed" $start |
		iso git -C "$repo" fast-import --quiet --export-marks="$dir/marks"
	iso git -C "$repo" reset -q --hard
	say "  git repack -a -d -f"
	iso git -C "$repo" repack -a -d -f -q
	iso git -C "$repo" prune --expire=now
	rm -rf "$later" "$dir/bulk.csv" "$dir/later.csv" "$dir/gen.csv"

	[ "$(git -C "$repo" rev-list --count HEAD)" = $((ncommits + 2)) ] ||
		die "the repository does not have $((ncommits + 2)) commits"
	[ "$("$ew" -C "$repo" list --include-confidential --count)" = $total ] || die "the repository does not have $total records"
	[ -z "$(git -C "$repo" status --porcelain)" ] || die "the work tree is not clean"
	v=$("$ew" -C "$repo" verify --quick) || die "ew verify --quick: $v"
	case $v in "0 problems "*) ;; *) die "ew verify --quick: $v" ;; esac
	say "  ew verify --quick: $v"

	# ew makes the same commits: the first ones, the tracked record's,
	# updates of other records, the last ones
	say "  making commits again with ew"
	cp -a "$repo" "$dir/scratch"
	ks=$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
ks = [0, 1, 10, 4990, 7010, m["recent_k"] - 1, m["recent_k"]]
ks += [c["k"] for c in m["commits"] if c["id"] == m["tracked"]]
print(" ".join(str(k) for k in sorted(set(ks))))' "$dir/manifest.json")
	for k in $ks; do
		t=$(replay "$k")
		if [ $((k % 20)) = 10 ]; then upds+=("$t"); else adds+=("$t"); fi
	done
	rm -rf "$dir/scratch"
	spread "${adds[@]}"
	radd="${#adds[@]} ew add with the id given: median $ms ms ($lo–$hi)"
	spread "${upds[@]}"
	say "  the same commit ids; $radd; ${#upds[@]} ew update: median $ms ms ($lo–$hi)"
	printf 'built %s: %s commits made again by ew got the same ids (%s; %s ew update: median %s ms, %s–%s); ew verify --quick: %s; %s\n' \
		"$(date -u +%Y-%m-%dT%H:%MZ)" "$(wc -w <<<"$ks")" "$radd" "${#upds[@]}" \
		"$ms" "$lo" "$hi" "$v" \
		"$(git -C "$repo" count-objects -vH | awk '$1 == "size-pack:" {print "one pack of " $2 " " $3}')" \
		>"$dir/built.txt"
	stamp_text >"$dir/stamp"
}

# check_log FILE WHICH: the ew log ID output in FILE is what the history
# holds for the record WHICH (tracked, untouched or recent)
check_log() {
	python3 - "$1" "$2" "$dir/manifest.json" "$dir/marks" "$(git -C "$repo" rev-parse "HEAD~$ncommits")" <<'EOF' ||
import csv, json, sys
path, which, manifest, marks, bulk = sys.argv[1:]
m = json.load(open(manifest))
sha = dict(l.split() for l in open(marks))
rid = m[which]
if which == "tracked":
    want = [(sha[":%d" % (k + 1)], "add" if i == 0 else "update", f, o, n)
            for i, (k, f, o, n) in enumerate(m["expect"])]
elif which == "untouched":
    want = [(bulk, "add", "", "", "")]
else:
    want = [(sha[":%d" % (m["recent_k"] + 1)], "add", "", "", "")]
rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
got = [(r["commit"], r["action"], r["field"], r["old"], r["new"]) for r in rows]
if got != want or any(r["id"] != rid for r in rows):
    sys.exit("ew log %s: %d rows, expected %d; first difference: %s" % (rid, len(got), len(want),
             next(((g, w) for g, w in zip(got, want) if g != w), None)))
EOF
		die "ew log of the $2 record is not what the history holds"
}

mkdir -p "$dir/home"
write_build_py
if [ -n "${AUDIT_REBUILD:-}" ] || [ ! -f "$dir/stamp" ] ||
	[ "$(stamp_text)" != "$(cat "$dir/stamp")" ]; then
	build_repo
else
	say "== reusing $repo ($(sed 's/: .*//' "$dir/built.txt"))"
fi

T=$(mf tracked)
U=$(mf untouched)
R=$(mf recent)
walk_t=$((ncommits - 1 - $(mf tracked_add)))
cd "$repo"
[ -z "$(git status --porcelain)" ] || die "$repo: the work tree is not clean"
[ "$(git rev-list --count HEAD)" = $((ncommits + 2)) ] || die "$repo: not $((ncommits + 2)) commits"

say "== ew log"
measure 0 "$runs" "$ew" log "$T" --format csv
check_log "$tmp.out" tracked
row "ew log ID (the tracked record)" "$runs" "$(csvrows "$tmp.out") rows: its add and 20 changes, one a move to $(mf tracked_shard); walks back the $walk_t commits made since its add; its shard changed in $(mf tracked_versions) of them"
measure 0 "$runs" "$ew" log "$U" --format csv
check_log "$tmp.out" untouched
row "ew log ID (a record of the import, never changed)" "$runs" "$(csvrows "$tmp.out") row: the import; walks all $ncommits commits since; its shard ($(mf untouched_shard)) changed in $(mf untouched_versions)"
measure 0 "$runs" "$ew" log "$R" --format csv
check_log "$tmp.out" recent
row "ew log ID (the record of the last commit)" "$runs" "$(csvrows "$tmp.out") row: the last commit; walks 1 commit"
measure 0 "$runs" "$ew" log --format csv
n=$(csvrows "$tmp.out")
[ "$n" = $((ncommits + 2)) ] || die "ew log: $n rows, expected $((ncommits + 2))"
acts=$(python3 -c 'import csv, sys, collections
c = collections.Counter(r["action"] for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
print(" ".join("%s %d" % kv for kv in sorted(c.items())))' "$tmp.out")
[ "$acts" = "add $(($(mf adds) + 1)) init 1 update $(mf updates)" ] || die "ew log: actions $acts"
row "ew log (every commit)" "$runs" "$n rows ($acts)"

say "== ew list --at"
measure 0 "$runs" "$ew" list --include-confidential --format csv
cp "$tmp.out" "$tmp.list"
[ "$(csvrows "$tmp.list")" = $total ] || die "ew list: not $total records"
shards_at HEAD >"$tmp.want"
cmp -s "$tmp.list" "$tmp.want" || die "ew list differs from HEAD's shards"
row "ew list (work tree, HEAD's records)" "$runs" "$total records"
measure 0 "$runs" "$ew" list --include-confidential --at HEAD --format csv
cmp -s "$tmp.out" "$tmp.list" || die "ew list --at HEAD differs from ew list"
row "ew list --at HEAD" "$runs" "$total records, byte-identical to ew list"
measure 0 "$runs" "$ew" list --include-confidential --at HEAD~100 --format csv
shards_at HEAD~100 >"$tmp.want"
cmp -s "$tmp.out" "$tmp.want" || die "ew list --at HEAD~100 differs from the shards of HEAD~100"
row "ew list --at HEAD~100" "$runs" "$(csvrows "$tmp.out") records, the same as HEAD~100's shards"
k=$(python3 -c 'import json, sys
print(max(c["k"] for c in json.load(open(sys.argv[1]))["commits"] if c["time"][:10] <= sys.argv[2]))' \
	"$dir/manifest.json" $mid)
measure 0 "$runs" "$ew" list --include-confidential --at $mid --format csv
shards_at "$(sha "$k")" >"$tmp.want"
cmp -s "$tmp.out" "$tmp.want" || die "ew list --at $mid differs from the shards of its last commit"
row "ew list --at $mid" "$runs" "$(csvrows "$tmp.out") records, the same as the shards of the day's last commit, HEAD~$((ncommits - 1 - k))"
measure 0 "$runs" git log --format=%H -- reports/
n=$(wc -l <"$tmp.out")
[ "$n" = $((ncommits + 1)) ] || die "git log -- reports/: $n commits, expected $((ncommits + 1))"
row "git log --format=%H -- reports/" "$runs" "$n commits"

say "== one commit (in a copy)"
cp -a "$repo" "$dir/scratch"
cd "$dir/scratch"
times=() max_rss=0
for ((i = 1; i <= runs; i++)); do
	measure 0 1 "$ew" add event_date=2026-11-13 cercle=Niono commune=Diabaly \
		category=armed-presence severity=2 channel=sms reporter=MON-NIO-01 \
		sensitivity=restricted "description=Passage d'une colonne de motos armées, « sans incident », passage n°$i"
	times+=("$ms")
	if [ "$rss" -gt "$max_rss" ]; then max_rss=$rss; fi
done
spread "${times[@]}"
rss=$max_rss
case $(git log -1 --format=%s) in "Add report "*"(armed-presence, Niono, severity 2)") ;;
	*) die "ew add: unexpected commit" ;; esac
row "ew add one record" "$runs" "one commit each; reports/2026/11.csv: $(($("$ew" list --include-confidential --since 2026-11-01 --count) - runs)) records before"
times=() max_rss=0
st=$("$ew" list --include-confidential --fields status "$U" | tail -n 1)
for ((i = 1; i <= runs; i++)); do
	if [ "$st" = verified ]; then st=closed; else st=verified; fi
	measure 0 1 "$ew" update "$U" status=$st
	times+=("$ms")
	if [ "$rss" -gt "$max_rss" ]; then max_rss=$rss; fi
done
spread "${times[@]}"
rss=$max_rss
[ "$(git log -1 --format=%s)" = "Update report $U (status)" ] || die "ew update: unexpected commit"
[ "$("$ew" log "$U" --format csv | tail -n 1 | cut -d, -f7-9)" = "status,$([ "$st" = closed ] && echo verified || echo closed),$st" ] ||
	die "ew log after ew update: unexpected last row"
row "ew update ID status=… (one field)" "$runs" "one commit each"
cd "$top"
rm -rf "$dir/scratch"

{
	printf '%s\n\n' "ew log and --at: $(date -u +%Y-%m-%dT%H:%MZ), $total records, $((ncommits + 2)) commits, seed $seed, $runs runs; wall time: the median and the range of the runs; peak RSS: the highest of the runs; load average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%s\n' "| case | runs | median ms | min–max ms | peak RSS KiB | notes |"
	printf '%s\n' "|---|---:|---:|---:|---:|---|"
	printf '%s\n' "${rows[@]}"
	printf '\nThe repository: %s\n' "$(cat "$dir/built.txt")"
} >"$out/audit.md"
cat "$out/audit.md"
