#!/usr/bin/env bats
# ew-sync.bats -- ew sync and ew clone against bare hubs on the file system
# (the ssh transport has its own suite, sync-ssh.bats).

load helpers

# office NAME: a new ew repository in $BATS_TEST_TMPDIR/NAME (not entered).
office() {
	new_repo "$BATS_TEST_TMPDIR/$1"
	cd "$BATS_TEST_TMPDIR" || return 1
}

# hub_and_b [ADD]: office a (with one record added when ADD is "add"),
# its hub hub.git (the remote "hub" of a), and office b cloned from it;
# in $BATS_TEST_TMPDIR.
hub_and_b() {
	office a
	cd a
	[ "${1:-}" != add ] || add_one
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	cd ..
	ew clone -q "$BATS_TEST_TMPDIR/hub.git" b
}

# both_raise: hub_and_b, then both offices record 3 killed in Niono and
# raise the "killings" alert (a at 12:00, b at 12:05), each with its own
# id: $FIRST (a's) and $SECOND (b's); nothing synced yet.
both_raise() {
	hub_and_b
	local d
	for d in a b; do
		ew -C "$d" add event_date=2026-11-27 cercle=Niono category=attack severity=4 killed=3 >/dev/null
	done
	EW_NOW=2026-11-28T12:00:00Z ew -C a alert >/dev/null
	EW_NOW=2026-11-28T12:05:00Z ew -C b alert >/dev/null
	FIRST=$(awk -F, '$3 == "killings" && $6 == "raised" {print $2}' a/alerts.csv)
	SECOND=$(awk -F, '$3 == "killings" && $6 == "raised" {print $2}' b/alerts.csv)
	[ -n "$FIRST" ] && [ -n "$SECOND" ] && [ "$FIRST" != "$SECOND" ]
}

# records N TAG [MONTH]: N records as CSV on stdout, described "TAG i", in
# November 2026 (or MONTH, YYYY-MM), spread over cercles and categories.
records() {
	local n=$1 tag=$2 month=${3:-2026-11} i
	local cercles=(Niono Macina Ségou Bla Barouéli San Tominian)
	local cats=(attack threat abduction looting armed-presence)
	echo 'event_date,cercle,category,severity,reporter,channel,description'
	for ((i = 1; i <= n; i++)); do
		printf '%s-%02d,%s,%s,%d,mon-%s,sms,"%s ""%d"", with a comma"\n' \
			"$month" $((i % 28 + 1)) "${cercles[i % 7]}" "${cats[i % 5]}" \
			$((i % 5 + 1)) "$tag" "$tag" "$i"
	done
}

# shards_of DIR: the shard files of DIR, with their bytes' checksum.
shards_of() {
	(cd "$1" && find reports -type f -name '*.csv' | sort | xargs sha256sum)
}

# count_records DIR: the number of records ew list sees in DIR.
count_records() {
	ew -C "$1" list --count 2>/dev/null || echo 0
}

@test "sync: --init-remote makes a bare hub, adds it as a remote and sends everything" {
	office a
	cd a
	add_one severity=2
	add_one severity=3
	run_split -0 ew sync --init-remote "$BATS_TEST_TMPDIR/usb/segou.git"
	assert_output 'segou: received 0 records, sent 2'
	run -0 git remote get-url segou
	assert_output "$BATS_TEST_TMPDIR/usb/segou.git"
	run -0 git -C "$BATS_TEST_TMPDIR/usb/segou.git" rev-parse --is-bare-repository
	assert_output true
	assert_equal "$(git -C "$BATS_TEST_TMPDIR/usb/segou.git" rev-parse refs/heads/main)" "$(head_commit)"
	assert_equal "$(git -C "$BATS_TEST_TMPDIR/usb/segou.git" symbolic-ref HEAD)" refs/heads/main
	assert_clean_repo
	# a name can be given; an existing hub or remote name is refused
	run_split -2 ew sync --init-remote "$BATS_TEST_TMPDIR/usb/segou.git" other
	assert_stderr_regex "already a git repository"
	run_split -2 ew sync --init-remote "$BATS_TEST_TMPDIR/usb/two.git" segou
	assert_stderr_regex "already a remote 'segou'"
	mkdir "$BATS_TEST_TMPDIR/full" && touch "$BATS_TEST_TMPDIR/full/x"
	run_split -2 ew sync --init-remote "$BATS_TEST_TMPDIR/full" full
	assert_stderr_regex "is not empty"
}

