#!/usr/bin/env bats
# at.bats -- ew list --at and ew alert --dry-run --at: the records (and the
# alert log and rules) of a past commit, named by a revision or by a date
# (the newest commit of HEAD's first-parent line made by then), read from
# git's objects whatever the work tree holds.

load helpers

# The history of the fixture, one step a line (EW_NOW or git's dates):
#   C0 2026-11-10T08:00:00Z ew init
#   C1 2026-11-10T09:00:00Z rules.conf by hand: "attacks", threshold 2
#   C2 2026-11-11T10:00:00Z ew add A1: attack, Niono, 2026-11-11, severity 2
#   C3 2026-11-12T10:00:00Z ew add A2: attack, Niono, 2026-11-12
#   C4 2026-11-12T16:00:00Z ew update A1 severity=4
#   C5 2026-11-13T10:00:00Z ew add A3: attack, Niono, 2026-11-10 (reported late)
#   C6 2026-11-13T23:30:00Z ew alert: raises "attacks" for Niono (3 attacks)
#   C7 2026-11-14T10:00:00Z rules.conf by hand: threshold 4
# (TZ is UTC+14 in the tests: C6 is on the 14th there, on the 13th in UTC.)

# rules_with THRESHOLD: the rules.conf of the fixture.
rules_with() {
	printf '%s\n' '[rule "attacks"]' '	level = yellow' '	where = .category == \"attack\"' \
		"	threshold = $1" '	window = 7d' '	group-by = cercle'
}

# hand_commit TIME MESSAGE: commits every change with git, dated TIME.
hand_commit() {
	GIT_AUTHOR_DATE=$1 GIT_COMMITTER_DATE=$1 git commit -q -a -m "$2"
}

fixture() {
	local dir=$1 C0 C1 C2 C3 C4 C5 C6 C7 A1 A2 A3 v
	EW_NOW=2026-11-10T08:00:00Z ew init -q "$dir" || return 1
	cd "$dir" || return 1
	C0=$(head_commit)
	rules_with 2 >rules.conf
	hand_commit 2026-11-10T09:00:00Z 'Alert on two attacks' || return 1
	C1=$(head_commit)
	A1=$(EW_NOW=2026-11-11T10:00:00Z ew add event_date=2026-11-11 cercle=Niono category=attack severity=2) || return 1
	C2=$(head_commit)
	A2=$(EW_NOW=2026-11-12T10:00:00Z ew add event_date=2026-11-12 cercle=Niono category=attack) || return 1
	C3=$(head_commit)
	EW_NOW=2026-11-12T16:00:00Z ew update "$A1" severity=4 >/dev/null || return 1
	C4=$(head_commit)
	A3=$(EW_NOW=2026-11-13T10:00:00Z ew add event_date=2026-11-10 cercle=Niono category=attack) || return 1
	C5=$(head_commit)
	EW_NOW=2026-11-13T23:30:00Z ew alert >/dev/null || return 1
	C6=$(head_commit)
	rules_with 4 >rules.conf
	hand_commit 2026-11-14T10:00:00Z 'Alert on four attacks' || return 1
	C7=$(head_commit)
	for v in C0 C1 C2 C3 C4 C5 C6 C7 A1 A2 A3; do
		printf '%s=%s\n' "$v" "${!v}"
	done >"$BATS_FILE_TMPDIR/vars"
}

setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	(fixture "$BATS_FILE_TMPDIR/fixture") || return 1
}

setup() {
	ew_common_setup
	cp -a "$BATS_FILE_TMPDIR/fixture" "$BATS_TEST_TMPDIR/repo"
	cd "$BATS_TEST_TMPDIR/repo"
	source "$BATS_FILE_TMPDIR/vars"
}

FIELDS=id,event_date,severity

# listed REV: ew list --at REV, CSV with $FIELDS.
listed() {
	run_split ew list --at "$1" --format csv --fields "$FIELDS"
}

# transitions: rule, group, level, state, time, count and records of each
# transition ew alert printed as CSV ($output), a line each.
transitions() {
	"$PYTHON" -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(",".join(r[c] for c in ("rule", "group", "level", "state", "time", "count", "records")))
' <<<"$output"
}

