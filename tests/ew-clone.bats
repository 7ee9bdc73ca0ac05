#!/usr/bin/env bats
# ew-clone.bats -- ew clone: setting up an office from a hub on the file
# system (over ssh and https: sync-ssh.bats and sync-https.bats; the
# clones the sync tests make: ew-sync.bats).

load helpers

# office NAME: a new ew repository in $BATS_TEST_TMPDIR/NAME (not entered).
office() {
	new_repo "$BATS_TEST_TMPDIR/$1"
	cd "$BATS_TEST_TMPDIR" || return 1
}

@test "clone: an ew hub becomes an office: the records, the merge driver, the remote" {
	office a
	ew -C a add event_date=2026-11-20 cercle=Niono category=attack >/dev/null
	ew -C a sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	run_split -0 ew clone "$BATS_TEST_TMPDIR/hub.git"
	assert_output "Cloned $BATS_TEST_TMPDIR/hub.git into hub; 'ew sync' exchanges records with it"
	assert_stderr_empty
	assert_equal "$(ew -C hub list --count)" 1
	run -0 git -C hub config merge.ew.driver
	assert_output --regexp "^'.*/ew-merge' --driver %O %A %B %P$"
	run -0 git -C hub remote get-url origin
	assert_output "$BATS_TEST_TMPDIR/hub.git"
	assert_clean_repo hub
	# --origin names the remote, -q says nothing
	run_split -0 ew clone -q --origin segou "$BATS_TEST_TMPDIR/hub.git" office2
	assert_output ''
	run -0 git -C office2 remote
	assert_output segou
	run -0 ew clone --help
	assert_line --index 0 --regexp '^usage: ew-clone '
}

@test "clone: a repository that is not ew, an empty hub, and an existing directory are refused" {
	git init -q --bare empty.git
	run_split -2 ew clone "$BATS_TEST_TMPDIR/empty.git" office
	assert_stderr_regex "is an empty repository"
	[ ! -e office ]
	git init -q plain && git -C plain commit -q --allow-empty -m x
	run_split -2 ew clone "$BATS_TEST_TMPDIR/plain" office
	assert_stderr_regex "is not an ew repository \(it has no ew.conf\)"
	[ ! -e office ]
	mkdir office
	run_split -2 ew clone "$BATS_TEST_TMPDIR/plain" office
	assert_stderr_regex "'office' already exists"
	run_split -2 ew clone "$BATS_TEST_TMPDIR/nothing-here" other
	assert_stderr_regex "clone: no repository at"
	run_split -2 ew clone --origin 'bad name' "$BATS_TEST_TMPDIR/plain"
	assert_stderr_regex "invalid remote name"
}

@test "clone: a hub whose HEAD names a branch it lacks is explained, and -b picks a branch" {
	office a
	git init -q --bare --initial-branch=trunk hub.git
	git -C a push -q "$BATS_TEST_TMPDIR/hub.git" main
	run_split -2 ew clone "$BATS_TEST_TMPDIR/hub.git" b
	assert_stderr_regex "names a branch it does not have \(it has: main\); clone one of those with 'ew clone -b BRANCH'"
	[ ! -e b ]
	run_split -0 ew clone -b main "$BATS_TEST_TMPDIR/hub.git" b
	assert_equal "$(git -C b symbolic-ref --short HEAD)" main
	run_split -0 ew -C "$BATS_TEST_TMPDIR/b" sync
	assert_output 'origin: received 0 records, sent 0'
}