@test "sync: no remote, an unknown remote, and usage errors exit 2 with a way out" {
	office a
	cd a
	run_split -2 ew sync
	assert_stderr_regex "no remotes to sync with; add one with 'git remote add NAME URL'"
	run_split -2 ew sync nowhere
	assert_stderr_regex "no remote 'nowhere'"
	run_split -2 ew sync --retries lots
	assert_stderr_regex "invalid --retries"
	run -0 ew sync --help
	assert_line --index 0 --regexp '^usage: ew-sync '
}

@test "sync: an office clones the hub, both add, both end with the same bytes" {
	office a
	cd a
	records 30 a | ew add >/dev/null
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	cd ..
	run_split -0 ew clone "$BATS_TEST_TMPDIR/hub.git" b
	assert_output --regexp "^Cloned .*hub.git into b"
	run -0 git -C b config merge.ew.driver
	assert_output --regexp "/ew-merge' --driver %O %A %B %P$"
	assert_equal "$(count_records b)" 30
	records 7 b | ew -C b add >/dev/null
	records 5 a2 | ew -C a add >/dev/null
	run_split -0 ew -C b sync
	assert_output 'origin: received 0 records, sent 7'
	run_split -0 ew -C a sync hub
	assert_output 'hub: received 7 records, sent 5'
	run_split -0 ew -C b sync
	assert_output 'origin: received 5 records, sent 0'
	assert_equal "$(shards_of a)" "$(shards_of b)"
	assert_equal "$(count_records a)" 42
	assert_clean_repo a
	assert_clean_repo b
	# a's merge commit has both parents and says what it did
	run -0 git -C a log -1 --format=%P
	assert_output --regexp '^[0-9a-f]{40} [0-9a-f]{40}$'
	run -0 git -C a log -1 --format=%B
	assert_line --index 0 'Sync with hub: received 7 records, sent 5'
	assert_line 'Ew-Action: sync'
	assert_line 'Ew-Remote: hub'
	# b was behind only: a fast-forward, no merge commit of its own
	assert_equal "$(head_commit b)" "$(head_commit a)"
	# nothing new: nothing changes
	local before
	before=$(head_commit a)
	run_split -0 ew -C a sync
	assert_output 'hub: received 0 records, sent 0'
	assert_equal "$(head_commit a)" "$before"
}

@test "sync: --ids prints what arrived, and ew list - shows those records" {
	office a
	cd a
	add_one severity=1
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	cd ..
	ew clone -q "$BATS_TEST_TMPDIR/hub.git" b
	local x y
	x=$(ew -C b add event_date=2026-11-21 cercle=Macina category=threat)
	y=$(ew -C b add event_date=2026-11-22 cercle=Bla category=looting)
	ew -C b sync -q
	run_split -0 ew -C a sync --ids
	assert_output "$(printf '%s\n' "$x" "$y" | sort)"
	assert_stderr 'hub: received 2 records, sent 0'
	run -0 bash -c "cd b && ew update $x severity=5 >/dev/null && ew sync -q && cd ../a && ew sync -q --ids | ew list - --fields id,severity --format csv"
	assert_output "id,severity
$x,5"
	# nothing new: no ids, and ew list - lists nothing (exit 1)
	run -1 bash -c "cd a && ew sync -q --ids | ew list - --format csv"
	assert_output "$(ew -C a list --format csv --fields "$EW_COLUMNS" 2>/dev/null | head -1)"
}