@test "at: the fixture is what the tests expect" {
	assert_equal "$(git rev-list --first-parent HEAD | tac | tr '\n' ' ')" "$C0 $C1 $C2 $C3 $C4 $C5 $C6 $C7 "
	assert_equal "$(git log -1 --format=%s "$C6")" 'Alerts: 1 raised'
	assert_equal "$(git log -1 --format=%cI "$C6")" '2026-11-13T23:30:00+00:00'
	assert_equal "$(git show HEAD:rules.conf | grep threshold)" '	threshold = 4'
	assert_equal "$(git show "$C6":rules.conf | grep threshold)" '	threshold = 2'
	assert_clean_repo
}

@test "ew list --at DATE: the records at the end of that UTC day" {
	listed 2026-11-10
	assert_equal "$status" 1
	assert_output "$FIELDS"
	assert_stderr_empty
	listed 2026-11-11
	assert_equal "$status" 0
	assert_output "$(printf '%s\n' "$FIELDS" "$A1,2026-11-11,2")"
	# two commits on the 12th: the later one
	listed 2026-11-12
	assert_output "$(printf '%s\n' "$FIELDS" "$A1,2026-11-11,4" "$A2,2026-11-12,")"
	listed 2026-11-13
	assert_output "$(printf '%s\n' "$FIELDS" "$A3,2026-11-10," "$A1,2026-11-11,4" "$A2,2026-11-12,")"
	# a day after the last commit: HEAD
	listed 2026-12-31
	assert_output "$(ew list --format csv --fields "$FIELDS")"
	assert_equal "$status" 0
}

@test "ew list --at TIME (YYYY-MM-DDThh:mm:ssZ): the commits made at or before that second" {
	listed 2026-11-12T15:59:59Z
	assert_output "$(printf '%s\n' "$FIELDS" "$A1,2026-11-11,2" "$A2,2026-11-12,")"
	listed 2026-11-12T16:00:00Z
	assert_output "$(printf '%s\n' "$FIELDS" "$A1,2026-11-11,4" "$A2,2026-11-12,")"
	listed 2026-11-12T09:59:59Z
	assert_output "$(printf '%s\n' "$FIELDS" "$A1,2026-11-11,2")"
	listed 2026-11-10T08:00:00Z
	assert_equal "$status" 1
	assert_output "$FIELDS"
}

@test "ew list --at REV: HEAD~N, a full and a short commit id, a tag, an annotated tag" {
	local want2 want4
	want2=$(printf '%s\n' "$FIELDS" "$A1,2026-11-11,2")
	want4=$(printf '%s\n' "$FIELDS" "$A1,2026-11-11,4" "$A2,2026-11-12,")
	listed HEAD~5
	assert_output "$want2"
	listed "$C2"
	assert_output "$want2"
	listed "${C4:0:8}"
	assert_output "$want4"
	git tag day-eleven "$C2"
	GIT_COMMITTER_DATE=2026-11-20T00:00:00Z git tag -a -m 'the 12th, evening' evening "$C4"
	listed day-eleven
	assert_output "$want2"
	listed evening
	assert_output "$want4"
	listed "evening~1"
	assert_output "$(printf '%s\n' "$FIELDS" "$A1,2026-11-11,2" "$A2,2026-11-12,")"
	# the filters apply to that commit's records
	run_split -0 ew list --at "$C5" --since 2026-11-11 --fields id --format csv
	assert_output "$(printf '%s\n' id "$A1" "$A2")"
	run_split -0 ew list --at 2026-11-13 --count
	assert_output 3
	run_split -0 ew list --at 2026-11-12 --min-severity 3 --fields id --format csv
	assert_output "$(printf '%s\n' id "$A1")"
	run_split -0 ew list --at 2026-11-12 "$A2" --fields id,severity --format csv
	assert_output "$(printf '%s\n' id,severity "$A2,")"
}

