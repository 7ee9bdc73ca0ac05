#!/usr/bin/env bats
# Conflicts of merges: 'ew list --conflicts' and 'ew update --settle',
# after 'git pull' with the merge driver and after 'ew sync' through a hub.

load helpers

R1=01JQ1111111111111111111111
R2=01JQ2222222222222222222222
R3=01JQ3333333333333333333333

T0=2026-11-28T09:00:00Z
T1=2026-11-28T10:00:00Z
T2=2026-11-28T11:00:00Z
T3=2026-11-28T11:30:00Z
T4=2026-11-28T11:45:00Z
# when git pull makes its merge commits
PULL1_AT=2026-11-28T11:50:00Z
PULL2_AT=2026-11-28T11:55:00Z

CHEADER=merged_at,merge,id,field,kept,lost,kept_updated_at,lost_updated_at

# The fixtures, made once:
#   fixture/    R1..R3 added at T0
#   pull/A      the fixture, R1 severity=4 at T1
#   pull/B      'ew clone' of A before that, R1 severity=5 and R2
#               description at T2, then 'git pull' of A at PULL1_AT:
#               one conflict, R1 severity, 5 kept (T2), 4 lost (T1)
#   sync/hub.git  a hub made by A with 'ew sync --init-remote'
#   sync/A      the fixture, R1 severity=4 at T1, synced
#   sync/B      'ew clone' of the hub before that, R1 severity=5 at T2,
#               synced at T3 (the merge, with the same conflict; pushed);
#               A has not synced since
setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	local f=$BATS_FILE_TMPDIR
	ew init -q "$f/fixture" || return 1
	printf '%s\n' id,event_date,cercle,commune,category,severity,description \
		"$R1,2026-11-20,Niono,Diabaly,attack,3,market attacked" \
		"$R2,2026-11-21,San,,clash,2," \
		"$R3,2026-11-10,Macina,,threat,,threat letter" |
		EW_NOW=$T0 ew add -C "$f/fixture" >/dev/null || return 1

	mkdir "$f/pull" "$f/sync" || return 1
	cp -a "$f/fixture" "$f/pull/A" || return 1
	ew clone -q "$f/pull/A" "$f/pull/B" || return 1
	EW_NOW=$T1 ew update -C "$f/pull/A" $R1 severity=4 >/dev/null || return 1
	EW_NOW=$T2 ew update -C "$f/pull/B" $R1 severity=5 >/dev/null || return 1
	EW_NOW=$T2 ew update -C "$f/pull/B" $R2 'description=seen in B' >/dev/null || return 1
	GIT_COMMITTER_DATE=$PULL1_AT GIT_AUTHOR_DATE=$PULL1_AT \
		git -C "$f/pull/B" pull -q --no-rebase --no-edit 2>/dev/null || return 1

	cp -a "$f/fixture" "$f/sync/A" || return 1
	ew sync -C "$f/sync/A" -q --init-remote "$f/sync/hub.git" || return 1
	ew clone -q "$f/sync/hub.git" "$f/sync/B" || return 1
	EW_NOW=$T1 ew update -C "$f/sync/A" $R1 severity=4 >/dev/null || return 1
	EW_NOW=$T1 ew sync -C "$f/sync/A" -q || return 1
	EW_NOW=$T2 ew update -C "$f/sync/B" $R1 severity=5 >/dev/null || return 1
	EW_NOW=$T3 ew sync -C "$f/sync/B" >"$f/sync/B-sync.out" || return 1
}

# pull_offices: copies of pull/A and pull/B in $A and $B (B's origin is A),
# with the current directory B.
pull_offices() {
	A=$BATS_TEST_TMPDIR/A B=$BATS_TEST_TMPDIR/B
	cp -a "$BATS_FILE_TMPDIR/pull/A" "$A"
	cp -a "$BATS_FILE_TMPDIR/pull/B" "$B"
	git -C "$B" remote set-url origin "$A"
	cd "$B"
}

