#!/usr/bin/env bats
# ew-merge: the record-level three-way merge of shard files and alert logs,
# standalone and as git's merge driver (git pull between two offices).
#
# BASE, OURS and THEIRS are real shards: the fixture repository's November
# shard at the base commit, and the same shard after 'ew update' / 'ew add'
# on a branch made from it (EW_NOW set for each step, so updated_at says
# which change is later).  The merges run outside the repository (the
# schema is then the built-in columns and OURS's header) unless a test
# says otherwise.

load helpers

R1=01JQ1111111111111111111111
R2=01JQ2222222222222222222222
R3=01JQ3333333333333333333333

# base records are added at T0; the sides change them at T1 and T2
T0=2026-11-28T09:00:00Z
T1=2026-11-28T10:00:00Z
T2=2026-11-28T11:00:00Z

ALERT_HEADER=id,alert,rule,group,level,state,time,count,records,who,note,until,notify

setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	local f=$BATS_FILE_TMPDIR
	ew init -q "$f/empty" || return 1
	cp -a "$f/empty" "$f/fixture" || return 1
	cat >"$f/fixture.csv" <<-EOF
		id,event_date,cercle,commune,category,severity,description
		$R1,2026-11-20,Niono,Diabaly,attack,3,market attacked
		$R2,2026-11-21,San,,clash,2,
		$R3,2026-11-10,Macina,,threat,,threat letter
	EOF
	EW_NOW=$T0 ew add -C "$f/fixture" <"$f/fixture.csv" >/dev/null || return 1
	git -C "$f/fixture" branch base || return 1
}

# Each test gets its own copy of the fixture in $REPO; the test runs in
# $BATS_TEST_TMPDIR, outside any repository, with base.csv there.
setup() {
	ew_common_setup
	REPO=$BATS_TEST_TMPDIR/repo
	cp -a "$BATS_FILE_TMPDIR/fixture" "$REPO"
	git -C "$REPO" show base:reports/2026/11.csv >base.csv
}

# side NAME: check out a branch NAME made from the base commit in $REPO.
side() {
	git -C "$REPO" checkout -q -B "$1" base || fail "side: cannot check out $1"
}

# at TIME ew ARGS...: run 'ew ARGS' in $REPO with EW_NOW=TIME, quietly.
at() {
	local t=$1
	shift
	EW_NOW=$t "$@" -C "$REPO" >/dev/null || fail "at $t: '$*' failed"
}

# save NAME: the November shard of HEAD in $REPO, as NAME.csv here.
save() {
	git -C "$REPO" show HEAD:reports/2026/11.csv >"$BATS_TEST_TMPDIR/$1.csv" ||
		fail "save: no November shard at HEAD"
}

# add_rows TIME CSV-LINES...: ew add, in $REPO at TIME, of the rows after
# the header id,event_date,cercle,category,severity,description,reported_at,updated_at
add_rows() {
	local t=$1
	shift
	printf '%s\n' id,event_date,cercle,category,severity,killed,description,reported_at,updated_at "$@" |
		EW_NOW=$t ew add -C "$REPO" >/dev/null || fail "add_rows: ew add failed"
}

# assert_same_file GOT WANT: the two files are byte for byte equal.
assert_same_file() {
	cmp -s "$1" "$2" ||
		fail "$(printf '%s differs from %s:\n%s' "$1" "$2" "$(diff "$2" "$1")")"
}

# merge_sym [OPTS...]: 'ew merge -p OPTS base.csv ours.csv theirs.csv'
# and the same with ours and theirs swapped: both exit 0 and print the
# same bytes.  $output, $stderr are those of the first run, whose stdout
# is also in merged.csv; $SWAPPED_STDERR is the second run's stderr.
merge_sym() {
	run_split -0 ew merge -p "$@" base.csv theirs.csv ours.csv
	cp "$BATS_TEST_TMPDIR/.run.out" swapped.csv
	SWAPPED_STDERR=$stderr
	run_split -0 ew merge -p "$@" base.csv ours.csv theirs.csv
	cp "$BATS_TEST_TMPDIR/.run.out" merged.csv
	cmp -s merged.csv swapped.csv ||
		fail "$(printf 'the merge is not symmetric (ours/theirs swapped):\n%s' "$(diff merged.csv swapped.csv)")"
}

