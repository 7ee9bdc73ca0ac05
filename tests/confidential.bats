#!/usr/bin/env bats
# confidential: records with sensitivity=confidential.  ew list leaves them
# out unless --include-confidential is given (and a --where program never
# sees them); ew log and ew list --conflicts show which of their fields
# changed, not to what; alerts carry their id, category and place only;
# messages that quote values do not quote theirs.  The last test plants
# canary strings in every free-text field of confidential records, runs
# every tool over two offices and a hub (webhook and mail notifiers
# included), and looks for the canaries in every output, every notification,
# every git object, ref and reflog, and every file name: they must be in
# the shard files' blobs and nowhere else.

load helpers
load servers

P1=01JQ0000000000000000000001
C1=01JQ0000000000000000000002
C2=01JQ0000000000000000000003
C3=01JQ0000000000000000000004
P2=01JQ0000000000000000000005

setup() {
	ew_common_setup
	SERVER_PIDS=()
}

teardown() {
	stop_servers
}

# two_records: a repository with P1 (public) and C1 (confidential), both
# attacks in Niono, C1 first in shard order; entered.
two_records() {
	new_repo
	printf '%s\n' id,event_date,cercle,commune,category,severity,location,actor1,sensitivity,description \
		"$C1,2026-11-22,Niono,Diabaly,attack,4,hidden place,hidden actor,confidential,hidden words" \
		"$P1,2026-11-23,Niono,Sokolo,attack,2,market,armed men,public,public words" |
		ew add >/dev/null || fail "two_records: ew add failed"
}

# ---------------------------------------------------------------------------
# ew list

@test "list: confidential records are left out of every format, count and group; --include-confidential shows them" {
	two_records
	local f
	for f in csv tsv json table; do
		run_split -0 ew list --format "$f"
		assert_output --partial "$P1"
		refute_output --partial "$C1"
		refute_output --partial hidden
		run_split -0 ew list --format "$f" --include-confidential
		assert_output --partial "$P1"
		assert_output --partial "$C1"
		assert_output --partial 'hidden words'
	done
	run_split -0 ew list --count
	assert_output 1
	run_split -0 ew list --count --include-confidential
	assert_output 2
	run_split -0 ew list --group-by sensitivity --format csv
	assert_output "$(printf '%s\n' sensitivity,count public,1)"
	run_split -0 ew list --group-by location --format csv --include-confidential
	assert_output "$(printf '%s\n' location,count 'hidden place,1' market,1)"
	# asked for by id, it is still left out (exit 1: nothing matched)
	run_split -1 ew list --format csv "$C1"
	assert_output id,event_date,date_precision,reported_at,updated_at,reporter,channel,region,cercle,commune,location,latitude,longitude,geo_precision,category,severity,killed,injured,abducted,displaced,actor1,actor2,source,status,duplicate_of,sensitivity,description,tags
	run_split -1 ew list --count "$C1"
	assert_output 0
	run_split -0 ew list --fields id,description --format csv --include-confidential "$C1"
	assert_output "$(printf '%s\n' id,description "$C1,hidden words")"
	# ids on stdin, and records on stdin
	run_split -1 ew list --count - <<<"$C1"
	run_split -0 ew list --count --include-confidential - <<<"$C1"
	assert_output 1
	run_split -0 ew list --fields id --format csv - <reports/2026/11.csv
	assert_output "$(printf '%s\n' id "$P1")"
	run_split -0 ew list --fields id --format csv --include-confidential - <reports/2026/11.csv
	assert_output "$(printf '%s\n' id "$C1" "$P1")"
}

@test "list: a --where program never sees a confidential record, so it cannot count or quote one" {
	two_records
	run_split -1 ew list --count --where '.sensitivity == "confidential"'
	assert_output 0
	run_split -1 ew list --count --where '.description | test("hidden")'
	assert_output 0
	# an error quotes the record jq saw: the public one (C1 comes first)
	run_split -2 ew list --where 'error(.description)'
	assert_stderr 'ew-list: jq error: public words'
	run_split -2 ew list --include-confidential --where 'error(.description)'
	assert_stderr 'ew-list: jq error: hidden words'
	run_split -0 ew list --count --include-confidential --where '.sensitivity == "confidential"'
	assert_output 1
}

