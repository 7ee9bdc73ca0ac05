#!/usr/bin/env bats
# ew-init: creating a data repository; finding one.

load helpers

# init_here: ew init -q a repository in $BATS_TEST_TMPDIR/repo and cd there
# (new_repo may copy a template; these tests look at what ew init made).
init_here() {
	ew init -q "$BATS_TEST_TMPDIR/repo" || fail "ew init -q failed"
	cd "$BATS_TEST_TMPDIR/repo"
}

@test "init: creates the repository files, commits them once, and says where" {
	run_split -0 ew init "$BATS_TEST_TMPDIR/segou"
	assert_output "Initialised ew repository in $BATS_TEST_TMPDIR/segou"
	assert_stderr_empty
	cd "$BATS_TEST_TMPDIR/segou"
	assert_equal "$(git ls-tree -r --name-only HEAD)" "$(printf '%s\n' .gitattributes categories.csv ew.conf places.csv rules.conf)"
	assert_equal "$(commit_count)" 1
	assert_equal "$(head_message)" "$(printf 'Initialise ew repository\n\nEw-Action: init')"
	assert_equal "$(head_trailers)" 'Ew-Action: init'
	assert_clean_repo
}

@test "init: the commit has the git identity and EW_NOW as its time" {
	ew init -q "$BATS_TEST_TMPDIR/segou"
	cd "$BATS_TEST_TMPDIR/segou"
	assert_equal "$(git log -1 --format='%an <%ae>|%cn <%ce>|%at|%ct')" "Test Operator <ops@example.org>|Test Operator <ops@example.org>|$EW_TEST_NOW_EPOCH|$EW_TEST_NOW_EPOCH"
}

@test "init: the commit author is EW_AUTHOR when it is set" {
	EW_AUTHOR='Awa Coulibaly <awa@example.org>' run -0 ew init -q "$BATS_TEST_TMPDIR/segou"
	assert_equal "$(git -C "$BATS_TEST_TMPDIR/segou" log -1 --format='%an <%ae>')" 'Awa Coulibaly <awa@example.org>'
}

@test "init: gazetteer, taxonomy, rules and settings are copied from the share directory" {
	init_here
	cmp places.csv "$EW_SHAREDIR/places.csv"
	cmp categories.csv "$EW_SHAREDIR/categories.csv"
	cmp rules.conf "$EW_SHAREDIR/rules.conf"
	cmp ew.conf "$EW_SHAREDIR/ew.conf"
	run -0 git config -f ew.conf -l
	run -0 git config -f rules.conf -l
}

@test "init: .gitattributes sends shards and the alert log to the ew merge driver" {
	init_here
	run -0 cat .gitattributes
	assert_line 'reports/**/*.csv merge=ew'
	assert_line 'alerts.csv merge=ew'
	assert_equal "$(git check-attr merge reports/2026/11.csv)" 'reports/2026/11.csv: merge: ew'
	assert_equal "$(git check-attr merge alerts.csv)" 'alerts.csv: merge: ew'
}

@test "init: record files carry the ew merge attribute and the driver is registered" {
	init_here
	run -0 git check-attr merge -- reports/2026/11.csv alerts.csv ew.conf
	assert_output "reports/2026/11.csv: merge: ew
alerts.csv: merge: ew
ew.conf: merge: unspecified"
	# the driver is ew-merge beside the ew-init that made the repository
	run -0 git config --local merge.ew.driver
	assert_output "'$(program_dir)/ew-merge' --driver %O %A %B %P"
	run -0 git config --local merge.ew.name
}

@test "init: -q prints nothing" {
	run_split -0 ew init -q "$BATS_TEST_TMPDIR/segou"
	assert_output ''
	assert_stderr_empty
}

@test "init: without DIR initialises the current directory" {
	mkdir "$BATS_TEST_TMPDIR/here"
	cd "$BATS_TEST_TMPDIR/here"
	run -0 ew init
	assert_output "Initialised ew repository in $BATS_TEST_TMPDIR/here"
	[[ -f ew.conf && -f places.csv && -f .gitattributes ]] || fail "files missing: $(ls -A)"
	assert_clean_repo
}

@test "init: a relative DIR is reported as an absolute path" {
	run -0 ew init rel
	assert_output "Initialised ew repository in $BATS_TEST_TMPDIR/rel"
}

@test "init: an existing empty git repository (no commits) is accepted" {
	git init -q "$BATS_TEST_TMPDIR/empty"
	run -0 ew init -q "$BATS_TEST_TMPDIR/empty"
	assert_equal "$(commit_count "$BATS_TEST_TMPDIR/empty")" 1
	assert_clean_repo "$BATS_TEST_TMPDIR/empty"
}

