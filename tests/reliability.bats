#!/usr/bin/env bats
# reliability.bats -- the writers' lock and its timeout, stale git lock
# files left by a killed writer, what reaches the disk before a command
# says it is done, and a full file system.  (The kill-at-every-system-call
# loops, I/O errors at every write and the concurrency run are in
# tests/slow/, run by `make check-slow`.)

load helpers

LOCKED_MSG="repository is locked by another ew process \\(waited 1 s for '.*/\\.git/ew\\.lock'\\); try again later, or raise EW_LOCK_TIMEOUT"

# a repository with one record, $R1
setup() {
	ew_common_setup
	new_repo
	add_one severity=2
	R1=$ADDED_ID
}

teardown() {
	[[ -z ${HOLDER:-} ]] || kill "$HOLDER" 2>/dev/null || true
	! mountpoint -q "$BATS_TEST_TMPDIR/tiny" 2>/dev/null || umount "$BATS_TEST_TMPDIR/tiny"
}

# hold_lock FILE: another process holds FILE's flock until release_lock.
hold_lock() {
	(exec 9>"$1" && flock 9 && exec sleep $((60 * EW_TEST_SLOW))) &
	HOLDER=$!
	local i
	for ((i = 0; i < 200; i++)); do
		flock -n "$1" true || return 0
		sleep 0.1
	done
	fail "hold_lock: $1 was never taken"
}

release_lock() {
	kill "$HOLDER" 2>/dev/null
	wait "$HOLDER" 2>/dev/null || true
}

@test "lock timeout: each writer gives up after EW_LOCK_TIMEOUT with the documented message, exit 2, nothing written" {
	save_snapshot
	hold_lock .git/ew.lock
	local t0 cmd
	for cmd in "ew add event_date=2026-11-20 cercle=Niono category=attack" \
		"ew update $R1 status=verified" "ew alert"; do
		t0=$SECONDS
		EW_LOCK_TIMEOUT=1 run_split -2 $cmd
		assert_stdout_empty
		assert_stderr_regex "^ew-[a-z]+: $LOCKED_MSG\$"
		((SECONDS - t0 < 5 * EW_TEST_SLOW)) || fail "$cmd waited $((SECONDS - t0)) s"
		assert_repo_unchanged
	done
	release_lock
	run_split -0 ew update "$R1" status=verified
	assert_clean_repo
}

@test "lock timeout: ew sync gives up on another sync's lock, and on the writer's lock, with exit 2" {
	git init -q --bare "$BATS_TEST_TMPDIR/hub.git"
	git remote add origin "$BATS_TEST_TMPDIR/hub.git"
	run_split -0 ew sync -q
	add_one severity=3
	save_snapshot
	hold_lock .git/ew-sync.lock
	EW_LOCK_TIMEOUT=1 run_split -2 ew sync -q
	assert_stderr_regex "^ew-sync: another ew sync is running in this repository \(waited 1 s for '.*/\.git/ew-sync\.lock'\); try again later, or raise EW_LOCK_TIMEOUT\$"
	assert_repo_unchanged
	release_lock
	# new records from the hub need the writer's lock to be merged in
	git clone -q "$BATS_TEST_TMPDIR/hub.git" "$BATS_TEST_TMPDIR/other"
	(cd "$BATS_TEST_TMPDIR/other" && ew add event_date=2026-11-21 cercle=Macina category=threat >/dev/null &&
		ew sync -q) || fail "the other office could not send"
	local head
	head=$(head_commit)
	hold_lock .git/ew.lock
	EW_LOCK_TIMEOUT=1 run_split -2 ew sync -q
	assert_stderr_regex "$LOCKED_MSG"
	assert_equal "$(head_commit)" "$head"
	assert_equal "$(git status --porcelain)" ""
	release_lock
	run_split -0 ew sync -q
	assert_equal "$(ew list --count)" 3
	assert_clean_repo
}