# sync_offices: copies of sync/ in $HUB, $A and $B, each office's remote
# the copied hub, with the current directory B.
sync_offices() {
	HUB=$BATS_TEST_TMPDIR/hub.git A=$BATS_TEST_TMPDIR/A B=$BATS_TEST_TMPDIR/B
	cp -a "$BATS_FILE_TMPDIR/sync/hub.git" "$HUB"
	cp -a "$BATS_FILE_TMPDIR/sync/A" "$A"
	cp -a "$BATS_FILE_TMPDIR/sync/B" "$B"
	git -C "$A" remote set-url hub "$HUB"
	git -C "$B" remote set-url origin "$HUB"
	cd "$B"
}

# short [DIR]: what --conflicts prints for HEAD's commit (12 hex digits).
short() {
	git -C "${1:-.}" rev-parse HEAD | cut -c1-12
}

# pull_at TIME DIR [REPO REF]: git pull in DIR, its merge commit made at TIME.
pull_at() {
	local t=$1 d=$2
	shift 2
	GIT_COMMITTER_DATE=$t GIT_AUTHOR_DATE=$t run_split git -C "$d" pull --no-rebase --no-edit "$@"
	((status == 0)) || fail "$(printf 'git pull in %s failed:\n%s' "$d" "$stderr")"
}

# ---------------------------------------------------------------------------
# ew list --conflicts

@test "conflicts: after git pull with the driver, one row: the field, the value kept and the value lost" {
	pull_offices
	run_split -0 ew list --conflicts --format csv
	assert_stderr_empty
	assert_output "$(printf '%s\n' $CHEADER "$PULL1_AT,$(short),$R1,severity,5,4,$T2,$T1")"
	# the record has the kept value
	assert_field $R1 severity 5
	# the office pulled from merged nothing
	run_split -1 ew list -C "$A" --conflicts --format csv
	assert_output $CHEADER
	assert_clean_repo
}

@test "conflicts: after ew sync through a hub, the office that merged and then the other list it" {
	sync_offices
	run -0 cat "$BATS_FILE_TMPDIR/sync/B-sync.out"
	assert_output "origin: received 0 records, sent 1; 1 field changed on both sides kept the later update ('ew list --conflicts' shows them)"
	run -0 git log -1 --format=%B
	assert_output --partial "Ew-Conflicts: 1"
	local row="$T3,$(short),$R1,severity,5,4,$T2,$T1"
	run_split -0 ew list --conflicts --format csv
	assert_output "$(printf '%s\n' $CHEADER "$row")"
	# A has not synced since: nothing yet
	run_split -1 ew list -C "$A" --conflicts --format csv
	assert_output $CHEADER
	EW_NOW=$T4 run_split -0 ew sync -C "$A" -q
	assert_equal "$(short "$A")" "$(short "$B")"
	run_split -0 ew list -C "$A" --conflicts --format csv
	assert_output "$(printf '%s\n' $CHEADER "$row")"
	assert_field $R1 severity 5
	assert_clean_repo "$A"
	assert_clean_repo "$B"
}

@test "conflicts: ids select the rows by prefix, in any case; rows come oldest merge first" {
	pull_offices
	local m1
	m1=$(short)
	# a second round: both offices change R3's description
	EW_NOW=$T3 ew update -C "$A" $R3 'description=words of A' >/dev/null
	EW_NOW=$T4 ew update $R3 'description=words of B' >/dev/null
	pull_at $PULL2_AT "$B"
	local r1="$PULL1_AT,$m1,$R1,severity,5,4,$T2,$T1"
	local r3="$PULL2_AT,$(short),$R3,description,words of B,words of A,$T4,$T3"
	run_split -0 ew list --conflicts --format csv
	assert_output "$(printf '%s\n' $CHEADER "$r1" "$r3")"
	run_split -0 ew list --conflicts --format csv 01jq1
	assert_output "$(printf '%s\n' $CHEADER "$r1")"
	run_split -0 ew list --conflicts --format csv $R3
	assert_output "$(printf '%s\n' $CHEADER "$r3")"
	run_split -0 ew list --conflicts --format csv 01JQ3 01jq1
	assert_output "$(printf '%s\n' $CHEADER "$r1" "$r3")"
	run_split -0 ew list --conflicts --format csv 01JQ
	assert_output "$(printf '%s\n' $CHEADER "$r1" "$r3")"
	run_split -1 ew list --conflicts --format csv 01JQ2
	assert_output $CHEADER
	assert_stderr_empty
	run_split -1 ew list --conflicts --format csv 01JQ11111111111111111111112
	assert_output $CHEADER
}