@test "sync: 500 records and 20 shared updates per office, either order: same bytes, every change kept or a conflict" {
	office a
	cd a
	records 20 shared | ew add >/dev/null
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	cd ..
	ew clone -q "$BATS_TEST_TMPDIR/hub.git" b
	mapfile -t shared < <(ew -C a list --fields id --format csv | tail -n +2)
	[ "${#shared[@]}" -eq 20 ]
	# offline: 500 new records each
	records 500 a 2026-10 | ew -C a add >/dev/null
	records 500 b 2026-10 | ew -C b add >/dev/null
	# the same 20 records updated on both sides: the first 10 in the same
	# field (b later, so b's value is kept), the others in different fields
	local i
	for ((i = 0; i < 20; i++)); do
		if ((i < 10)); then
			EW_NOW=2026-11-28T13:00:00Z ew -C a update "${shared[i]}" injured=$((i + 1)) >/dev/null
			EW_NOW=2026-11-28T14:00:00Z ew -C b update "${shared[i]}" injured=$((i + 50)) >/dev/null
		else
			EW_NOW=2026-11-28T13:00:00Z ew -C a update "${shared[i]}" actor1="actor a$i" >/dev/null
			EW_NOW=2026-11-28T14:00:00Z ew -C b update "${shared[i]}" actor2="actor b$i" >/dev/null
		fi
	done
	# the same state, synced in the other order
	cp -a a a2
	cp -a b b2
	cp -a hub.git hub2.git
	git -C a2 remote set-url hub "$BATS_TEST_TMPDIR/hub2.git"
	git -C b2 remote set-url origin "$BATS_TEST_TMPDIR/hub2.git"
	ew -C a sync -q && ew -C b sync -q && ew -C a sync -q
	ew -C b2 sync -q && ew -C a2 sync -q && ew -C b2 sync -q
	assert_equal "$(shards_of a)" "$(shards_of b)"
	assert_equal "$(shards_of a2)" "$(shards_of b2)"
	assert_equal "$(shards_of a)" "$(shards_of a2)"
	assert_equal "$(count_records a)" 1020
	for d in a b a2 b2; do
		assert_clean_repo "$d"
		run -0 git -C "$d" fsck --strict
	done
	# every change is there...
	for ((i = 0; i < 20; i++)); do
		if ((i < 10)); then
			assert_equal "$(ew -C a list "${shared[i]}" --fields injured --format csv | tail -1)" $((i + 50))
		else
			assert_equal "$(ew -C a list "${shared[i]}" --fields actor1,actor2 --format csv | tail -1)" "actor a$i,actor b$i"
		fi
	done
	# ...or kept as a conflict: a's 10 injured values lost to b's later ones
	for d in a b a2 b2; do
		run -0 ew -C "$d" list --conflicts --format csv
		assert_equal "${#lines[@]}" 11
		for ((i = 0; i < 10; i++)); do
			assert_line --regexp "^[^,]*,[0-9a-f]{12},${shared[i]},injured,$((i + 50)),$((i + 1)),2026-11-28T14:00:00Z,2026-11-28T13:00:00Z$"
		done
	done
}

@test "sync: 20 offices sync with one hub at once and the hub ends with every record" {
	office seed
	cd seed
	add_one severity=1
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	cd ..
	local i pids=()
	for ((i = 1; i <= 20; i++)); do
		ew clone -q "$BATS_TEST_TMPDIR/hub.git" "o$i"
		records 5 "o$i" | ew -C "o$i" add >/dev/null
	done
	for ((i = 1; i <= 20; i++)); do
		ew -C "o$i" sync -q >"o$i.out" 2>"o$i.err" &
		pids+=($!)
	done
	local failed=0
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || { failed=$((failed + 1)); cat "o$((i + 1)).err" >&3; }
	done
	assert_equal "$failed" 0
	ew clone -q "$BATS_TEST_TMPDIR/hub.git" check
	assert_equal "$(count_records check)" 101
	for ((i = 1; i <= 20; i++)); do
		assert_equal "$(ew -C check list --format csv --fields description | grep -c "^\"o$i \"")" 5
	done
	run -0 git -C "$BATS_TEST_TMPDIR/hub.git" fsck --strict
}