@test "ew list --at reads git's objects: a changed, a deleted and an untracked shard in the work tree do not matter" {
	local committed
	committed=$(ew list --format csv --fields "$FIELDS")
	sed -i 's/,attack,4,/,attack,5,/' reports/2026/11.csv
	mkdir -p reports/2026 && cp reports/2026/11.csv reports/2026/09.csv
	sed -i "s/,2026-11-1\([0-9]\),/,2026-09-1\1,/; s/^01/09/" reports/2026/09.csv
	rm reports/2026/11.csv
	git status --porcelain >"$IN"
	assert_equal "$(<"$IN")" "$(printf '%s\n' ' D reports/2026/11.csv' '?? reports/2026/09.csv')"
	listed HEAD
	assert_equal "$status" 0
	assert_output "$committed"
	listed 2026-11-13
	assert_output "$committed"
	# without --at, ew list reads the work tree: something else
	run -0 ew list --format csv --fields "$FIELDS"
	refute_output "$committed"
	# a shard changed in place, too
	git checkout -q -- reports/2026/11.csv
	sed -i 's/,attack,4,/,attack,5,/' reports/2026/11.csv
	listed HEAD
	assert_output "$committed"
	listed "$C4"
	assert_output "$(printf '%s\n' "$FIELDS" "$A1,2026-11-11,4" "$A2,2026-11-12,")"
}

@test "ew list --at: no commit by then, or not a revision: exit 2 with a message" {
	listed 2026-11-09
	assert_equal "$status" 2
	assert_stdout_empty
	assert_stderr 'ew-list: the repository has no commit made by 2026-11-09 (its first commit is later)'
	listed 2026-11-10T07:59:59Z
	assert_equal "$status" 2
	assert_stderr 'ew-list: the repository has no commit made by 2026-11-10T07:59:59Z (its first commit is later)'
	for rev in no-such-branch HEAD~20 0123456789abcdef 2026-02-30 yesterday; do
		listed "$rev"
		assert_equal "$rev: $status" "$rev: 2"
		assert_stdout_empty
		assert_stderr "ew-list: '$rev' is neither a date (YYYY-MM-DD, or a time YYYY-MM-DDThh:mm:ssZ) nor a commit of this repository"
	done
	# a tree is not a commit
	listed "HEAD^{tree}"
	assert_equal "$status" 2
	assert_stdout_empty
	assert_stderr "ew-list: 'HEAD^{tree}' does not name a commit"
}

@test "ew list --at with '-' or with --conflicts: a usage error, exit 2" {
	ew list --format csv >"$IN"
	run_split -2 ew list --at HEAD - <"$IN"
	assert_stdout_empty
	assert_stderr_regex "^ew-list: --at reads the repository's records; it cannot be used with '-'"$'\n''usage: ew-list '
	run_split -2 ew list --at HEAD --conflicts
	assert_stdout_empty
	assert_stderr_regex "^ew-list: --conflicts takes only ids, --format, --spreadsheet and --include-confidential"$'\n''usage: ew-list '
	run_split -2 ew list --conflicts --at 2026-11-12 "$A1"
	assert_stdout_empty
	assert_stderr_regex 'usage: ew-list '
}

@test "ew list --at on a merge's line: the other office's commits count from the merge on" {
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	ew clone -q "$BATS_TEST_TMPDIR/hub.git" ../b
	EW_NOW=2026-11-15T10:00:00Z ew -C ../b update "$A2" severity=3 >/dev/null
	ew -C ../b sync -q
	EW_NOW=2026-11-16T10:00:00Z ew update "$A3" severity=1 >/dev/null
	EW_NOW=2026-11-17T10:00:00Z ew sync -q hub
	assert_equal "$(git log -1 --format=%P | wc -w)" 2
	# b's change of the 15th is not on this line before the merge of the 17th
	listed 2026-11-16
	assert_output "$(printf '%s\n' "$FIELDS" "$A3,2026-11-10,1" "$A1,2026-11-11,4" "$A2,2026-11-12,")"
	listed 2026-11-17
	assert_output "$(printf '%s\n' "$FIELDS" "$A3,2026-11-10,1" "$A1,2026-11-11,4" "$A2,2026-11-12,3")"
	# b's own commit, by its id
	listed "HEAD^2"
	assert_output "$(printf '%s\n' "$FIELDS" "$A3,2026-11-10," "$A1,2026-11-11,4" "$A2,2026-11-12,3")"
}