@test "init: an existing ew repository is refused and left unchanged" {
	new_repo
	add_one
	save_snapshot
	run_split -2 ew init "$BATS_TEST_TMPDIR/repo"
	assert_rejected "ew-init: '$BATS_TEST_TMPDIR/repo' is already an ew repository"
	run_split -2 ew init -q
	assert_rejected "ew-init: '$BATS_TEST_TMPDIR/repo' is already an ew repository"
}

@test "init: a directory that already has an ew.conf is refused and left alone" {
	mkdir "$BATS_TEST_TMPDIR/half"
	echo '[ew]' >"$BATS_TEST_TMPDIR/half/ew.conf"
	run_split -2 ew init "$BATS_TEST_TMPDIR/half"
	assert_stdout_empty
	assert_stderr "ew-init: '$BATS_TEST_TMPDIR/half' is already an ew repository"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/half")" ew.conf
}

@test "init: a git repository with commits is refused and left unchanged" {
	git init -q "$BATS_TEST_TMPDIR/other"
	cd "$BATS_TEST_TMPDIR/other"
	echo hello >README
	git add README
	git commit -q -m 'first'
	save_snapshot
	run_split -2 ew init -q .
	assert_stdout_empty
	assert_stderr_regex '^ew-init: '
	assert_repo_unchanged
}

@test "other tools: -C DIR, then EW_DIR, then the current directory and its parents find the repository" {
	new_repo "$BATS_TEST_TMPDIR/a"
	add_one
	new_repo "$BATS_TEST_TMPDIR/b"
	mkdir -p "$BATS_TEST_TMPDIR/b/reports/deep/er"
	cd "$BATS_TEST_TMPDIR/b/reports/deep/er"
	assert_equal "$(ew list --count)" 0
	EW_DIR=$BATS_TEST_TMPDIR/a run -0 ew list --count
	assert_output 1
	EW_DIR=$BATS_TEST_TMPDIR/a run -1 ew list -C "$BATS_TEST_TMPDIR/b" --count
	assert_output 0
	cd "$BATS_TEST_TMPDIR"
	run -0 ew list -C a --count
	assert_output 1
	EW_DIR=$BATS_TEST_TMPDIR/b run -0 ew add event_date=2026-11-20 cercle=Bla category=arrest
	assert_equal "$(commit_count b)" 2
	assert_equal "$(commit_count a)" 2
	assert_clean_repo b
}

@test "other tools: a directory that is not an ew repository gets the 'run ew init' error" {
	mkdir "$BATS_TEST_TMPDIR/plain"
	cd "$BATS_TEST_TMPDIR/plain"
	run_split -2 ew list
	assert_stdout_empty
	assert_stderr "ew-list: '$BATS_TEST_TMPDIR/plain' is not an ew repository (no ew.conf); run 'ew init' to create one"
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack
	assert_stderr "ew-add: '$BATS_TEST_TMPDIR/plain' is not an ew repository (no ew.conf); run 'ew init' to create one"
	run_split -2 ew update 01JQ status=closed
	assert_stderr "ew-update: '$BATS_TEST_TMPDIR/plain' is not an ew repository (no ew.conf); run 'ew init' to create one"
	run_split -2 ew list -C "$BATS_TEST_TMPDIR/plain"
	assert_stderr "ew-list: '$BATS_TEST_TMPDIR/plain' is not an ew repository (no ew.conf); run 'ew init' to create one"
	assert_equal "$(ls -A)" ''
}

@test "other tools: a git repository without ew.conf gets the 'run ew init' error" {
	git init -q "$BATS_TEST_TMPDIR/gitonly"
	cd "$BATS_TEST_TMPDIR/gitonly"
	run_split -2 ew list
	assert_stderr "ew-list: '$BATS_TEST_TMPDIR/gitonly' is not an ew repository (no ew.conf); run 'ew init' to create one"
	run_split -2 env EW_DIR="$BATS_TEST_TMPDIR/gitonly" ew list -C "$BATS_TEST_TMPDIR/gitonly"
	assert_stderr_regex "^ew-list: '$BATS_TEST_TMPDIR/gitonly' is not an ew repository"
}

@test "init: caller's GIT_DIR and GIT_WORK_TREE do not leak into the repository" {
	git init -q "$BATS_TEST_TMPDIR/decoy"
	GIT_DIR=$BATS_TEST_TMPDIR/decoy/.git GIT_WORK_TREE=$BATS_TEST_TMPDIR/decoy run -0 ew init -q "$BATS_TEST_TMPDIR/segou"
	assert_equal "$(commit_count "$BATS_TEST_TMPDIR/segou")" 1
	run -1 git -C "$BATS_TEST_TMPDIR/decoy" rev-parse -q --verify HEAD
	cd "$BATS_TEST_TMPDIR/segou"
	GIT_DIR=$BATS_TEST_TMPDIR/decoy/.git run -0 ew add event_date=2026-11-20 cercle=Niono category=attack
	assert_equal "$(commit_count)" 2
	assert_clean_repo
}