@test "sync: a record moved to another month on one side and edited on the other ends up once, with both changes" {
	office a
	cd a
	add_one event_date=2026-10-05 severity=2
	local id=$ADDED_ID
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	cd ..
	ew clone -q "$BATS_TEST_TMPDIR/hub.git" b
	ew -C a update "$id" event_date=2026-11-02 >/dev/null
	ew -C b update "$id" description="seen by two monitors" >/dev/null
	[ -f b/reports/2026/10.csv ]
	ew -C a sync -q
	run_split -0 ew -C b sync
	assert_output 'origin: received 1 record, sent 1'
	ew -C a sync -q
	for d in a b; do
		run -0 ew -C "$d" list "$id" --fields event_date,description --format csv
		assert_output "event_date,description
2026-11-02,seen by two monitors"
		[ ! -e "$d/reports/2026/10.csv" ] # its only record left
		run -0 grep -c "$id" "$d/reports/2026/11.csv"
		assert_output 1
		assert_clean_repo "$d"
	done
	assert_equal "$(shards_of a)" "$(shards_of b)"
}

@test "sync: a text conflict in rules.conf stops the sync and changes nothing here" {
	hub_and_b add
	git -C a config -f rules.conf rule.killings.threshold 2
	git -C a commit -qam 'Lower the killings threshold'
	git -C b config -f rules.conf rule.killings.threshold 4
	git -C b commit -qam 'Raise the killings threshold'
	ew -C b add event_date=2026-11-21 cercle=Bla category=threat >/dev/null
	ew -C a sync -q
	local before
	before=$(head_commit b)
	run_split -2 ew -C b sync
	assert_stderr_regex "'rules.conf' was changed here and on the remote, and the changes overlap; nothing was changed here. Merge it by hand: 'git merge origin/main'"
	assert_equal "$(head_commit b)" "$before"
	assert_clean_repo b
	# what was fetched waits in the remote-tracking branch
	assert_equal "$(git -C b rev-parse origin/main)" "$(head_commit a)"
	# changes to different parts of a file merge as git merges them
	git -C b reset -q --hard HEAD~2
	git -C b config -f rules.conf rule.abductions.window 14d
	git -C b commit -qam 'Widen the abductions window'
	run_split -0 ew -C b sync
	run -0 git -C b config -f rules.conf rule.killings.threshold
	assert_output 2
	run -0 git -C b config -f rules.conf rule.abductions.window
	assert_output 14d
	assert_clean_repo b
}

@test "sync: --no-push merges without sending; --no-fetch uses only what was fetched" {
	hub_and_b add
	ew -C b add event_date=2026-11-21 cercle=Bla category=threat >/dev/null
	ew -C b sync -q
	ew -C a add event_date=2026-11-22 cercle=Macina category=threat >/dev/null
	local hub_before
	hub_before=$(git -C hub.git rev-parse main)
	run_split -0 ew -C a sync --no-push
	assert_output 'hub: received 1 record, sent 1'
	assert_equal "$(git -C hub.git rev-parse main)" "$hub_before"
	assert_equal "$(count_records a)" 3
	# --no-fetch: b has moved on, a does not know; the push is refused
	ew -C b add event_date=2026-11-23 cercle=Bla category=threat >/dev/null
	ew -C b sync -q
	run_split -2 ew -C a sync --no-fetch
	assert_stderr_regex "the remote has changes this repository does not have; sync without --no-fetch"
	run_split -0 ew -C a sync
	assert_output 'hub: received 1 record, sent 1'
	assert_equal "$(git -C hub.git rev-parse main)" "$(head_commit a)"
	# --no-fetch with nothing fetched yet: nothing to merge, nothing sent
	git -C a update-ref -d refs/remotes/hub/main
	ew -C a add event_date=2026-11-24 cercle=Bla category=threat >/dev/null
	run_split -2 ew -C a sync --no-fetch
	assert_stderr_regex "hub: there is no remote-tracking branch hub/main to sync with yet; sync without --no-fetch"
	assert_equal "$(git -C hub.git rev-parse main)" "$(git -C a rev-parse HEAD~1)"
}

