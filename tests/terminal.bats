#!/usr/bin/env bats
# What ew shows a person at a terminal, and only there: colours for
# severities and alert levels in tables (NO_COLOR respected), and a
# progress line on standard error for imports and syncs.
#
# script(1) runs a command on a pseudo-terminal; what the command wrote
# to the terminal, standard output and standard error together, comes
# out of script with CRLF line ends.

load helpers

ESC=$'\033'

# on_tty COMMAND: runs the shell command COMMAND on a terminal; its
# screen output goes to $output (with CRs), its status to $status.
on_tty() {
	run script -qec "$1" /dev/null
}

setup() {
	ew_common_setup
	export TERM=xterm
	unset NO_COLOR
	new_repo
	add_one severity=5 killed=5 event_date=2026-11-27 description='five'
	add_one severity=3 description='three'
	add_one severity=1 description='one'
}

@test "a table on a terminal colours severities 3 to 5, not the header nor 1" {
	on_tty 'ew list --format table --fields severity,description'
	assert_success
	assert_output --partial "${ESC}[1;31m5${ESC}[0m"
	assert_output --partial "${ESC}[33m3${ESC}[0m"
	refute_output --partial "${ESC}[33mseverity"
	# severity 1 is plain; its row starts with the bare digit
	assert_output --regexp $'(^|\n)1 +one'
}

@test "colour does not change the alignment of the columns" {
	on_tty 'ew list --format table --fields severity,description'
	local plain
	plain=$(printf '%s' "$output" | sed "s/${ESC}\[[0-9;]*m//g")
	NO_COLOR=1 on_tty 'ew list --format table --fields severity,description'
	assert_equal "$plain" "$output"
}

@test "NO_COLOR, TERM=dumb or a pipe: no colour" {
	NO_COLOR=1 on_tty 'ew list --format table --fields severity'
	assert_success
	refute_output --partial "${ESC}["
	TERM=dumb on_tty 'ew list --format table --fields severity'
	assert_success
	refute_output --partial "${ESC}["
	run ew list --format table --fields severity
	assert_success
	refute_output --partial "${ESC}["
	# an empty NO_COLOR is as if unset (no-color.org)
	NO_COLOR= on_tty 'ew list --format table --fields severity'
	assert_output --partial "${ESC}[1;31m5"
}

@test "CSV on a terminal is never coloured" {
	on_tty 'ew list --format csv --fields severity'
	assert_success
	refute_output --partial "${ESC}["
}

@test "ew alert list colours the level of each alert" {
	run ew alert
	assert_success
	on_tty 'ew alert list --format table'
	assert_success
	# five killed in Niono: the killings rule escalated to red
	assert_output --partial "${ESC}[1;31mred${ESC}[0m"
	NO_COLOR=1 on_tty 'ew alert list --format table'
	refute_output --partial "${ESC}["
	assert_output --partial red
}

@test "ew add shows its progress on a terminal and wipes it" {
	{
		echo event_date,cercle,category
		for n in 1 2 3; do echo 2026-11-2$n,Niono,threat; done
	} >"$BATS_TEST_TMPDIR/in.csv"
	on_tty "ew add < '$BATS_TEST_TMPDIR/in.csv' >/dev/null"
	assert_success
	assert_output --partial 'ew-add: read 1 record'
	assert_output --partial 'ew-add: writing 3 records'
	# the line is wiped at the end: carriage return, erase to the end
	[[ $output == *$'\r'"${ESC}[K" ]] || fail "no wipe at the end: $(printf '%q' "$output")"
	run ew list --count
	assert_output 6
}

@test "ew add without a terminal on stderr prints no progress" {
	{
		echo event_date,cercle,category
		echo 2026-11-21,Niono,threat
		echo 2026-11-22,Niono,threat
	} >"$BATS_TEST_TMPDIR/in.csv"
	# stdout on the terminal, stderr to a file
	on_tty "ew add < '$BATS_TEST_TMPDIR/in.csv' 2>'$BATS_TEST_TMPDIR/err'"
	assert_success
	refute_output --partial 'ew-add:'
	[[ ! -s $BATS_TEST_TMPDIR/err ]] || fail "stderr: $(cat "$BATS_TEST_TMPDIR/err")"
}

@test "ew add's errors start on a clean line after the progress" {
	printf 'event_date,cercle,category\n2026-11-21,Niono,threat\n2026-11-22,Nionoo,threat\n' \
		>"$BATS_TEST_TMPDIR/in.csv"
	on_tty "ew add < '$BATS_TEST_TMPDIR/in.csv'"
	assert_failure 2
	assert_output --partial $'\r'"${ESC}[Kew-add: stdin:3: unknown cercle 'Nionoo'"
}

@test "ew sync shows each step on a terminal, not with -q" {
	run ew sync --init-remote "$BATS_TEST_TMPDIR/hub.git"
	assert_success
	on_tty 'ew sync'
	assert_success
	assert_output --partial 'ew-sync: hub: fetching'
	assert_output --partial 'ew-sync: hub: merging'
	assert_output --partial "${ESC}[K"
	assert_output --partial 'hub: received 0 records, sent 0'
	on_tty 'ew sync -q'
	assert_success
	assert_output ''
}
