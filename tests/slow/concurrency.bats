#!/usr/bin/env bats
# concurrency.bats -- 20 processes x 50 `ew add` each, while ew update, ew
# alert and ew sync run in loops beside them, on one repository: exactly
# 1,000 new records, a linear history, no lost update, no deadlock.  Part
# of `make check-slow`.

load ../helpers

setup() {
	ew_common_setup
	W=$(mktemp -d "${EW_CRASH_TMPDIR:-/dev/shm}/ew-conc.XXXXXX") || W=$(mktemp -d)
}

teardown() {
	rm -rf "$W"
}

# adder N: 50 `ew add`, one record each, described "wN-J"; a failure is
# written to $W/failures.
adder() {
	local n=$1 j out
	for ((j = 1; j <= 50; j++)); do
		out=$(ew add event_date=2026-11-2$((j % 8 + 1)) cercle=Niono category=threat \
			severity=$((j % 5 + 1)) "description=w$n-$j" 2>&1) ||
			echo "ew add w$n-$j: $out" >>"$W/failures"
	done
}

# updater: 40 `ew update` of one record, severity 1..5 in turn; the value
# of each that succeeded goes to $W/updates, in order.
updater() {
	local i s out
	for ((i = 1; i <= 40; i++)); do
		s=$((i % 5 + 1))
		if out=$(ew update "$UPDATED" severity=$s 2>&1); then
			echo "$s" >>"$W/updates"
		else
			echo "ew update $i: $out" >>"$W/failures"
		fi
	done
}

# alerter and syncer: 15 runs each.
alerter() {
	local i out
	for ((i = 1; i <= 15; i++)); do
		# (1: nothing new to raise)
		out=$(ew alert 2>&1) || (($? == 1)) || echo "ew alert $i: $out" >>"$W/failures"
	done
}

syncer() {
	local i out
	for ((i = 1; i <= 15; i++)); do
		out=$(ew sync -q 2>&1) || echo "ew sync $i: $out" >>"$W/failures"
	done
}

@test "20 x 50 ew add beside ew update, ew alert and ew sync: 1,000 records, linear history, no lost update" {
	new_repo "$W/office"
	ew add <"$EW_SHAREDIR/demo/reports.csv" >/dev/null
	git init -q --bare "$W/hub.git"
	git remote add origin "$W/hub.git"
	ew sync -q
	UPDATED=$(ew list --format tsv --fields id | sed -n 2p)
	local severity_before
	severity_before=$(ew list --format tsv --fields severity "$UPDATED" | sed -n 2p)
	local before commits_before
	before=$(ew list --count)
	commits_before=$(commit_count)
	: >"$W/failures"
	local start=$SECONDS pids=() i
	for ((i = 1; i <= 20; i++)); do
		adder "$i" &
		pids+=($!)
	done
	updater &
	pids+=($!)
	alerter &
	pids+=($!)
	syncer &
	pids+=($!)
	# no deadlock: everything ends within ten minutes, or the test fails
	local deadline=$((SECONDS + 600))
	for i in "${pids[@]}"; do
		while kill -0 "$i" 2>/dev/null; do
			((SECONDS < deadline)) || {
				kill "${pids[@]}" 2>/dev/null
				fail "still running after 600 s: a deadlock"
			}
			sleep 0.5
		done
		wait "$i"
	done
	echo "# 1,000 ew add, 40 ew update, 15 ew alert, 15 ew sync in $((SECONDS - start)) s" >&3
	[[ ! -s $W/failures ]] || fail "$(printf 'failed commands:\n%s' "$(head -20 "$W/failures")")"

	# exactly 1,000 new records, each once
	assert_equal "$(ew list --count)" "$((before + 1000))"
	run -0 bash -c "ew list --format tsv --fields description | grep -c '^w[0-9]*-[0-9]*\$'"
	assert_output 1000
	run -0 bash -c "ew list --format tsv --fields description | grep '^w' | sort | uniq -d"
	assert_output ''
	# (one ew list, then grep: bats' run changes a variable i of its caller)
	ew list --format tsv --fields description >"$W/descriptions"
	local w
	for ((w = 1; w <= 20; w++)); do
		assert_equal "$(grep -c "^w$w-" "$W/descriptions")" 50
	done
	# a linear history: one parent each, one commit per add and update
	assert_equal "$(git rev-list --min-parents=2 --count HEAD)" 0
	local adds updates
	adds=$(git log --format=%B -n $(($(commit_count) - commits_before)) | grep -c '^Ew-Action: add$')
	updates=$(git log --format=%B -n $(($(commit_count) - commits_before)) | grep -c '^Ew-Action: update$')
	assert_equal "$adds" 1000
	# one commit per update that changed the value (one that sets the
	# value the record has already changes nothing, and commits nothing)
	local changed=0 prev=$severity_before v
	while read -r v; do
		[[ $v == "$prev" ]] || changed=$((changed + 1))
		prev=$v
	done <"$W/updates"
	assert_equal "$updates" "$changed"
	# no lost update: the record has the value of the last update that
	# succeeded
	run -0 ew list --format tsv --fields severity "$UPDATED"
	assert_equal "${lines[1]}" "$(tail -1 "$W/updates")"
	# the hub has it all after one more sync, and everything checks out
	run -0 ew sync -q
	assert_equal "$(git -C "$W/hub.git" rev-parse main)" "$(head_commit)"
	run -0 ew verify
	assert_clean_repo
	[[ -z $(find .git -name '*.lock' ! -name 'ew*.lock') ]]
}