@test "a writer waits for the lock and then writes: nothing is lost" {
	hold_lock .git/ew.lock
	(sleep 1 && release_lock) &
	local t0=$SECONDS
	run_split -0 ew add event_date=2026-11-21 cercle=Niono category=threat
	((SECONDS - t0 >= 1)) || fail "ew add did not wait for the lock"
	assert_equal "$(ew list --count)" 2
	assert_clean_repo
}

# a killed writer's leftovers: the journal of its commit, naming the
# shard, and a git lock made after it
killed_writer() {
	local shard old
	shard=$(git ls-files reports)
	old=$(git rev-parse "HEAD:$shard")
	printf '%s\t%s\t%s\n' "$shard" "$old" 0123456789012345678901234567890123456789 >.git/ew-journal
	touch -d '-10 seconds' .git/ew-journal
	: >".git/$1"
}

@test "stale lock: a git lock left by a killed writer, that no process holds, is cleared at once by the next writer" {
	# how long an add takes here, without a lock in the way
	local t0 base took
	t0=$(date +%s%N)
	run_split -0 ew add event_date=2026-11-20 cercle=Macina category=threat
	base=$((($(date +%s%N) - t0) / 1000000))
	git reset -q --hard HEAD~1
	killed_writer index.lock
	t0=$(date +%s%N)
	run_split -0 ew add event_date=2026-11-21 cercle=Niono category=threat
	took=$((($(date +%s%N) - t0) / 1000000))
	# the lock is judged at once: no 2 s wait on top of the add
	((took < base + 1500 * EW_TEST_SLOW)) || fail "the next writer took $took ms, an add $base ms"
	[ ! -e .git/index.lock ]
	[ ! -e .git/ew-journal ]
	assert_equal "$(ew list --count)" 2
	assert_clean_repo
	# the same for the branch's lock
	killed_writer refs/heads/main.lock
	run_split -0 ew update "$R1" status=closed
	[ ! -e .git/refs/heads/main.lock ]
	assert_clean_repo
}

@test "stale lock: a git lock that a live process has open is never cleared" {
	killed_writer index.lock
	# a process with the lock file open (as git has while it writes)
	sleep 60 9<.git/index.lock &
	local holder=$!
	save_snapshot
	run_split -2 ew add event_date=2026-11-21 cercle=Niono category=threat
	assert_stderr_regex "^ew-add: '.*/\.git/index\.lock' is in the way: process $holder, a git command, may hold it; let it finish, or remove the file if no git command is running\$"
	[ -e .git/index.lock ]
	[ -e .git/ew-journal ]
	assert_repo_unchanged
	kill "$holder"
	wait "$holder" 2>/dev/null || true
	run_split -0 ew add event_date=2026-11-21 cercle=Niono category=threat
	[ ! -e .git/index.lock ]
	assert_clean_repo
}

@test "stale lock: git commit -a waiting for its editor (its lock closed) keeps its lock" {
	printf '#!/bin/sh\nwhile [ ! -e "%s/go" ]; do sleep 0.1; done\necho "a hand commit" >"$1"\n' \
		"$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/editor"
	chmod +x "$BATS_TEST_TMPDIR/editor"
	killed_writer index.lock
	rm .git/index.lock
	echo "# a note" >>ew.conf
	GIT_EDITOR=$BATS_TEST_TMPDIR/editor git commit -qa &
	local git_pid=$! i
	for ((i = 0; i < 100; i++)); do
		[[ ! -e .git/index.lock ]] || break
		sleep 0.05
	done
	[ -e .git/index.lock ]
	run_split -2 ew add event_date=2026-11-21 cercle=Niono category=threat
	assert_stderr_regex "'.*/\.git/index\.lock' is in the way: process [0-9]+, a git command, may hold it"
	[ -e .git/index.lock ]
	touch "$BATS_TEST_TMPDIR/go"
	wait "$git_pid"
	assert_equal "$(git log -1 --format=%s)" "a hand commit"
	run_split -0 ew add event_date=2026-11-21 cercle=Niono category=threat
	assert_equal "$(ew list --count)" 2
	assert_clean_repo
}

