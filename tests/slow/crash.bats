#!/usr/bin/env bats
# crash.bats -- ew add, ew update, ew alert and ew sync killed with SIGKILL
# at each of their system calls in turn and at 200 random moments; after
# each run git fsck --strict is clean, no CSV file is torn, the next
# command succeeds and leaves a clean work tree without lock files, ew
# verify passes, and no record is lost, doubled or half changed
# (crash.bash).  Part of `make check-slow`.

load ../helpers
load crash

setup() {
	ew_common_setup
	# runs are many and short: a memory file system keeps fsync cheap
	W=$(mktemp -d "${EW_CRASH_TMPDIR:-/dev/shm}/ew-crash.XXXXXX") || W=$(mktemp -d)
	CRASH_LOG=$W/failures
	: >"$CRASH_LOG"
}

teardown() {
	rm -rf "$W"
}

# assert_no_failures N: prints the runs and fails when any check failed.
assert_no_failures() {
	if [[ -s $CRASH_LOG ]]; then
		fail "$(printf '%s runs; failed checks:\n%s' "$1" "$(head -40 "$CRASH_LOG")")"
	fi
}

kill_each_test() {
	local n states
	read -r n states < <(kill_each "$1") || fail "cannot set up the $1 case"
	((n > 100)) || fail "only $n system calls listed"
	echo "# ew $1: killed at each of $n system calls; $states distinct states checked" >&3
	assert_no_failures "$n"
}

kill_randomly_test() {
	kill_randomly "$1" 50 || fail "cannot set up the $1 case"
	assert_no_failures 50
}

@test "ew add killed at each of its system calls" { kill_each_test add; }
@test "ew update killed at each of its system calls" { kill_each_test update; }
@test "ew alert killed at each of its system calls" { kill_each_test alert; }
@test "ew sync killed at each of its system calls" { kill_each_test sync; }
@test "ew add killed at 50 random moments" { kill_randomly_test add; }
@test "ew update killed at 50 random moments" { kill_randomly_test update; }
@test "ew alert killed at 50 random moments" { kill_randomly_test alert; }
@test "ew sync killed at 50 random moments" { kill_randomly_test sync; }

fail_each_test() {
	local n states
	read -r n states < <(fail_each "$1" "$2") || fail "cannot set up the $1 case"
	((n > 5)) || fail "only $n writes, fsyncs and renames listed"
	echo "# ew $1: $2 at each of $n writes, fsyncs and renames ($states distinct states); exit statuses:" \
		"$(cut -d' ' -f1 "$W/statuses" | sort | uniq -c | xargs)" >&3
	if grep '^0 ' "$W/statuses" >&3; then
		echo "# (those calls failed and the command still exited 0, with its change complete)" >&3
	fi
	assert_no_failures "$n"
}

@test "ew add: ENOSPC at each write, fsync and rename" { fail_each_test add ENOSPC; }
@test "ew add: EIO at each write, fsync and rename" { fail_each_test add EIO; }
@test "ew update: ENOSPC at each write, fsync and rename" { fail_each_test update ENOSPC; }
@test "ew alert: EIO at each write, fsync and rename" { fail_each_test alert EIO; }
@test "ew sync: ENOSPC at each write, fsync and rename" { fail_each_test sync ENOSPC; }