@test "list: --sensitivity confidential needs --include-confidential; other levels do not" {
	two_records
	run_split -2 ew list --sensitivity confidential
	assert_stdout_empty
	assert_stderr_regex "^ew-list: --sensitivity confidential selects records that are left out unless asked for; add --include-confidential"$'\n''usage: ew-list '
	run_split -2 ew list --sensitivity confidential - <reports/2026/11.csv
	assert_stdout_empty
	run_split -0 ew list --sensitivity confidential --include-confidential --fields id --format csv
	assert_output "$(printf '%s\n' id "$C1")"
	run_split -0 ew list --sensitivity public --fields id --format csv
	assert_output "$(printf '%s\n' id "$P1")"
	run_split -0 ew -C "$BATS_TEST_TMPDIR/repo" list --help
	assert_output --partial '[--include-confidential]'
}

@test "list: --at leaves out a record that is confidential now, even where it was public then" {
	two_records
	ew update "$P1" description='now secret' >/dev/null
	ew update "$P1" sensitivity=confidential >/dev/null
	# HEAD~1: P1 was public, with its new description
	run_split -0 ew list --at HEAD~1 --fields id,description --format csv --include-confidential
	assert_output "$(printf '%s\n' id,description "$C1,hidden words" "$P1,now secret")"
	run_split -1 ew list --at HEAD~1 --fields id,description --format csv
	assert_output id,description
	run_split -1 ew list --at HEAD~1 --count
	assert_output 0
	# a record confidential then and public now: left out of then
	ew update "$C1" sensitivity=public >/dev/null
	run_split -0 ew list --fields id --format csv
	assert_output "$(printf '%s\n' id "$C1")"
	run_split -1 ew list --at HEAD~1 --count
	assert_output 0
	run_split -0 ew list --at HEAD~1 --count --include-confidential
	assert_output 2
}

# ---------------------------------------------------------------------------
# ew log

@test "log: a confidential record's history names the fields that changed, with values shown as (confidential)" {
	two_records
	ew update "$C1" description='other hidden words' commune=Sokolo severity=5 >/dev/null
	run_split -0 ew log --format tsv "$C1"
	assert_equal "$(cut -f1,6- <<<"$output")" "$(printf '%s\t%s\t%s\t%s\t%s\n' \
		id action field old new \
		"$C1" add '' '' '' \
		"$C1" update commune Diabaly Sokolo \
		"$C1" update severity '(confidential)' '(confidential)' \
		"$C1" update description '(confidential)' '(confidential)')"
	refute_output --partial hidden
	run_split -0 ew log --format tsv --include-confidential "$C1"
	assert_equal "$(cut -f7- <<<"${lines[3]}")" "$(printf '%s\t%s\t%s' severity 4 5)"
	assert_equal "$(cut -f7- <<<"${lines[4]}")" "$(printf '%s\t%s\t%s' description 'hidden words' 'other hidden words')"
	for f in json table; do
		run_split -0 ew log --format "$f" "$C1"
		refute_output --partial hidden
		assert_output --partial '(confidential)'
	done
	# the subject of a commit that adds one: its id, category and place only
	add_one sensitivity=confidential severity=3 description='hidden too'
	assert_equal "$(git log -1 --format=%s)" "Add report $ADDED_ID (attack, Niono)"
	add_one sensitivity=restricted severity=3
	assert_equal "$(git log -1 --format=%s)" "Add report $ADDED_ID (attack, Niono, severity 3)"
	run_split -0 ew log --format csv
	refute_output --partial hidden
}

@test "log: a record made confidential hides its whole history; one made public shows what changed after" {
	two_records
	ew update "$P1" description='draft text' >/dev/null
	ew update "$P1" sensitivity=confidential >/dev/null
	run_split -0 ew log --format tsv "$P1"
	assert_equal "$(cut -f7- <<<"$output")" "$(printf '%s\t%s\t%s\n' \
		field old new '' '' '' \
		description '(confidential)' '(confidential)' \
		sensitivity '(confidential)' '(confidential)')"
	# declassified: the change that made it public is still hidden (its
	# old values were confidential), the changes after it are not
	ew update "$C1" sensitivity=public description='cleaned words' >/dev/null
	ew update "$C1" description='public words again' >/dev/null
	run_split -0 ew log --format tsv "$C1"
	assert_equal "$(cut -f7- <<<"$output")" "$(printf '%s\t%s\t%s\n' \
		field old new '' '' '' \
		sensitivity '(confidential)' '(confidential)' \
		description '(confidential)' '(confidential)' \
		description 'cleaned words' 'public words again')"
	refute_output --partial hidden
}