# ---------------------------------------------------------------------------
# ew alert --dry-run --at

@test "ew alert --at without --dry-run (or --nagios): a usage error, exit 2, nothing committed" {
	save_snapshot
	run_split -2 ew alert --at 2026-11-12
	assert_rejected_regex "^ew-alert: --at evaluates the past: use it with --dry-run \(or --nagios\)"$'\n''usage: ew-alert '
	run_split -2 ew alert --at HEAD --format csv
	assert_rejected_regex '^ew-alert: --at evaluates the past'
}

@test "ew alert --dry-run --at DAY: the records of that day only; records added later do not count" {
	save_snapshot
	# one attack on the 11th: below the threshold of two
	run_split -1 ew alert --dry-run --at 2026-11-11 --format csv
	assert_output ''
	assert_stderr_empty
	# two on the 12th: raised, at the end of the day
	run_split -0 ew alert --dry-run --at 2026-11-12 --format csv
	assert_stderr_empty
	assert_equal "$(transitions)" "attacks,Niono,yellow,raised,2026-11-12T23:59:59Z,2,$A1;$A2"
	# A3 (an attack of the 10th reported on the 13th) counts from the 13th only
	run_split -0 ew alert --dry-run --at 2026-11-13T11:00:00Z --format csv
	assert_equal "$(transitions)" "attacks,Niono,yellow,raised,2026-11-13T11:00:00Z,3,$A3;$A1;$A2"
	assert_repo_unchanged
	assert_clean_repo
}

@test "ew alert --dry-run --at: the alert log of that commit: raised on the 13th, nothing new that day" {
	run_split -1 ew alert --dry-run --at 2026-11-13 --format csv
	assert_output ''
	run_split -1 ew alert --dry-run --at "$C6" --format csv
	assert_output ''
	# the commit before the raise still raises
	run_split -0 ew alert --dry-run --at "$C5" --format csv
	assert_equal "$(transitions)" "attacks,Niono,yellow,raised,2026-11-13T10:00:00Z,3,$A3;$A1;$A2"
}

@test "ew alert --dry-run --at: the rules of that commit; a rule changed later does not apply earlier" {
	# on the 14th the threshold is four: the open alert resolves
	run_split -0 ew alert --dry-run --at 2026-11-14 --format csv
	assert_equal "$(transitions | cut -d, -f1-5)" "attacks,Niono,yellow,resolved,2026-11-14T23:59:59Z"
	# HEAD's rule (four) does not apply on the 12th: two attacks raise
	run_split -0 ew alert --dry-run --at 2026-11-12 --format csv
	assert_equal "$(transitions)" "attacks,Niono,yellow,raised,2026-11-12T23:59:59Z,2,$A1;$A2"
	# nor does the work tree's: a threshold of one, not committed
	rules_with 1 >rules.conf
	echo 'attack' >>reports/2026/11.csv
	save_snapshot
	run_split -1 ew alert --dry-run --at 2026-11-11 --format csv
	assert_output ''
	assert_stderr_empty
	assert_repo_unchanged
}

@test "ew alert --dry-run --at: now is the end of the day, the time given, the commit's time, or --now" {
	run_split -0 ew alert --dry-run --at 2026-11-12 --format csv
	assert_equal "$(transitions | cut -d, -f5)" 2026-11-12T23:59:59Z
	run_split -0 ew alert --dry-run --at 2026-11-12T17:30:00Z --format csv
	assert_equal "$(transitions | cut -d, -f5)" 2026-11-12T17:30:00Z
	run_split -0 ew alert --dry-run --at "$C3" --format csv
	assert_equal "$(transitions)" "attacks,Niono,yellow,raised,2026-11-12T10:00:00Z,2,$A1;$A2"
	run_split -0 ew alert --dry-run --at 2026-11-12 --now 2026-11-12T18:00:00Z --format csv
	assert_equal "$(transitions | cut -d, -f5)" 2026-11-12T18:00:00Z
	# the window ends at that now: on the 20th, none of the three is within 7 days
	run_split -0 ew alert --dry-run --at "$C6" --now 2026-11-20T12:00:00Z --format csv
	assert_equal "$(transitions | cut -d, -f4,5,6)" "resolved,2026-11-20T12:00:00Z,0"
}