@test "sync: a push refused by the hub's hook is an error, not a success" {
	office a
	cd a
	add_one
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	printf '#!/bin/sh\necho "closed for audit"\nexit 1\n' >"$BATS_TEST_TMPDIR/hub.git/hooks/pre-receive"
	chmod +x "$BATS_TEST_TMPDIR/hub.git/hooks/pre-receive"
	add_one severity=4
	local hub_before
	hub_before=$(git -C "$BATS_TEST_TMPDIR/hub.git" rev-parse main)
	run_split -2 ew sync
	assert_stderr_regex "hub: remote: closed for audit"
	assert_stderr_regex "push to .*hub.git: the remote refused the update of refs/heads/main: \[remote rejected\] \(pre-receive hook declined\) \(a hook on the hub rejected it; ask its administrator\)"
	refute_output --regexp 'received'
	assert_equal "$(git -C "$BATS_TEST_TMPDIR/hub.git" rev-parse main)" "$hub_before"
}

@test "sync: alerts raised by both offices merge as a log and stay one alert" {
	both_raise
	ew -C a sync -q
	ew -C b sync -q
	ew -C a sync -q
	assert_equal "$(shards_of a)" "$(shards_of b)"
	cmp a/alerts.csv b/alerts.csv
	# each office's raise of the same alert is in the log...
	run -0 grep -c ',killings,Niono,[a-z]*,raised,' a/alerts.csv
	assert_output 2
	# ...and is one open alert
	run -0 ew -C a alert list --open --format csv
	run -0 grep -c ',killings,Niono,' <<<"$output"
	assert_output 1
	# the condition goes away: one resolution
	run -0 env EW_NOW=2026-12-10T12:00:00Z ew -C a alert --format csv
	run -0 grep -c 'resolved.*,killings,Niono\|killings,Niono,.*resolved' <<<"$output"
	assert_output 1
	run -1 ew -C a alert list --open --format csv
	refute_output --partial killings
}

@test "sync: killed at random moments, the repository stays consistent and the next sync completes" {
	hub_and_b add
	local round pid delay
	for ((round = 1; round <= 12; round++)); do
		records 40 "a$round" | ew -C a add >/dev/null
		records 40 "b$round" | ew -C b add >/dev/null
		ew -C b sync -q
		delay=$(((RANDOM % 60) * 5))
		ew -C a sync -q >/dev/null 2>&1 &
		pid=$!
		sleep "0.$(printf '%03d' "$delay")"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		run git -C a fsck --strict
		[ "$status" -eq 0 ] || fail "round $round, delay $delay: $output"
		# a half-written commit is known (the journal) until the next
		# writer puts it right
		if [ -n "$(git -C a status --porcelain --untracked-files=no)" ]; then
			[ -f a/.git/ew-journal ] || fail "round $round: dirty work tree and no journal"
		fi
		run_split -0 ew -C a sync
		assert_clean_repo a
		[ ! -f a/.git/ew-journal ]
	done
	ew -C b sync -q
	assert_equal "$(shards_of a)" "$(shards_of b)"
	assert_equal "$(count_records a)" $((1 + 12 * 80))
}