# ---------------------------------------------------------------------------
# ew list --conflicts

@test "conflicts: a confidential record's conflicts name the field, not its values; --include-confidential shows them" {
	two_records
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	cd "$BATS_TEST_TMPDIR"
	ew clone -q "$BATS_TEST_TMPDIR/hub.git" b
	EW_NOW=2026-11-28T12:10:00Z ew -C b update "$C1" description='b hidden' commune=Sokolo >/dev/null
	EW_NOW=2026-11-28T12:10:00Z ew -C b update "$P1" description='b public' >/dev/null
	EW_NOW=2026-11-28T12:20:00Z ew -C repo update "$C1" description='a hidden' commune=Dogofry >/dev/null
	EW_NOW=2026-11-28T12:20:00Z ew -C repo update "$P1" description='a public' >/dev/null
	ew -C b sync -q
	cd repo
	run_split -0 ew sync
	refute_output --partial hidden
	run_split -0 ew list --conflicts --format tsv
	local merge
	merge=$(git rev-parse --short=12 HEAD)
	assert_equal "$(cut -f2- <<<"$output")" "$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		merge id field kept lost kept_updated_at lost_updated_at \
		"$merge" "$P1" description 'a public' 'b public' 2026-11-28T12:20:00Z 2026-11-28T12:10:00Z \
		"$merge" "$C1" commune Dogofry Sokolo '(confidential)' '(confidential)' \
		"$merge" "$C1" description '(confidential)' '(confidential)' '(confidential)' '(confidential)')"
	run_split -0 ew list --conflicts --format tsv --include-confidential "$C1"
	assert_output --partial "$(printf 'description\t%s\t%s\t%s\t%s' 'a hidden' 'b hidden' 2026-11-28T12:20:00Z 2026-11-28T12:10:00Z)"
	for f in csv json table; do
		run_split -0 ew list --conflicts --format "$f"
		refute_output --partial hidden
	done
	run_split -0 ew log --format csv "$C1"
	refute_output --partial hidden
}

# ---------------------------------------------------------------------------
# alerts

@test "alert: a confidential record groups by its category and place only; a notification carries its id" {
	two_records
	rules <<-'EOF'
		[rule "who-where"]
			level = orange
			where = .category == \"attack\"
			window = 7d
			group-by = cercle, commune, location, actor1
			notify = dump
		[rule "killed"]
			level = red
			where = .severity >= 2
			window = 7d
			group-by = category, cercle, description
			sum = severity
			notify = dump
	EOF
	local got=$BATS_TEST_TMPDIR/got
	git config notifier.dump.command "cat >>'$got.json'; env | grep ^EW_ALERT_ >>'$got.env'"
	run_split -0 ew alert --format csv
	assert_stderr_empty
	refute_output --partial hidden
	assert_output --partial "who-where,Niono/Diabaly/(confidential)/(confidential),orange,raised,2026-11-28T12:00:00Z,1,$C1,"
	assert_output --partial "who-where,Niono/Sokolo/market/armed men,orange,raised,2026-11-28T12:00:00Z,1,$P1,"
	assert_output --partial "killed,attack/Niono/(confidential),red,raised,2026-11-28T12:00:00Z,4,$C1,"
	run -0 bash -c "jq -r 'select(.records == [\"$C1\"]) | .group' '$got.json' | LC_ALL=C sort"
	assert_output "$(printf '%s\n' 'Niono/Diabaly/(confidential)/(confidential)' 'attack/Niono/(confidential)')"
	run -1 grep -c hidden "$got.json" "$got.env" alerts.csv
	assert_output "$(printf '%s\n' "$got.json:0" "$got.env:0" alerts.csv:0)"
	run_split -0 ew alert list --format csv
	refute_output --partial hidden
	# a jq error on a confidential record does not quote it
	printf '%s\n' '[rule "broken"]' 'level = red' 'where = .description + 1' 'window = 7d' >"$BATS_TEST_TMPDIR/broken.conf"
	run_split -2 ew alert --dry-run --rules "$BATS_TEST_TMPDIR/broken.conf"
	assert_stderr "ew-alert: $BATS_TEST_TMPDIR/broken.conf: rule 'broken': jq error on a confidential record; the message is not shown (record $C1); its alerts are unchanged"
}