@test "ew alert --dry-run --at: no commit by then, or a bad revision: exit 2 with a message" {
	save_snapshot
	run_split -2 ew alert --dry-run --at 2026-11-09
	assert_rejected 'ew-alert: the repository has no commit made by 2026-11-09 (its first commit is later)'
	run_split -2 ew alert --dry-run --at no-such-tag
	assert_rejected "ew-alert: 'no-such-tag' is neither a date (YYYY-MM-DD, or a time YYYY-MM-DDThh:mm:ssZ) nor a commit of this repository"
	# the first commit has no rules.conf of this fixture's, but ew init's
	run_split -1 ew alert --dry-run --at "$C0" --format csv
	assert_output ''
}

@test "ew alert --dry-run --at: the problems of that commit's rules.conf name it by the revision given" {
	printf '[rule "x"]\n\tlevel = red\n\ttreshold = 2\n\twindow = 7d\n' >rules.conf
	hand_commit 2026-11-15T10:00:00Z 'A typo'
	run_split -2 ew alert --dry-run --at HEAD --format csv
	assert_stderr "ew-alert: HEAD:rules.conf: rule 'x': unknown key 'treshold' (did you mean 'threshold'?)"
	printf '[rule "y"\n' >rules.conf
	hand_commit 2026-11-16T10:00:00Z 'Broken'
	save_snapshot
	run_split -2 ew alert --dry-run --at 2026-11-16
	assert_stdout_empty
	assert_stderr_regex "^ew-alert: 2026-11-16:rules.conf: .*missing ']'"
	# the message names no temporary copy of the file
	[[ $stderr != *ew-rules-* ]] || fail "the message names a temporary file: $stderr"
	assert_repo_unchanged
}

@test "ew alert --dry-run --at REV: a broken rules.conf of that commit is named REV:rules.conf, with its line" {
	{
		rules_with 4
		echo '# a rule being written'
		echo '[rule "y"'
		echo '	level = red'
	} >rules.conf
	assert_equal "$(grep -n '^\[rule "y"$' rules.conf)" '8:[rule "y"'
	hand_commit 2026-11-15T10:00:00Z 'Start a rule'
	rules_with 4 >rules.conf
	hand_commit 2026-11-16T10:00:00Z 'Drop the rule'
	save_snapshot
	run_split -2 ew alert --dry-run --at HEAD~1 --format csv
	assert_stdout_empty
	assert_stderr "ew-alert: HEAD~1:rules.conf: failed to parse config file: missing ']' in section header (in HEAD~1:rules.conf:8)"
	# the message names no file outside the repository (a temporary copy)
	[[ $stderr != */* ]] || fail "the message names a path: $stderr"
	run_split -2 ew alert --dry-run --at 2026-11-15
	assert_stdout_empty
	assert_stderr "ew-alert: 2026-11-15:rules.conf: failed to parse config file: missing ']' in section header (in 2026-11-15:rules.conf:8)"
	run_split -3 ew alert --nagios --at HEAD~1
	assert_output "EW UNKNOWN - HEAD~1:rules.conf: failed to parse config file: missing ']' in section header (in HEAD~1:rules.conf:8)"
	assert_stderr "ew-alert: HEAD~1:rules.conf: failed to parse config file: missing ']' in section header (in HEAD~1:rules.conf:8)"
	# the commit after it reads its own rules.conf
	run_split -0 ew alert --dry-run --at HEAD --format csv
	assert_equal "$(transitions | cut -d, -f1-4)" "attacks,Niono,yellow,resolved"
	assert_stderr_empty
	assert_repo_unchanged
}