@test "writers: a commit that a killed writer left half done is put back by the next writer" {
	new_repo
	add_one severity=2
	local head shard=reports/2026/11.csv
	head=$(head_commit)
	# what a writer killed between writing the files and moving HEAD
	# leaves: a changed shard, a new one, the journal naming them, and
	# git's index lock
	cp "$shard" "$BATS_TEST_TMPDIR/before.csv"
	echo 'half,written' >>"$shard"
	mkdir -p reports/2026 && echo 'id' >reports/2026/10.csv
	printf '%s\n' "$shard" reports/2026/10.csv >.git/ew-journal
	: >.git/index.lock
	run_split -0 ew add event_date=2026-11-21 cercle=Bla category=threat
	[ ! -e .git/ew-journal ]
	[ ! -e .git/index.lock ]
	[ ! -e reports/2026/10.csv ]
	assert_equal "$(git rev-parse HEAD~1)" "$head"
	run -1 grep -c half,written "$shard"
	assert_output 0
	assert_equal "$(ew list --count)" 2
	assert_clean_repo
}

@test "sync: the id the other office gave an alert reaches the same alert" {
	both_raise
	local first=$FIRST second=$SECOND
	ew -C a sync -q && ew -C b sync -q && ew -C a sync -q
	run -0 ew -C a alert ack "$second" --note 'seen by office b' --author 'Awa Traoré'
	run -0 ew -C a alert list --open --format csv
	assert_line --regexp "^$first,killings,Niono,"
	# the acknowledgement is recorded for the alert, under its first id
	run -0 grep -c "^[^,]*,$first,killings,Niono,[a-z]*,acknowledged,.*,seen by office b," a/alerts.csv
	assert_output 1
}

@test "writers: the repair keeps a hand edit made since, and leaves a lock that is not the killed writer's" {
	new_repo
	add_one severity=2
	local shard=reports/2026/11.csv old
	old=$(git rev-parse "HEAD:$shard")
	# a git command that took the index lock before the writer was killed
	: >.git/index.lock
	touch -d '-1 minute' .git/index.lock
	printf '%s\t%s\t%s\n' "$shard" "$old" 0123456789012345678901234567890123456789 >.git/ew-journal
	run_split -2 ew add event_date=2026-10-21 cercle=Bla category=threat
	assert_stderr_regex "'.*/.git/index.lock' is in the way: another git command holds it; let it finish, or remove the file if no git command is running"
	[ -f .git/ew-journal ]
	rm .git/index.lock
	# someone edits the file before the next writer runs: the edit stays
	echo 'an edit by hand' >>"$shard"
	run_split -0 ew add event_date=2026-10-21 cercle=Bla category=threat
	[ ! -e .git/ew-journal ]
	run -0 git status --porcelain
	assert_output " M $shard"
	run -0 tail -1 "$shard"
	assert_output 'an edit by hand'
	run -0 git diff --cached --quiet
}

@test "sync: a record in another month's file (a hand edit) does not cost that month its records" {
	hub_and_b add
	records 30 oct 2026-10 | ew -C a add >/dev/null
	ew -C a sync -q && ew -C b sync -q
	local id
	id=$(ew -C a list --since 2026-11-01 --fields id --format csv | tail -1)
	# by hand, in a: the record's date says October, its file November
	sed -i "s/^$id,2026-11-[0-9][0-9],/$id,2026-10-05,/" a/reports/2026/11.csv
	git -C a commit -qam 'Correct the date by hand'
	ew -C b add event_date=2026-11-22 cercle=Bla category=threat >/dev/null
	ew -C a sync -q
	run_split -0 ew -C b sync
	for d in a b; do
		ew -C a sync -q
		assert_equal "$(count_records "$d")" 32
		run -0 ew -C "$d" list "$id" --fields event_date --format csv
		assert_line 2026-10-05
	done
	# the record went to its month, and October kept all 30 of its own
	run -0 grep -c ',2026-10-' b/reports/2026/10.csv
	assert_output 31
	run -1 grep -c "^$id," b/reports/2026/11.csv
}

@test "sync: a hub whose branch has another name is an error, not a second branch" {
	office a
	cd a
	add_one
	git init -q --bare --initial-branch=master "$BATS_TEST_TMPDIR/hub.git"
	git push -q "$BATS_TEST_TMPDIR/hub.git" main:master
	git remote add hub "$BATS_TEST_TMPDIR/hub.git"
	run_split -2 ew sync hub
	assert_stderr_regex "hub.git has no branch 'main' \(it has: master\); ew syncs the branch of the same name, so rename this one to the hub's \('git branch -m NAME'\) and sync again"
	run -0 git -C "$BATS_TEST_TMPDIR/hub.git" for-each-ref --format='%(refname)' refs/heads
	assert_output refs/heads/master
	git branch -m master
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 0'
}