# ---------------------------------------------------------------------------
# messages

@test "messages: a problem with a value of a confidential record does not quote the value" {
	new_repo
	save_snapshot
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack \
		sensitivity=confidential latitude=north longitude=-5 severity=high channel=pigeon
	assert_rejected "$(printf '%s\n' \
		"ew-add: arguments: invalid channel '(confidential)' (expected one of: sms, phone, in-person, radio, web, email, form, other)" \
		"ew-add: arguments: invalid latitude '(confidential)' (expected decimal degrees from -90 to 90)" \
		"ew-add: arguments: invalid severity '(confidential)' (expected an integer from 1 to 5)")"
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack \
		sensitivity=public latitude=north longitude=-5
	assert_stderr "ew-add: arguments: invalid latitude 'north' (expected decimal degrees from -90 to 90)"
	printf '%s\n' event_date,cercle,category,sensitivity,killed \
		2026-11-20,Niono,attack,confidential,many >"$IN"
	run_split -2 ew list - <"$IN"
	assert_stderr "ew-list: stdin:2: invalid killed '(confidential)' (expected a whole number, 0 or more)"
	add_one sensitivity=confidential
	run_split -2 ew update "$ADDED_ID" injured=several
	assert_stderr "ew-update: $ADDED_ID: invalid injured '(confidential)' (expected a whole number, 0 or more)"
}

# ---------------------------------------------------------------------------
# canaries

# The canaries: each free-text value of a confidential record holds one.
# What the tools may print of such a record is its id, category and place,
# none of which holds a canary.
CANARY_RE=CANARY-

# cap [-N] NAME CMD...: runs CMD with its standard output and error in
# $OUT/NAME.out and $OUT/NAME.err; with -N, the test fails unless CMD
# exits N (and it fails on a crash whatever N).
cap() {
	local want= rc=0
	if [[ $1 =~ ^-([0-9]+)$ ]]; then
		want=${BASH_REMATCH[1]}
		shift
	fi
	local name=$1
	shift
	[[ ! -e $OUT/$name.out ]] || fail "cap: $name is used twice"
	"$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
	((rc < 128)) || fail "$(printf '%s crashed (exit %s):\n%s' "$*" "$rc" "$(<"$OUT/$name.err")")"
	if [[ -n $want ]] && ((rc != want)); then
		fail "$(printf '%s\nexited %s, expected %s\n-- stdout --\n%s\n-- stderr --\n%s' \
			"${*@Q}" "$rc" "$want" "$(<"$OUT/$name.out")" "$(<"$OUT/$name.err")")"
	fi
}

# show NAME CMD...: CMD's standard output in $SHOWN/NAME (what
# --include-confidential shows: the canaries are expected there).
show() {
	local name=$1
	shift
	"$@" >"$SHOWN/$name" 2>&1 || fail "show: $* failed: $(<"$SHOWN/$name")"
}

