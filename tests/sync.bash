# sync.bash -- what the suites of ew sync over a network (sync-ssh.bats,
# sync-https.bats) share. $HUB is the path of the hub on the "server".

# office NAME: a new ew repository in $BATS_TEST_TMPDIR/NAME, entered.
office() {
	new_repo "$BATS_TEST_TMPDIR/$1"
}

# hub_head: the commit of main on the hub, or nothing.
hub_head() {
	git -C "$HUB" rev-parse --verify -q refs/heads/main || true
}

# shards DIR: the shard files of DIR, one a line.
shards() {
	git -C "$1" ls-files reports
}

# send_and_clone URL: office a, with two records (one of November, whose
# id goes to $R1, and one of October), sends them to the empty hub at URL
# (its remote "hub", through `ew sync hub`); then office b is made with
# `ew clone URL b`. Each step is checked. Ends in $BATS_TEST_TMPDIR.
send_and_clone() {
	local url=$1
	office a
	add_one severity=2
	R1=$ADDED_ID
	ew add event_date=2026-10-05 cercle=Macina category=threat >/dev/null
	git remote add hub "$url"
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 2'
	assert_stderr_empty
	assert_equal "$(hub_head)" "$(head_commit)"
	assert_equal "$(git rev-parse refs/remotes/hub/main)" "$(head_commit)"

	cd "$BATS_TEST_TMPDIR" || return 1
	run_split -0 ew clone "$url" b
	assert_output "Cloned $url into b; 'ew sync' exchanges records with it"
	assert_stderr_empty
	assert_equal "$(git -C b remote get-url origin)" "$url"
	run -0 git -C b config merge.ew.driver
	assert_output --regexp "/ew-merge' --driver %O %A %B %P$"
	assert_equal "$(cd b && list_ids)" "$(cd a && list_ids)"
	assert_equal "$(cd b && list_ids | wc -l)" 2
}

# exchange_both_ways: after send_and_clone, B adds a record and sends it;
# A adds one and syncs, which merges B's in; B syncs again and gets A's.
# Each step is checked; at the end both offices have the same commit, the
# same four records and, shard by shard, the same bytes. Ends in
# $BATS_TEST_TMPDIR.
exchange_both_ways() {
	cd b || return 1
	add_one severity=4
	local r3=$ADDED_ID
	run_split -0 ew sync
	assert_output 'origin: received 0 records, sent 1'
	assert_stderr_empty
	cd ../a || return 1
	add_one severity=5
	local r4=$ADDED_ID
	run_split -0 ew sync hub
	assert_output 'hub: received 1 record, sent 1'
	assert_stderr_empty
	assert_field "$r3" severity 4
	assert_equal "$(hub_head)" "$(head_commit)"
	cd ../b || return 1
	run_split -0 ew sync
	assert_output 'origin: received 1 record, sent 0'
	assert_stderr_empty
	assert_field "$r4" severity 5
	assert_field "$R1" severity 2
	cd .. || return 1
	assert_equal "$(head_commit b)" "$(head_commit a)"
	assert_equal "$(shards b)" "$(shards a)"
	assert_equal "$(shards a | wc -l)" 2
	local s
	for s in $(shards a); do
		cmp "a/$s" "b/$s" || fail "$s differs between a and b"
	done
	assert_equal "$(ew -C a list --count)" 4
	assert_clean_repo a
	assert_clean_repo b
}