@test "sync: the executable bit of a file travels, through a fast-forward and a merge" {
	hub_and_b
	printf '#!/bin/sh\necho hi\n' >a/notify.sh
	chmod +x a/notify.sh
	git -C a add notify.sh && git -C a commit -qm 'Add a notifier script'
	ew -C a sync -q
	run_split -0 ew -C b sync
	[ -x b/notify.sh ]
	assert_clean_repo b
	# a mode change on one side and records on the other: a merge keeps it
	chmod -x a/notify.sh
	git -C a commit -qam 'Not executable'
	ew -C b add event_date=2026-11-22 cercle=Bla category=threat >/dev/null
	ew -C a sync -q
	run_split -0 ew -C b sync
	run -0 git -C b ls-tree HEAD notify.sh
	assert_output --regexp '^100644 '
	[ ! -x b/notify.sh ]
	assert_clean_repo b
}

@test "sync: a remote's file at an unsafe path, or a symbolic link, is refused and nothing is written" {
	hub_and_b add
	# a commit, pushed to the hub by hand, whose tree holds '..'
	local blob tree evil commit
	blob=$(echo pwned | git -C a hash-object -w --stdin)
	tree=$(python3 -c 'import sys,binascii; sys.stdout.buffer.write(b"100644 ..\0" + binascii.unhexlify(sys.argv[1]))' "$blob" |
		git -C a hash-object -t tree --literally -w --stdin)
	evil=$( (git -C a ls-tree HEAD; printf '040000 tree %s\tx\n' "$tree") | git -C a mktree)
	commit=$(git -C a commit-tree "$evil" -p HEAD -m 'evil')
	git -C a push -q hub "$commit:refs/heads/main"
	ew -C b add event_date=2026-11-22 cercle=Bla category=threat >/dev/null
	local before
	before=$(head_commit b)
	run_split -2 ew -C b sync
	assert_stderr_regex "a commit to merge has a file at an unsafe path \('x/\.\.'\); nothing was changed"
	[ ! -e "$BATS_TEST_TMPDIR/b/x" ]
	assert_equal "$(head_commit b)" "$before"
	# (the fetched objects fail git fsck, as they would for git itself)
	run -0 git -C b status --porcelain
	assert_output ''
	# a symbolic link
	git -C a reset -q --hard HEAD
	git -C "$BATS_TEST_TMPDIR/hub.git" update-ref refs/heads/main "$(head_commit a)"
	ln -s /etc/passwd a/link
	git -C a add link && git -C a commit -qm 'A link'
	git -C a push -q hub main
	run_split -2 ew -C b sync
	assert_stderr_regex "'link' is a symbolic link in theirs; ew merges plain files only"
	[ ! -e b/link ]
}

@test "sync: remote names that could be options are refused; GIT_DIR from a hook does not redirect git" {
	hub_and_b add
	run_split -2 ew -C a sync -- '--upload-pack=touch pwned'
	assert_stderr_regex "invalid remote name '--upload-pack=touch pwned'"
	run_split -2 ew -C a sync --init-remote "$BATS_TEST_TMPDIR/x.git" -- -x
	assert_stderr_regex "invalid remote name '-x'"
	[ ! -e "$BATS_TEST_TMPDIR/x.git" ] && [ ! -e pwned ] && [ ! -e a/pwned ]
	ew -C b add event_date=2026-11-22 cercle=Bla category=threat >/dev/null
	ew -C b sync -q
	run_split -0 env GIT_DIR="$BATS_TEST_TMPDIR/b/.git" ew -C a sync
	assert_output 'hub: received 1 record, sent 0'
}