# objects_hold_canaries_only_in_shards GIT_DIR: every object of the
# repository (reachable or not, loose or packed) is read; one that holds a
# canary must be a blob, reachable, and only ever at reports/YYYY/MM.csv.
# Prints the canaries found in such blobs, one a line, sorted.
objects_hold_canaries_only_in_shards() {
	"$PYTHON" - "$1" "$CANARY_RE" <<-'PY'
		import re, subprocess, sys
		gd, canary = sys.argv[1], sys.argv[2].encode()
		shard = re.compile(r"^reports/[0-9]{4}/[0-9]{2}\.csv$")
		def git(*a):
		    return subprocess.run(["git", "--git-dir", gd, *a], check=True,
		                          stdout=subprocess.PIPE).stdout
		paths = {}
		for line in git("rev-list", "--objects", "--all", "--reflog").decode("utf-8", "surrogateescape").splitlines():
		    oid, _, path = line.partition(" ")
		    if path:
		        paths.setdefault(oid, set()).add(path)
		data = git("cat-file", "--batch-all-objects", "--batch")
		found, leaks, i, n = set(), [], 0, 0
		while i < len(data):
		    nl = data.index(b"\n", i)
		    oid, kind, size = data[i:nl].decode().split()
		    body = data[nl + 1:nl + 1 + int(size)]
		    i = nl + 1 + int(size) + 1
		    n += 1
		    if canary not in body:
		        continue
		    where = sorted(paths.get(oid, []))
		    if kind != "blob":
		        leaks.append("%s %s holds a canary" % (kind, oid))
		    elif not where:
		        leaks.append("blob %s holds a canary and no ref, reflog or index reaches it" % oid)
		    elif any(not shard.match(p) for p in where):
		        leaks.append("blob %s holds a canary at %s" % (oid, ", ".join(where)))
		    else:
		        found.update(m.decode() for m in re.findall(rb"CANARY-[A-Za-z0-9-]+", body))
		if n == 0:
		    leaks.append("no objects read")
		if leaks:
		    sys.stderr.write("\n".join(leaks) + "\n")
		    sys.exit(1)
		print("\n".join(sorted(found)))
	PY
}

# assert_no_canary_outside_shards DIR: DIR (a work tree with .git, or a
# bare repository) holds the canaries only in shard blobs, only in shard
# files of its work tree, in no file name, and in no other file of its git
# directory (refs, packed-refs, reflogs, config, index, ew's own files).
# Sets $IN_SHARDS to the canaries its shard blobs hold.
assert_no_canary_outside_shards() {
	local dir=$1 gd hits
	if [[ -d $dir/.git ]]; then gd=$dir/.git; else gd=$dir; fi
	IN_SHARDS=$(objects_hold_canaries_only_in_shards "$gd") ||
		fail "$dir: canaries outside the shard blobs"
	hits=$(cd "$gd" && grep -rlaF --exclude-dir=objects -- "$CANARY_RE" . || true)
	[[ -z $hits ]] || fail "$(printf '%s: canaries in git files:\n%s' "$gd" "$hits")"
	hits=$(find "$dir" -name "*$CANARY_RE*" || true)
	[[ -z $hits ]] || fail "$(printf '%s: canaries in file names:\n%s' "$dir" "$hits")"
	if [[ $gd == "$dir/.git" ]]; then
		hits=$(cd "$dir" && grep -rlaF --exclude-dir=.git -- "$CANARY_RE" . |
			grep -Ev '^\./reports/[0-9]{4}/[0-9]{2}\.csv$' || true)
		[[ -z $hits ]] || fail "$(printf '%s: canaries in work tree files other than shards:\n%s' "$dir" "$hits")"
	fi
	[[ -n $IN_SHARDS ]] || fail "$dir: no canary in any shard blob (the test planted none?)"
}