@test "durability: objects, the shard, its directory, the index and the branch are synced before ew add says it is done" {
	command -v strace >/dev/null || skip "strace is not installed"
	# (LeakSanitizer cannot run under ptrace)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -y -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=fsync,fdatasync,rename,renameat,renameat2,link,linkat \
		ew add event_date=2025-03-04 cercle=Niono category=attack >/dev/null
	local t=$BATS_TEST_TMPDIR/trace root
	root=$(pwd -P)
	# the shard of a new month, in a new year's directory: the file is
	# synced before it is renamed into place, then its directory, and the
	# new directory in its parent
	grep -qE "^[0-9]+ +fsync\([0-9]+<$root/reports/2025/03\.csv\.ew-tmp-[0-9]+>\) = 0" "$t"
	run -0 awk -v f="$root/reports/2025/03.csv" '
		index($0, "fsync(") && index($0, f ".ew-tmp-") { synced = NR }
		index($0, "rename(") && index($0, "\"" f "\"") { renamed = NR }
		index($0, "fsync(") && index($0, "<" root "/reports/2025>") && renamed { dir = NR }
		END { print (synced && renamed > synced && dir > renamed) ? "ok" : "out of order" }' root="$root" "$t"
	assert_output ok
	grep -qE "fsync\([0-9]+<$root/reports>\) = 0" "$t"
	# every object is synced before it is linked into place
	local objects
	objects=$(grep -cE "link\(\"$root/\.git/objects/tmp_object" "$t")
	((objects >= 4)) || fail "only $objects objects written"
	assert_equal "$(grep -cE "fsync\([0-9]+<$root/\.git/objects/tmp_object" "$t")" "$objects"
	# the index: renamed into place by libgit2, then synced by ew
	run -0 awk -v root="$root" '
		index($0, "rename(\"" root "/.git/index.lock\", \"" root "/.git/index\")") { renamed = NR }
		index($0, "fsync(") && index($0, "<" root "/.git/index>") && renamed { synced = NR }
		END { print synced ? "ok" : "not synced" }' "$t"
	assert_output ok
	# the branch: written to a lock file, synced, renamed
	grep -qE "fsync\([0-9]+<$root/\.git/refs/heads/main\.lock>\) = 0" "$t"
	grep -qE "rename\(\"$root/\.git/refs/heads/main\.lock\", \"$root/\.git/refs/heads/main\"\) = 0" "$t"
}

@test "full file system: at every amount of free space ew add fails with a clear message and exit 2, or writes the whole record" {
	[[ $(id -u) == 0 ]] || skip "mounting a small file system needs root"
	local mnt=$BATS_TEST_TMPDIR/tiny
	mkdir "$mnt"
	mount -t tmpfs -o size=4m tmpfs "$mnt" 2>/dev/null || skip "cannot mount a tmpfs here"
	cp -a "$BATS_TEST_TMPDIR/repo" "$mnt/repo"
	cd "$mnt/repo"
	local free k failed=0 done_at=
	for ((k = 0; k <= 64; k += 2)); do
		save_snapshot
		rm -f "$mnt/filler"
		# fill the file system, then free k pages
		dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null || true
		((k == 0)) || truncate -s "-$((k * 4))K" "$mnt/filler"
		run_split ew add event_date=2026-11-21 cercle=Niono category=threat "description=free $k pages"
		if ((status == 0)); then
			done_at=$k
			break
		fi
		failed=$((failed + 1))
		assert_equal "$status" 2
		assert_stderr_regex 'No space left on device'
		rm -f "$mnt/filler"
		assert_repo_unchanged
	done
	rm -f "$mnt/filler"
	[[ -n $done_at ]] || fail "ew add never succeeded with up to 256 KiB free"
	echo "# ew add failed cleanly $failed times, and succeeded with $((done_at * 4)) KiB free" >&3
	((failed >= 3)) || fail "only $failed runs hit the full file system"
	assert_equal "$(ew list --count)" 2
	run_split -0 ew add event_date=2026-11-22 cercle=Niono category=threat
	run -0 ew verify
	assert_clean_repo
	cd "$BATS_TEST_TMPDIR"
	umount "$mnt"
}