@test "conflicts: none: exit 1 and only the header" {
	cp -a "$BATS_FILE_TMPDIR/fixture" repo
	cd repo
	run_split -1 ew list --conflicts --format csv
	assert_output $CHEADER
	assert_stderr_empty
	# a merge in which each office changed another field
	cd ..
	ew clone -q repo B
	EW_NOW=$T1 ew update -C repo $R1 severity=4 >/dev/null
	EW_NOW=$T2 ew update -C B $R1 status=verified >/dev/null
	pull_at $PULL1_AT B
	cd B
	assert_equal "$(git rev-list --parents -1 HEAD | wc -w)" 3
	run_split -1 ew list --conflicts --format csv
	assert_output $CHEADER
	assert_stderr_empty
}

@test "conflicts: --conflicts with another selection option is a usage error" {
	pull_offices
	for args in '--cercle Niono' '--since 7d' '--until today' '--commune Diabaly' \
		'--category attack' '--min-severity 2' '--status new' '--sensitivity public' \
		'--where true' '--fields id' '--count' '--group-by cercle' '-'; do
		run_split -2 ew list --conflicts $args
		assert_stdout_empty
		assert_equal "${stderr_lines[0]}" "ew-list: --conflicts takes only ids, --format, --spreadsheet and --include-confidential"
		assert_stderr_regex $'\nusage: ew-list '
		run_split -2 ew list $args --conflicts
		assert_stdout_empty
	done
}

# ---------------------------------------------------------------------------
# ew update --settle

@test "settle: --settle ID makes one commit with Ew-Settled: ID, prints the id, and the conflict is no longer listed" {
	pull_offices
	save_snapshot
	local before
	before=$(commit_count)
	EW_NOW=$T3 run_split -0 ew update --settle 01jq1
	assert_output $R1
	assert_stderr_empty
	assert_equal "$(commit_count)" $((before + 1))
	assert_equal "$(head_message)" "$(printf 'Settle the conflicts of report %s\n\nEw-Action: update\nEw-Settled: %s' $R1 $R1)"
	run -0 git diff --stat HEAD~1 HEAD
	assert_output ''
	assert_field $R1 severity 5
	run_split -1 ew list --conflicts --format csv
	assert_output $CHEADER
	assert_clean_repo
	# settled once is settled: a second --settle is refused
	save_snapshot
	run_split -2 ew update --settle $R1
	assert_rejected_regex "^ew-update: ([a-z]+(:[0-9]+)?: )?record $R1 has no open conflicts"
}

@test "settle: --settle ID FIELD=VALUE changes the record and settles its conflicts in one commit" {
	pull_offices
	local before
	before=$(commit_count)
	EW_NOW=$T3 run_split -0 ew update --settle $R1 severity=2
	assert_output $R1
	assert_equal "$(commit_count)" $((before + 1))
	assert_equal "$(head_message)" "$(printf 'Settle the conflicts of report %s (severity)\n\nEw-Action: update\nEw-Record: %s\nEw-Settled: %s' $R1 $R1 $R1)"
	run -0 ew list --fields severity,updated_at $R1
	assert_output "$(printf '%s\n' severity,updated_at 2,$T3)"
	run_split -1 ew list --conflicts --format csv
	assert_output $CHEADER
	assert_clean_repo
}