# assert_as_added FILE: FILE is exactly the shard a fresh 'ew add' of its
# records writes (all its records are of November 2026).
assert_as_added() {
	local d=$BATS_TEST_TMPDIR/fresh
	rm -rf "$d"
	cp -a "$BATS_FILE_TMPDIR/empty" "$d"
	ew add -C "$d" <"$1" >/dev/null || fail "assert_as_added: ew add of $1 failed"
	assert_same_file "$1" "$d/reports/2026/11.csv"
}

# conflicts_reported STDERR FILE ID FIELD...: STDERR is one warning for each
# FIELD, in order, naming FILE, record ID and the field (the hint that
# follows is not checked).
conflicts_reported() {
	local err=$1 file=$2 id=$3 i=0 l
	shift 3
	local -a got=()
	[[ -z $err ]] || mapfile -t got <<<"$err"
	((${#got[@]} == $#)) ||
		fail "$(printf 'expected %d conflict warnings, got:\n%s' $# "$err")"
	for f; do
		l="ew-merge: $file: record $id: $f changed on both sides; kept the value of the later update ("
		[[ ${got[i]} == "$l"* ]] ||
			fail "$(printf 'warning %d is not about %s of %s in %s:\n%s' $((i + 1)) "$f" "$id" "$file" "${got[i]}")"
		i=$((i + 1))
	done
}

# ---------------------------------------------------------------------------
# Records, standalone

@test "merge: a field changed on one side only is taken, whichever side changed it" {
	side ours
	at $T1 ew update $R1 severity=4
	save ours
	cp base.csv theirs.csv
	merge_sym
	assert_stderr_empty
	assert_same_file merged.csv ours.csv
	run -0 grep -c "^$R1,.*,$T1,.*,attack,4," merged.csv
	# and an unchanged OURS against a changed THEIRS
	cp ours.csv theirs.csv
	cp base.csv ours.csv
	merge_sym
	assert_same_file merged.csv theirs.csv
	assert_stderr_empty
}

@test "merge: different fields changed on each side both land, with the later updated_at" {
	side ours
	at $T1 ew update $R1 severity=4
	at $T1 ew update $R3 status=verified
	save ours
	side theirs
	at $T2 ew update $R1 status=verified
	at $T2 ew update $R2 'description=seen from San'
	save theirs
	# what one office making all four changes in turn would have
	side expect
	at $T1 ew update $R1 severity=4
	at $T1 ew update $R3 status=verified
	at $T2 ew update $R1 status=verified
	at $T2 ew update $R2 'description=seen from San'
	save expected
	merge_sym
	assert_stderr_empty
	[[ -z $SWAPPED_STDERR ]] || fail "stderr of the swapped merge: $SWAPPED_STDERR"
	assert_same_file merged.csv expected.csv
	run -0 grep "^$R1," merged.csv
	assert_output "$R1,2026-11-20,1,$T0,$T2,,,Ségou,Niono,Diabaly,,14.25,-5.99,3,attack,4,0,0,0,0,,,,verified,,restricted,market attacked,"
	assert_as_added merged.csv
}

@test "merge: the same field changed on both sides: the later updated_at wins and stderr names the record and field" {
	side ours
	at $T2 ew update $R1 severity=4
	save ours
	side theirs
	at $T1 ew update $R1 severity=5 'description=burnt market'
	save theirs
	side expect
	at $T1 ew update $R1 severity=5 'description=burnt market'
	at $T2 ew update $R1 severity=4
	save expected
	merge_sym
	assert_same_file merged.csv expected.csv
	conflicts_reported "$stderr" ours.csv $R1 severity
	conflicts_reported "$SWAPPED_STDERR" theirs.csv $R1 severity
	run -0 grep "^$R1," merged.csv
	assert_output --partial ",$T2,"
	assert_output --partial ",attack,4,"
	assert_output --partial ",burnt market,"
	assert_as_added merged.csv
	# -q: the same result, nothing on stderr
	merge_sym -q
	assert_stderr_empty
	[[ -z $SWAPPED_STDERR ]] || fail "stderr of the swapped merge with -q: $SWAPPED_STDERR"
	assert_same_file merged.csv expected.csv
	run_split -0 ew merge --quiet -p base.csv ours.csv theirs.csv
	assert_stderr_empty
}

@test "merge: equal updated_at: the greater value in byte order wins, field by field" {
	side ours
	at $T1 ew update $R1 killed=9 description=alpha
	save ours
	side theirs
	at $T1 ew update $R1 killed=10 description=beta
	save theirs
	# "9" > "10" in byte order; "beta" > "alpha"
	side expect
	at $T1 ew update $R1 killed=9 description=beta
	save expected
	merge_sym
	assert_same_file merged.csv expected.csv
	conflicts_reported "$stderr" ours.csv $R1 killed description
	conflicts_reported "$SWAPPED_STDERR" theirs.csv $R1 killed description
	assert_as_added merged.csv
}

@test "merge: records added on both sides are all kept, sorted by (event_date, id)" {
	local A=01JQ0AAAAAAAAAAAAAAAAAAAAA B=01JQ9BBBBBBBBBBBBBBBBBBBBB
	local C=01JQ5CCCCCCCCCCCCCCCCCCCCC D=01JQ4DDDDDDDDDDDDDDDDDDDDD
	side ours
	add_rows $T1 "$B,2026-11-02,Bla,attack,3,1,early in Bla,," "$C,2026-11-20,San,threat,,0,same day as R1,,"
	save ours
	side theirs
	add_rows $T2 "$A,2026-11-27,Niono,clash,2,0,late,," "$D,2026-11-20,Niono,looting,,0,also that day,,"
	at $T2 ew update $R2 severity=3
	save theirs
	side expect
	add_rows $T1 "$B,2026-11-02,Bla,attack,3,1,early in Bla,," "$C,2026-11-20,San,threat,,0,same day as R1,,"
	add_rows $T2 "$A,2026-11-27,Niono,clash,2,0,late,," "$D,2026-11-20,Niono,looting,,0,also that day,,"
	at $T2 ew update $R2 severity=3
	save expected
	merge_sym
	assert_stderr_empty
	assert_same_file merged.csv expected.csv
	run -0 cut -d, -f1,2 merged.csv
	assert_output "$(printf '%s\n' id,event_date "$B,2026-11-02" "$R3,2026-11-10" "$R1,2026-11-20" \
		"$D,2026-11-20" "$C,2026-11-20" "$R2,2026-11-21" "$A,2026-11-27")"
	assert_as_added merged.csv
}

@test "merge: the same id added on both sides with different content merges field by field" {
	local N=01JQ7NNNNNNNNNNNNNNNNNNNNN
	# the same reported_at and updated_at: each field goes to the greater value
	side ours
	add_rows $T1 "$N,2026-11-22,Niono,attack,2,0,zebra,$T0,$T1"
	save ours
	side theirs
	add_rows $T2 "$N,2026-11-22,Niono,attack,3,0,apple,$T0,$T1"
	save theirs
	side expect
	add_rows $T1 "$N,2026-11-22,Niono,attack,3,0,zebra,$T0,$T1"
	save expected
	merge_sym
	assert_same_file merged.csv expected.csv
	conflicts_reported "$stderr" ours.csv $N severity description
	conflicts_reported "$SWAPPED_STDERR" theirs.csv $N severity description
	assert_equal "$(grep -c "^$N," merged.csv)" 1
	assert_as_added merged.csv

	# later updated_at on theirs: theirs' values of the differing fields
	side theirs
	add_rows $T2 "$N,2026-11-22,Niono,attack,1,4,apple,$T0,$T2"
	save theirs
	side expect
	add_rows $T2 "$N,2026-11-22,Niono,attack,1,4,apple,$T0,$T2"
	save expected
	merge_sym
	assert_same_file merged.csv expected.csv
	conflicts_reported "$stderr" ours.csv $N severity killed description
}

@test "merge: an empty BASE (a file both sides added) merges the records of both" {
	local A=01JQ0AAAAAAAAAAAAAAAAAAAAA B=01JQ9BBBBBBBBBBBBBBBBBBBBB
	side ours
	add_rows $T1 "$B,2026-11-02,Bla,attack,3,1,early in Bla,,"
	save ours
	side theirs
	add_rows $T2 "$A,2026-11-27,Niono,clash,2,0,late,,"
	save theirs
	side expect
	add_rows $T1 "$B,2026-11-02,Bla,attack,3,1,early in Bla,,"
	add_rows $T2 "$A,2026-11-27,Niono,clash,2,0,late,,"
	save expected
	: >base.csv
	merge_sym
	assert_stderr_empty
	assert_same_file merged.csv expected.csv
	# and nothing at all on one side
	: >theirs.csv
	merge_sym
	assert_same_file merged.csv ours.csv
}

@test "merge: the output has the header, LF line endings, no blank line at the end, and quotes as ew add does" {
	side ours
	at $T1 ew update $R1 $'description=two lines,\n"quoted"'
	save ours
	side theirs
	at $T2 ew update $R2 'actor1=Groupe, armé' 'tags=a;b'
	save theirs
	merge_sym
	assert_equal "$(head -1 merged.csv)" "$EW_COLUMNS"
	run -1 grep -c $'\r' merged.csv
	[[ $(tail -c 1 merged.csv | od -An -c | tr -d ' ') == '\n' ]] || fail "no newline at the end"
	[[ $(tail -c 2 merged.csv | od -An -c | tr -d ' ') != '\n\n' ]] || fail "a blank line at the end"
	run -0 grep -c "\"two lines,\$" merged.csv
	assert_as_added merged.csv
}

@test "merge: -p prints the result and leaves OURS as it was; without -p OURS is replaced" {
	side ours
	at $T1 ew update $R1 severity=4
	save ours
	side theirs
	at $T2 ew update $R2 severity=5
	save theirs
	side expect
	at $T1 ew update $R1 severity=4
	at $T2 ew update $R2 severity=5
	save expected
	cp ours.csv ours.orig
	cp theirs.csv theirs.orig
	cp base.csv base.orig
	run_split -0 ew merge -p base.csv ours.csv theirs.csv
	assert_same_file "$BATS_TEST_TMPDIR/.run.out" expected.csv
	assert_same_file ours.csv ours.orig
	run_split -0 ew merge --stdout base.csv ours.csv theirs.csv
	assert_same_file "$BATS_TEST_TMPDIR/.run.out" expected.csv
	assert_same_file ours.csv ours.orig
	run_split -0 ew merge base.csv ours.csv theirs.csv
	assert_stdout_empty
	assert_stderr_empty
	assert_same_file ours.csv expected.csv
	run -0 ls -A
	refute_output --partial ew-merge # no temporary file left behind
	# base and theirs are left alone
	assert_same_file theirs.csv theirs.orig
	assert_same_file base.csv base.orig
}

@test "merge: a malformed THEIRS is an error naming the version and line, and OURS is left as it was" {
	side ours
	at $T1 ew update $R1 severity=4
	save ours
	side theirs
	at $T2 ew update $R2 severity=5
	save theirs
	{ head -3 theirs.csv; echo "$R1,2026-11-20,1"; tail -n +4 theirs.csv; } >bad.csv
	cp ours.csv ours.orig
	# messages name OURS, or PATH, and say which version (see ew-merge(1))
	for p in '' -p; do
		run_split -2 ew merge $p base.csv ours.csv bad.csv
		assert_stdout_empty
		assert_stderr_regex "^ew-merge: (ours\.csv \(THEIRS\)|bad\.csv( \(THEIRS\))?):4: expected 28 fields, found 3\$"
		assert_same_file ours.csv ours.orig
	done
	run_split -2 ew merge base.csv ours.csv bad.csv reports/2026/11.csv
	assert_stderr "ew-merge: reports/2026/11.csv (THEIRS):4: expected 28 fields, found 3"
	assert_same_file ours.csv ours.orig
	# a column the header of OURS does not have
	sed "1s/\$/,village_code/; 2,\$s/\$/,NI-1/" theirs.csv >bad.csv
	run_split -2 ew merge base.csv ours.csv bad.csv
	assert_stdout_empty
	assert_stderr_regex "^ew-merge: (ours\.csv \(THEIRS\)|bad\.csv( \(THEIRS\))?)(:1)?: unknown column 'village_code'"
	assert_same_file ours.csv ours.orig
	# the file and line of a malformed BASE or OURS too
	{ head -2 base.csv; echo '"unterminated'; } >bad.csv
	run_split -2 ew merge bad.csv ours.csv theirs.csv
	assert_stderr_regex "^ew-merge: (ours\.csv \(BASE\)|bad\.csv( \(BASE\))?):3: unterminated quoted field"
	assert_same_file ours.csv ours.orig
	cp bad.csv bad.orig
	run_split -2 ew merge base.csv bad.csv theirs.csv
	assert_stderr_regex "^ew-merge: bad\.csv( \(OURS\))?:3: unterminated quoted field"
	assert_same_file bad.csv bad.orig
}

@test "merge: an id twice in one side is an error naming it" {
	side ours
	at $T1 ew update $R1 severity=4
	save ours
	cp base.csv theirs.csv
	grep "^$R2," base.csv >>theirs.csv
	run_split -2 ew merge base.csv ours.csv theirs.csv
	assert_stdout_empty
	assert_stderr_regex "^ew-merge: .*record $R2 appears twice in theirs"
	assert_same_file ours.csv <(git -C "$REPO" show ours:reports/2026/11.csv)
}

@test "merge: a missing file or wrong arguments are errors (exit 2)" {
	cp base.csv ours.csv
	run_split -2 ew merge base.csv ours.csv nosuch.csv
	assert_stderr_regex "^ew-merge: cannot read 'nosuch.csv': No such file or directory\$"
	run_split -2 ew merge base.csv ours.csv
	assert_stderr_regex "^usage: ew-merge "
	run_split -2 ew merge --nosuch base.csv ours.csv base.csv
	assert_stdout_empty
	assert_same_file ours.csv base.csv
}

@test "merge --driver: a record taken out of the file on one side and changed on the other stops the merge" {
	side ours
	at $T1 ew update $R1 event_date=2026-10-05
	save ours
	side theirs
	at $T2 ew update $R1 severity=4
	save theirs
	cp ours.csv ours.orig
	cd "$REPO"
	W=$BATS_TEST_TMPDIR
	for pair in "ours theirs" "theirs ours"; do
		set -- $pair
		cp "$W/$1.csv" "$W/side.csv"
		run_split -2 ew merge --driver "$W/base.csv" "$W/side.csv" "$W/$2.csv" reports/2026/11.csv
		assert_stdout_empty
		assert_stderr_regex "^ew-merge: reports/2026/11\.csv: record $R1 "
		assert_stderr_regex "'git merge --abort'"
		assert_stderr_regex "'ew sync'"
		assert_same_file "$W/side.csv" "$W/$1.csv"
	done
	# a record removed on one side and unchanged on the other just goes
	cp "$W/base.csv" "$W/side.csv"
	run_split -0 ew merge --driver "$W/base.csv" "$W/side.csv" "$W/ours.csv" reports/2026/11.csv
	assert_same_file "$W/side.csv" "$W/ours.csv"
}

@test "merge: outside a repository, a column OURS's header adds is kept" {
	git -C "$REPO" checkout -q main
	git -C "$REPO" config -f ew.conf record.extra-columns village_code
	git -C "$REPO" commit -q -am 'declare village_code'
	git -C "$REPO" branch -f base
	at $T1 ew update $R1 village_code=NI-042
	git -C "$REPO" branch -f base
	save base
	side ours
	at $T1 ew update $R1 severity=4
	save ours
	side theirs
	at $T2 ew update $R1 village_code=NI-043
	at $T2 ew update $R2 village_code=SA-001
	save theirs
	side expect
	at $T1 ew update $R1 severity=4
	at $T2 ew update $R1 village_code=NI-043
	at $T2 ew update $R2 village_code=SA-001
	save expected
	assert_equal "$(head -1 ours.csv)" "$EW_COLUMNS,village_code"
	merge_sym
	assert_stderr_empty
	assert_same_file merged.csv expected.csv
	run -0 grep "^$R1," merged.csv
	assert_output --regexp ",attack,4,.*,NI-043\$"
	# without -p too
	run_split -0 ew merge base.csv ours.csv theirs.csv
	assert_same_file ours.csv expected.csv
}

# ---------------------------------------------------------------------------
# Alert logs, standalone

# arow ID TIME STATE [NOTE]: a row of an alert log of alert 01JQA...
arow() {
	local note=${4:-}
	[[ $note != *[,\"]* ]] || note=\"${note//\"/\"\"}\"
	printf '%s,01JQAAAAAAAAAAAAAAAAAAAAAA,attacks-cercle,Niono,orange,%s,%s,3,%s;%s,Test Operator,%s,,\n' \
		"$1" "$3" "$2" $R1 $R2 "$note"
}

@test "merge: alert logs merge as a log: base rows in their order, then the added rows by time and id, each once" {
	local b1=01JQB1BBBBBBBBBBBBBBBBBBBB b2=01JQB2BBBBBBBBBBBBBBBBBBBB
	local o1=01JQO1OOOOOOOOOOOOOOOOOOOO t1=01JQT1TTTTTTTTTTTTTTTTTTTT
	local t2=01JQK2TTTTTTTTTTTTTTTTTTTT both=01JQX0XXXXXXXXXXXXXXXXXXXX
	# base: a log merged before, not in time order
	{
		echo $ALERT_HEADER
		arow $b1 2026-11-27T11:00:00Z raised
		arow $b2 2026-11-27T08:00:00Z acknowledged 'on it, "team 2"'
	} >base.csv
	{
		cat base.csv
		arow $o1 2026-11-28T10:00:00Z resolved
		arow $both 2026-11-28T09:00:00Z acknowledged 'both saw it'
	} >ours.csv
	{
		cat base.csv
		arow $both 2026-11-28T09:00:00Z acknowledged 'both saw it'
		arow $t1 2026-11-28T07:00:00Z acknowledged
		arow $t2 2026-11-28T10:00:00Z acknowledged
	} >theirs.csv
	{
		cat base.csv
		arow $t1 2026-11-28T07:00:00Z acknowledged
		arow $both 2026-11-28T09:00:00Z acknowledged 'both saw it'
		arow $t2 2026-11-28T10:00:00Z acknowledged
		arow $o1 2026-11-28T10:00:00Z resolved
	} >expected.csv
	merge_sym
	assert_stderr_empty
	assert_same_file merged.csv expected.csv
	run_split -0 ew merge base.csv ours.csv theirs.csv
	assert_same_file ours.csv expected.csv
}

@test "merge: alert logs: a base row one side dropped is kept, and a log both sides started merges" {
	local b1=01JQB1BBBBBBBBBBBBBBBBBBBB b2=01JQB2BBBBBBBBBBBBBBBBBBBB
	local o1=01JQO1OOOOOOOOOOOOOOOOOOOO t1=01JQT1TTTTTTTTTTTTTTTTTTTT
	{
		echo $ALERT_HEADER
		arow $b1 2026-11-27T11:00:00Z raised
		arow $b2 2026-11-27T12:00:00Z acknowledged
	} >base.csv
	{ echo $ALERT_HEADER; arow $b2 2026-11-27T12:00:00Z acknowledged; arow $o1 2026-11-28T10:00:00Z resolved; } >ours.csv
	{ cat base.csv; arow $t1 2026-11-28T09:00:00Z acknowledged; } >theirs.csv
	{ cat base.csv; arow $t1 2026-11-28T09:00:00Z acknowledged; arow $o1 2026-11-28T10:00:00Z resolved; } >expected.csv
	merge_sym
	assert_same_file merged.csv expected.csv
	# no common log: git gives the driver an empty BASE
	: >base.csv
	{ echo $ALERT_HEADER; arow $o1 2026-11-28T10:00:00Z resolved; } >ours.csv
	{ echo $ALERT_HEADER; arow $t1 2026-11-28T09:00:00Z acknowledged; } >theirs.csv
	{ echo $ALERT_HEADER; arow $t1 2026-11-28T09:00:00Z acknowledged; arow $o1 2026-11-28T10:00:00Z resolved; } >expected.csv
	merge_sym
	assert_same_file merged.csv expected.csv
}

@test "merge: a malformed alert log is an error and OURS is left as it was" {
	{ echo $ALERT_HEADER; arow 01JQB1BBBBBBBBBBBBBBBBBBBB 2026-11-27T11:00:00Z raised; } >base.csv
	cp base.csv ours.csv
	{ cat base.csv; echo '01JQT1TTTTTTTTTTTTTTTTTTTT,x,y'; } >theirs.csv
	run_split -2 ew merge base.csv ours.csv theirs.csv
	assert_stdout_empty
	assert_stderr_regex "^ew-merge: .*:3: 3 fields, expected 13\$"
	assert_same_file ours.csv base.csv
}

# ---------------------------------------------------------------------------
# git pull between two offices, with the merge driver

# offices: office A ($A, the fixture) and office B ($B), 'ew clone' of A.
offices() {
	A=$BATS_TEST_TMPDIR/A
	B=$BATS_TEST_TMPDIR/B
	cp -a "$BATS_FILE_TMPDIR/fixture" "$A"
	run_split -0 ew clone "$A" "$B"
}

# inoffice DIR TIME ew ARGS...: 'ew ARGS' in DIR at TIME, quietly.
inoffice() {
	local d=$1 t=$2
	shift 2
	EW_NOW=$t "$@" -C "$d" >/dev/null || fail "inoffice $d at $t: '$*' failed"
}

# addin DIR TIME CSV-LINES...: add_rows in DIR.
addin() {
	local d=$1 t=$2
	shift 2
	printf '%s\n' id,event_date,cercle,category,severity,killed,description,reported_at,updated_at "$@" |
		EW_NOW=$t ew add -C "$d" >/dev/null || fail "addin: ew add in $d failed"
}

# assert_no_markers DIR: no line of DIR's reports/ or alerts.csv starts
# with a conflict marker.
assert_no_markers() {
	run -1 grep -rnE '^(<<<<<<<|>>>>>>>|=======)' "$1/reports" $([[ -f $1/alerts.csv ]] && echo "$1/alerts.csv")
}

# pull DIR [ARGS...]: git pull --no-rebase --no-edit in DIR.
pull() {
	local d=$1
	shift
	run_split git -C "$d" pull --no-rebase --no-edit "$@"
}

@test "clone: ew clone registers the merge driver, and the shards and alert log use it" {
	offices
	run -0 git -C "$B" config merge.ew.driver
	assert_output "'$(program_dir)/ew-merge' --driver %O %A %B %P"
	run -0 git -C "$B" check-attr merge reports/2026/11.csv reports/2027/01.csv alerts.csv places.csv
	assert_output "$(printf '%s\n' 'reports/2026/11.csv: merge: ew' 'reports/2027/01.csv: merge: ew' \
		'alerts.csv: merge: ew' 'places.csv: merge: unspecified')"
	assert_clean_repo "$B"
}

@test "git pull: records added on both sides and different fields of one record merge cleanly" {
	local X=01JQ8XXXXXXXXXXXXXXXXXXXXX Y=01JQ6YYYYYYYYYYYYYYYYYYYYY
	offices
	addin "$A" $T1 "$X,2026-11-15,Bla,attack,4,2,in A,,"
	inoffice "$A" $T1 ew update $R1 severity=4
	addin "$B" $T2 "$Y,2026-11-16,San,threat,,0,in B,,"
	inoffice "$B" $T2 ew update $R1 status=verified
	inoffice "$B" $T2 ew update $R3 'description=letter found'
	# the expected shard: the same changes made in turn by one office
	local E=$BATS_TEST_TMPDIR/E
	cp -a "$BATS_FILE_TMPDIR/fixture" "$E"
	addin "$E" $T1 "$X,2026-11-15,Bla,attack,4,2,in A,,"
	inoffice "$E" $T1 ew update $R1 severity=4
	addin "$E" $T2 "$Y,2026-11-16,San,threat,,0,in B,,"
	inoffice "$E" $T2 ew update $R1 status=verified
	inoffice "$E" $T2 ew update $R3 'description=letter found'

	pull "$B"
	assert_equal "$status" 0
	[[ $stderr != *ew-merge* ]] || fail "the driver printed: $stderr"
	assert_no_markers "$B"
	run -0 git -C "$B" status --porcelain
	assert_output ''
	assert_clean_repo "$B"
	assert_equal "$(git -C "$B" rev-list --parents -1 HEAD | wc -w)" 3
	assert_same_file "$B/reports/2026/11.csv" "$E/reports/2026/11.csv"
	run -0 ew list -C "$B" --fields id,severity,status,description
	assert_output "$(printf '%s\n' id,severity,status,description "$R3,,new,letter found" \
		"$X,4,new,in A" "$Y,,new,in B" "$R1,4,verified,market attacked" "$R2,2,new,")"
	assert_equal "$(ew list -C "$B" --fields id | tail -n +2 | sort | uniq -d)" ''
}

@test "git pull: the same field changed on both offices keeps the later update, and both directions give the same bytes" {
	local X=01JQ8XXXXXXXXXXXXXXXXXXXXX Y=01JQ6YYYYYYYYYYYYYYYYYYYYY
	offices
	addin "$A" $T1 "$X,2026-11-15,Bla,attack,4,2,in A,,"
	inoffice "$A" $T1 ew update $R1 severity=4 'description=market burnt'
	addin "$B" $T2 "$Y,2026-11-16,San,threat,,0,in B,,"
	inoffice "$B" $T2 ew update $R1 severity=5
	# office A2: A as it is now, which pulls B's changes instead
	cp -a "$A" "$BATS_TEST_TMPDIR/A2"
	git -C "$B" branch before-pull

	pull "$B"
	assert_equal "$status" 0
	assert_stderr_regex "ew-merge: reports/2026/11\.csv: record $R1: severity changed on both sides"
	assert_no_markers "$B"
	assert_clean_repo "$B"
	run -0 ew list -C "$B" --fields id,updated_at,severity,description $R1
	assert_output "$(printf '%s\n' id,updated_at,severity,description "$R1,$T2,5,market burnt")"
	run -0 list_ids -C "$B"
	assert_output "$(printf '%s\n' $R1 $R2 $R3 $Y $X | LC_ALL=C sort)"

	pull "$BATS_TEST_TMPDIR/A2" "$B" before-pull
	assert_equal "$status" 0
	assert_no_markers "$BATS_TEST_TMPDIR/A2"
	assert_clean_repo "$BATS_TEST_TMPDIR/A2"
	assert_same_file "$BATS_TEST_TMPDIR/A2/reports/2026/11.csv" "$B/reports/2026/11.csv"
}

@test "git pull: a month both offices started on their own merges" {
	local X=01JQ8XXXXXXXXXXXXXXXXXXXXX Y=01JQ6YYYYYYYYYYYYYYYYYYYYY
	offices
	addin "$A" $T1 "$X,2026-09-12,Bla,attack,4,2,in A,,"
	addin "$B" $T2 "$Y,2026-09-10,San,threat,,0,in B,,"
	local E=$BATS_TEST_TMPDIR/E
	cp -a "$BATS_FILE_TMPDIR/fixture" "$E"
	addin "$E" $T1 "$X,2026-09-12,Bla,attack,4,2,in A,,"
	addin "$E" $T2 "$Y,2026-09-10,San,threat,,0,in B,,"
	pull "$B"
	assert_equal "$status" 0
	assert_no_markers "$B"
	assert_clean_repo "$B"
	assert_same_file "$B/reports/2026/09.csv" "$E/reports/2026/09.csv"
	run -0 list_ids -C "$B" --since 2026-09-01 --until 2026-09-30
	assert_output "$(printf '%s\n' $X $Y | LC_ALL=C sort)"
}

@test "git pull: alert logs from real ew alert runs merge as a union" {
	offices
	# three attacks in Niono raise an alert in A, which B then gets
	for d in 21 22 23; do
		addin "$A" $T0 "01JQ90000000000000000000$d,2026-11-$d,Niono,attack,4,0,attack $d,,"
	done
	inoffice "$A" $T0 ew alert
	pull "$B"
	assert_equal "$status" 0
	local id
	id=$(tail -1 "$A/alerts.csv" | cut -d, -f2)
	# each office acknowledges or silences, at different times
	EW_NOW=$T2 ew alert -C "$A" ack "$id" --note 'team sent' >/dev/null || fail "ack in A"
	EW_NOW=$T1 ew alert -C "$B" silence killings --for 24h --reason 'known event' >/dev/null || fail "silence in B"
	local a=$BATS_TEST_TMPDIR/a.csv b=$BATS_TEST_TMPDIR/b.csv
	cp "$A/alerts.csv" "$a"
	cp "$B/alerts.csv" "$b"
	pull "$B"
	assert_equal "$status" 0
	assert_no_markers "$B"
	assert_clean_repo "$B"
	# the raised row, then B's silence (T1), then A's ack (T2)
	run -0 cut -d, -f6,7 "$B/alerts.csv"
	assert_output "$(printf '%s\n' state,time raised,$T0 silence,$T1 acknowledged,$T2)"
	assert_equal "$(sed -n 2p "$B/alerts.csv")" "$(sed -n 2p "$a")"
	assert_equal "$(sed -n 3p "$B/alerts.csv")" "$(tail -1 "$b")"
	assert_equal "$(sed -n 4p "$B/alerts.csv")" "$(tail -1 "$a")"
	run -0 ew alert -C "$B" list --format csv
	assert_output --partial "$id"
}

@test "git pull: a record moved to another month on one side and changed on the other stops the pull; ew sync merges it" {
	offices
	inoffice "$A" $T1 ew update $R1 event_date=2026-10-05
	inoffice "$B" $T2 ew update $R1 severity=4
	pull "$B"
	assert_equal "$status" 1
	assert_stderr_regex "record $R1 was changed on one side and taken out of this file on the other"
	assert_stderr_regex "'git merge --abort'"
	assert_stderr_regex "'ew sync'"
	run_split -0 git -C "$B" merge --abort
	assert_clean_repo "$B"
	run_split -0 ew sync -C "$B" --no-push origin
	assert_clean_repo "$B"
	assert_no_markers "$B"
	run -0 ew list -C "$B" --fields id,event_date,updated_at,severity
	assert_output "$(printf '%s\n' id,event_date,updated_at,severity "$R1,2026-10-05,$T2,4" "$R3,2026-11-10,$T0," "$R2,2026-11-21,$T0,2")"
	run -0 git -C "$B" show HEAD:reports/2026/11.csv
	refute_output --partial $R1
}