@test "canaries: confidential text is in the shard blobs and in no output, notification, commit, tree, ref, reflog or file name" {
	OUT=$BATS_TEST_TMPDIR/out SHOWN=$BATS_TEST_TMPDIR/shown
	mkdir "$OUT" "$SHOWN"
	local T=$BATS_TEST_TMPDIR a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b hub=$BATS_TEST_TMPDIR/hub.git
	start_httpd
	start_smtpd

	# office a: an extra free-text column, rules that match the
	# confidential records and group them by every free-text column, and
	# three notifiers: a dump of stdin and environment, a webhook, a mail
	new_repo "$a"
	git config -f ew.conf record.extra-columns witness
	git commit -q -m 'An extra column' ew.conf
	rules <<-'EOF'
		[rule "watch"]
			description = Abductions and threats, by place and by who
			level = orange
			where = .category == \"abduction\" or .category == \"threat\"
			window = 30d
			group-by = cercle, commune, location, actor1, actor2, reporter, source, tags, description, witness
			notify = dump, hook, mail
		[rule "killed"]
			level = red
			where = .killed > 0
			window = 30d
			group-by = cercle, location
			sum = killed
			notify = dump, hook
	EOF
	git config notifier.dump.command "cat >>'$OUT/notify-dump.json'; env | grep '^EW_' >>'$OUT/notify-dump.env'"
	git config notifier.hook.command "\"\$EW_SHAREDIR/notifiers/webhook\" $URL"
	git config notifier.mail.command "\"\$EW_SHAREDIR/notifiers/mail\" desk@example.org"

	# records: CSV (a public one, to be made confidential, and C1), NDJSON
	# (C2), arguments (C3), and P2, public throughout
	printf '%s\n' 'id,event_date,cercle,commune,category,severity,killed,reporter,location,actor1,actor2,source,sensitivity,description,tags,witness' \
		"$P1,2026-11-18,Macina,,threat,2,0,MON-1,market,men,,radio,public,public text,market," \
		"$C1,2026-11-20,Niono,Diabaly,abduction,4,2,CANARY-REPORTER-3c8f,CANARY-LOC-1b9c,CANARY-ACTOR-5d2e,CANARY-ACTOR2-9a41,CANARY-SOURCE-6e07,confidential,\"CANARY-DESC-7f3a, with a comma
and a second line\",CANARY-TAG-2f5b;night,CANARY-EXTRA-8d16" >"$T/batch.csv"
	cap -0 add-csv ew add <"$T/batch.csv"
	printf '%s\n' '{"id":"'"$C2"'","event_date":"2026-11-22","cercle":"Macina","category":"threat","severity":3,"killed":1,"reporter":"CANARY-REPORTER-n1e4","location":"CANARY-LOC-n2a7","actor1":"CANARY-ACTOR-n3b0","actor2":"CANARY-ACTOR2-n4c1","source":"CANARY-SOURCE-n5d2","sensitivity":"confidential","description":"CANARY-DESC-n6e3 \"quoted\"","tags":"CANARY-TAG-n7f4","witness":"CANARY-EXTRA-n8a5"}' >"$T/batch.ndjson"
	cap -0 add-ndjson ew add <"$T/batch.ndjson"
	cap -0 add-args ew add id=$C3 event_date=2026-11-24 cercle=San category=abduction severity=5 \
		sensitivity=confidential reporter=CANARY-REPORTER-a1f0 location=CANARY-LOC-a2e1 \
		actor1=CANARY-ACTOR-a3d2 actor2=CANARY-ACTOR2-a4c3 source=CANARY-SOURCE-a5b4 \
		description=CANARY-DESC-a6a5 tags=CANARY-TAG-a7f6 witness=CANARY-EXTRA-a8e7
	cap -0 add-public ew add id=$P2 event_date=2026-11-25 cercle=Bla category=threat sensitivity=public description='public again'
	# refused input that quotes a value: not a confidential one
	cap -2 add-bad ew add event_date=2026-11-24 cercle=San category=abduction sensitivity=confidential \
		latitude=CANARY-LAT-0c3d longitude=-4 severity=CANARY-SEV-4b1a description=CANARY-DESC-b0b1
	printf '%s\n' event_date,cercle,category,sensitivity,killed,description \
		2026-11-24,San,abduction,confidential,CANARY-KILLED-5e5e,CANARY-DESC-b2b3 >"$T/bad.csv"
	cap -2 list-bad ew list - <"$T/bad.csv"
	cap -2 add-bad-csv ew add <"$T/bad.csv"

	# updates: C1 corrected, P1 reclassified with new text, a refused one
	cap -0 update-c1 ew update $C1 description=CANARY-DESC-u1c8 location=CANARY-LOC-u2d9 tags=CANARY-TAG-u3ea
	cap -0 update-reclassify ew update $P1 sensitivity=confidential description=CANARY-DESC-r1fb \
		actor1=CANARY-ACTOR-r2ac source=CANARY-SOURCE-r3bd
	cap -2 update-bad ew update $C1 severity=CANARY-SEV-u4ce injured=CANARY-INJ-u5df

	# alerts: raised and notified; listed; the past; a broken rule
	cap -0 alert ew alert --format csv
	cap -1 alert-again ew alert
	for f in csv tsv json table; do
		cap -0 alert-list-$f ew alert list --format $f
	done
	cap -1 alert-dry ew alert --dry-run --json
	cap -1 alert-at ew alert --dry-run --at HEAD --json
	cap alert-nagios ew alert --nagios
	printf '%s\n' '[rule "broken"]' 'level = red' 'where = .description + 1' 'window = 30d' >"$T/broken.conf"
	cap -2 alert-broken ew alert --dry-run --rules "$T/broken.conf"
	local alert
	alert=$(awk -F, '$6 == "raised" { print $2; exit }' alerts.csv)
	cap -0 alert-ack ew alert ack "$alert" --note 'seen by the desk'

	# every reader, every form
	for f in csv tsv json table; do
		cap -0 list-$f ew list --format $f
		cap -0 log-$f ew log --format $f
		cap -0 log-records-$f ew log --format $f $C1 $C2 $C3 $P1
		cap -0 list-at-$f ew list --at HEAD~3 --format $f
	done
	cap -0 list-count ew list --count
	cap -0 list-group ew list --group-by description
	cap -0 list-group-tags ew list --group-by tags --format json
	cap -1 list-where ew list --where '.description | test("CANARY")'
	cap -2 list-where-error ew list --where 'error(.witness + .description)'
	cap -0 list-stdin ew list - <reports/2026/11.csv
	cap -1 list-ids ew list $C1 $C2 $C3 $P1
	cap -2 list-sensitivity ew list --sensitivity confidential
	cap -0 verify ew verify
	cap -0 verify-json ew verify --format json
	cap -0 log-anchor ew log --anchor

	# the hub and office b; the same record changed in both offices
	cap -0 sync-init ew sync --init-remote "$hub" hub
	cd "$T"
	cap -0 clone ew clone "$hub" b
	cd "$b"
	cap -0 b-update ew update $C1 description=CANARY-DESC-B-9b9b
	cap -0 b-sync ew sync
	cd "$a"
	# later than b's change: a's value is kept, b's is the one that lost
	EW_NOW=2026-11-28T12:30:00Z cap -0 a-update ew update $C1 description=CANARY-DESC-A-8a8a
	cap -0 a-sync ew sync --ids
	cd "$b"
	cap -0 b-sync-2 ew sync
	# and through git pull, with the merge driver
	cd "$a"
	cap -0 a-update-c2 ew update $C2 tags=CANARY-TAG-A-7c7c
	cap -0 a-sync-2 ew sync
	cd "$b"
	cap -0 b-update-c2 ew update $C2 tags=CANARY-TAG-B-6d6d
	cap -0 b-pull git pull --no-rebase --no-edit
	cap -0 b-sync-3 ew sync
	cd "$a"
	cap -0 a-sync-3 ew sync
	for d in a b; do
		cd "$T/$d"
		for f in csv tsv json table; do
			cap -0 $d-conflicts-$f ew list --conflicts --format $f
			cap -0 $d-log-records-$f ew log --format $f $C1 $C2
		done
		cap -0 $d-list ew list
		cap -0 $d-log ew log
		cap -0 $d-verify ew verify
		cap $d-alert ew alert
	done

	# positive controls: asked for, the canaries are shown
	cd "$a"
	show list ew list --include-confidential
	show log ew log --include-confidential $C1 $C2 $C3 $P1
	show conflicts ew list --conflicts --include-confidential
	local c
	for c in CANARY-REPORTER-3c8f CANARY-LOC-u2d9 CANARY-ACTOR-5d2e CANARY-ACTOR2-9a41 \
		CANARY-SOURCE-6e07 CANARY-TAG-u3ea CANARY-EXTRA-8d16 CANARY-DESC-A-8a8a \
		CANARY-REPORTER-n1e4 CANARY-DESC-n6e3 CANARY-EXTRA-n8a5 CANARY-REPORTER-a1f0 \
		CANARY-DESC-a6a5 CANARY-DESC-r1fb; do
		grep -qF -- "$c" "$SHOWN/list" || fail "ew list --include-confidential does not show $c"
	done
	for c in CANARY-DESC-7f3a CANARY-DESC-u1c8 CANARY-DESC-B-9b9b CANARY-DESC-A-8a8a; do
		grep -qF -- "$c" "$SHOWN/log" || fail "ew log --include-confidential does not show $c"
	done
	grep -qF CANARY-DESC-B-9b9b "$SHOWN/conflicts" ||
		fail "$(printf 'ew list --conflicts --include-confidential does not show the lost value:\n%s' "$(<"$SHOWN/conflicts")")"
	# the outputs say what they may: ids, categories, places, field names
	grep -qF "$C1" "$OUT/log-records-csv.out" || fail "ew log does not list $C1"
	grep -qF "description,(confidential),(confidential)" "$OUT/log-records-csv.out" ||
		fail "ew log does not name the fields that changed"
	grep -qF "invalid latitude '(confidential)'" "$OUT/add-bad.err" || fail "add-bad: $(<"$OUT/add-bad.err")"
	grep -qF "rule 'broken': jq error on a confidential record" "$OUT/alert-broken.err" ||
		fail "alert-broken: $(<"$OUT/alert-broken.err")"
	grep -qF "$C1,description,(confidential),(confidential)" "$OUT/a-conflicts-csv.out" ||
		fail "$(printf 'a-conflicts-csv:\n%s' "$(<"$OUT/a-conflicts-csv.out")")"
	# the notifications went out, and carry the confidential records' ids
	grep -qF "\"$C1\"" "$OUT/notify-dump.json" || fail "no notification names $C1"
	grep -qF 'Niono/Diabaly/(confidential)' "$OUT/notify-dump.json" || fail "no notification for $C1's group"
	[[ -s $HTTP_LOG ]] || fail "the webhook received nothing"
	grep -qF "$C1" "$HTTP_LOG" || fail "no webhook notification names $C1"
	compgen -G "$MAIL_DIR/msg-*.eml" >/dev/null || fail "no mail was sent"
	grep -qF "$C3" "$MAIL_DIR"/msg-*.eml || fail "no mail names $C3"

	# the canaries: nowhere in what was printed or sent
	local hits
	hits=$(grep -rlaF -- "$CANARY_RE" "$OUT" "$HTTP_LOG" "$MAIL_DIR" "$T"/*.out "$T"/*.port || true)
	[[ -z $hits ]] || fail "$(printf 'canaries in outputs or notifications:\n%s\n%s' "$hits" \
		"$(grep -raF -- "$CANARY_RE" $hits | head -n 20)")"
	# nowhere in the repositories but the shards; there, every one planted
	local -a want=(CANARY-REPORTER-3c8f CANARY-LOC-1b9c CANARY-LOC-u2d9 CANARY-ACTOR-5d2e
		CANARY-ACTOR2-9a41 CANARY-SOURCE-6e07 CANARY-DESC-7f3a CANARY-DESC-u1c8
		CANARY-DESC-A-8a8a CANARY-DESC-B-9b9b CANARY-TAG-2f5b CANARY-TAG-u3ea CANARY-EXTRA-8d16
		CANARY-REPORTER-n1e4 CANARY-LOC-n2a7 CANARY-ACTOR-n3b0 CANARY-ACTOR2-n4c1
		CANARY-SOURCE-n5d2 CANARY-DESC-n6e3 CANARY-TAG-n7f4 CANARY-TAG-A-7c7c
		CANARY-TAG-B-6d6d CANARY-EXTRA-n8a5 CANARY-REPORTER-a1f0 CANARY-LOC-a2e1
		CANARY-ACTOR-a3d2 CANARY-ACTOR2-a4c3 CANARY-SOURCE-a5b4 CANARY-DESC-a6a5
		CANARY-TAG-a7f6 CANARY-EXTRA-a8e7 CANARY-DESC-r1fb CANARY-ACTOR-r2ac
		CANARY-SOURCE-r3bd)
	local d
	for d in "$a" "$b" "$hub"; do
		assert_no_canary_outside_shards "$d"
		for c in "${want[@]}"; do
			grep -qxF -- "$c" <<<"$IN_SHARDS" || fail "$d: $c is in no shard blob"
		done
		# what was refused was never written
		for c in CANARY-LAT-0c3d CANARY-SEV-4b1a CANARY-DESC-b0b1 CANARY-KILLED-5e5e \
			CANARY-DESC-b2b3 CANARY-SEV-u4ce CANARY-INJ-u5df; do
			! grep -qxF -- "$c" <<<"$IN_SHARDS" || fail "$d: $c, refused, is in a shard blob"
		done
	done
	assert_clean_repo "$a"
	assert_clean_repo "$b"
}