@test "settle: a record without open conflicts is refused, naming it, and nothing is committed" {
	pull_offices
	save_snapshot
	run_split -2 ew update --settle $R2
	assert_rejected_regex "^ew-update: ([a-z]+(:[0-9]+)?: )?record $R2 has no open conflicts \('ew list --conflicts' lists them\)\$"
	run_split -2 ew update --settle $R2 severity=4
	assert_rejected_regex "^ew-update: ([a-z]+(:[0-9]+)?: )?record $R2 has no open conflicts"
	# with one that has: all or nothing
	run_split -2 ew update --settle $R1 $R2
	assert_rejected_regex "record $R2 has no open conflicts"
	[[ $stderr != *"record $R1"* ]] || fail "R1 named: $stderr"
	run_split -0 ew list --conflicts --format csv
	assert_equal "${#lines[@]}" 2
	# no merge at all
	cd "$A"
	save_snapshot
	run_split -2 ew update --settle $R1
	assert_rejected_regex "^ew-update: ([a-z]+(:[0-9]+)?: )?record $R1 has no open conflicts"
}

@test "settle: a conflict settled in one office is settled in the other after ew sync" {
	sync_offices
	EW_NOW=$T4 run_split -0 ew sync -C "$A" -q
	run_split -0 ew list -C "$A" --conflicts --format csv
	assert_equal "${#lines[@]}" 2
	# B settles and syncs; A has meanwhile added a record, so A's sync merges
	EW_NOW=$T4 run_split -0 ew update --settle $R1
	EW_NOW=$T4 run_split -0 ew sync -q
	EW_NOW=$T4 run_split -0 ew add -C "$A" event_date=2026-11-27 cercle=Bla category=threat
	EW_NOW=$T4 run_split -0 ew sync -C "$A" -q
	assert_equal "$(git -C "$A" rev-list --parents -1 HEAD | wc -w)" 3
	run_split -1 ew list -C "$A" --conflicts --format csv
	assert_output $CHEADER
	run -0 git -C "$A" log --format=%B
	assert_output --partial "Ew-Settled: $R1"
	# and B, after taking A's merge, still has none
	EW_NOW=$T4 run_split -0 ew sync -q
	assert_equal "$(short "$A")" "$(short "$B")"
	run_split -1 ew list --conflicts --format csv
	assert_output $CHEADER
	assert_clean_repo "$A"
	assert_clean_repo "$B"
}

@test "settle: a new conflict on a settled record, in a later merge, is listed" {
	pull_offices
	EW_NOW=$T3 run_split -0 ew update --settle $R1
	EW_NOW=$T3 ew update -C "$A" $R1 severity=3 >/dev/null
	EW_NOW=$T4 ew update $R1 severity=1 >/dev/null
	pull_at $PULL2_AT "$B"
	run_split -0 ew list --conflicts --format csv
	assert_output "$(printf '%s\n' $CHEADER "$PULL2_AT,$(short),$R1,severity,1,3,$T4,$T3")"
}

@test "settle: a conflict both offices merged on their own (criss-cross) stays settled when their merges meet" {
	local when
	for when in 2026-11-28T11:40:00Z 2026-11-28T11:55:00Z; do
		cd "$BATS_TEST_TMPDIR"
		rm -rf A B
		pull_offices
		# A merges B's changes too, before B's merge reaches it: the same
		# conflict (R1 severity, 5 kept, 4 lost) in a second merge commit
		git branch pre HEAD^1
		pull_at $when "$A" "$B" pre
		run_split -0 ew list -C "$A" --conflicts --format csv
		assert_output "$(printf '%s\n' $CHEADER "$when,$(short "$A"),$R1,severity,5,4,$T2,$T1")"
		# B settles it, then the two merges meet, in B and then in A
		EW_NOW=2026-11-28T11:58:00Z run_split -0 ew update --settle $R1
		run_split -1 ew list --conflicts
		pull_at 2026-11-28T11:59:00Z "$B"
		run_split -0 git -C "$A" pull -q --no-rebase --no-edit "$B" main
		assert_equal "$(short "$A")" "$(short "$B")"
		run_split ew list --conflicts --format csv
		assert_equal "$status:$output" "1:$CHEADER" "B, A's merge at $when"
		run_split ew list -C "$A" --conflicts --format csv
		assert_equal "$status:$output" "1:$CHEADER" "A, A's merge at $when"
	done
}
