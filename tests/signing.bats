#!/usr/bin/env bats
# signing.bats -- signed commits: sign.key (ew init --sign, ew.conf or
# .git/config) makes every commit of every program signed, with an ssh key
# or a GnuPG key, in the form git itself checks (git verify-commit); a key
# that cannot sign stops the command before anything is committed.

load helpers

setup() {
	ew_common_setup
	mkdir -p "$HOME/.ssh"
	KEY=$HOME/.ssh/id_ed25519
	ssh-keygen -q -t ed25519 -N '' -C office-a -f "$KEY" </dev/null
	ALLOWED=$BATS_TEST_TMPDIR/allowed_signers
	echo "ops@example.org $(cut -d' ' -f1,2 "$KEY.pub")" >"$ALLOWED"
}

teardown() {
	# the agent gpg started for this test's GnuPG home
	if [[ -n ${GNUPGHOME:-} && -d $GNUPGHOME ]]; then
		gpgconf --kill gpg-agent 2>/dev/null || true
	fi
}

# git_verify [REV]: git verify-commit REV (HEAD) with the allowed signers.
git_verify() {
	git -c gpg.ssh.allowedSignersFile="$ALLOWED" verify-commit "${1:-HEAD}"
}

# assert_all_signed: git verify-commit succeeds for every commit of HEAD's
# history.
assert_all_signed() {
	local c bad=
	for c in $(git rev-list HEAD); do
		git_verify "$c" 2>/dev/null || bad+="$c $(git log -1 --format=%s "$c")"$'\n'
	done
	[[ -z $bad ]] || fail "$(printf 'commits git cannot verify:\n%s' "$bad")"
}

# signer REV: the principal of REV's good signature, as git shows it.
signer() {
	git -c gpg.ssh.allowedSignersFile="$ALLOWED" log -1 --format='%G? %GS' "$1"
}

# actions: the Ew-Action of each commit of HEAD's history, newest first.
actions() {
	git log --format='%(trailers:key=Ew-Action,valueonly,separator=)'
}

@test "signing: ew init --sign KEY: sign.key in ew.conf, and the first commit is signed" {
	run_split -0 ew init -q --sign ~/.ssh/id_ed25519 office
	assert_output ''
	assert_stderr_empty
	cd office
	run -0 git config -f ew.conf sign.key
	assert_output "$KEY"
	assert_equal "$(git ls-files ew.conf)" ew.conf
	assert_equal "$(commit_count)" 1
	run -0 git_verify
	run -0 git cat-file commit HEAD
	assert_line --index 2 --regexp '^committer Test Operator <ops@example.org> '
	assert_line 'gpgsig -----BEGIN SSH SIGNATURE-----'
	assert_equal "$(signer HEAD)" 'G ops@example.org'
	assert_clean_repo
}

@test "signing: the commits of every program are signed: init, add, update, alert (raise, ack, resolve, silence) and a sync merge" {
	ew init -q --sign ~/.ssh/id_ed25519 a
	cd a
	add_one event_date=2026-11-27 killed=1
	local r1=$ADDED_ID
	run -0 ew update "$r1" severity=3
	run -0 ew alert
	local alert
	alert=$(git show HEAD:alerts.csv | awk -F, 'NR == 2 { print $2 }')
	[[ $alert =~ ^$ULID_RE$ ]] || fail "no alert raised: '$alert'"
	EW_NOW=2026-11-28T12:10:00Z run -0 ew alert ack "$alert" --note seen
	EW_NOW=2026-11-28T12:20:00Z run -0 ew alert resolve "$alert" --note done
	EW_NOW=2026-11-28T12:30:00Z run -0 ew alert silence killings:Niono --for 1d --reason calm
	# a hub; office b, with its own key in .git/config
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	cd ..
	ew clone -q "$BATS_TEST_TMPDIR/hub.git" b
	ssh-keygen -q -t ed25519 -N '' -C office-b -f "$BATS_TEST_TMPDIR/b_key" </dev/null
	echo "b@example.org $(cut -d' ' -f1,2 "$BATS_TEST_TMPDIR/b_key.pub")" >>"$ALLOWED"
	git -C b config sign.key "$BATS_TEST_TMPDIR/b_key"
	cd b
	EW_NOW=2026-11-28T13:00:00Z run -0 ew update "$r1" injured=2
	local b_update
	b_update=$(head_commit)
	ew sync -q
	# a changed a record meanwhile: a real merge
	cd ../a
	EW_NOW=2026-11-28T13:10:00Z add_one event_date=2026-11-26 cercle=San category=clash
	EW_NOW=2026-11-28T13:20:00Z run_split -0 ew sync hub
	assert_output 'hub: received 1 record, sent 1'
	run -0 git log -1 --format=%P
	assert_output --regexp '^[0-9a-f]{40} [0-9a-f]{40}$'
	assert_output --partial "$b_update"
	assert_equal "$(actions | head -1)" sync
	run -0 git_verify HEAD
	assert_equal "$(signer HEAD)" 'G ops@example.org'
	assert_equal "$(signer "$b_update")" 'G b@example.org'
	# every kind of commit is in the history, and each is signed
	assert_equal "$(actions | tr '\n' ' ')" 'sync add update silence resolve ack alert update add init '
	assert_all_signed
	run_split -0 ew verify --signatures --allowed-signers "$ALLOWED"
	assert_output '0 problems (checked files, shards, ids, alerts, worktree, objects, history, signatures)'
	# b fast-forwards to the same signed commits
	cd ../b
	run_split -0 ew sync
	assert_output 'origin: received 1 record, sent 0'
	assert_equal "$(head_commit)" "$(head_commit ../a)"
	assert_all_signed
	run_split -0 ew verify --signatures --allowed-signers "$ALLOWED"
	assert_output '0 problems (checked files, shards, ids, alerts, worktree, objects, history, signatures)'
	assert_clean_repo
	assert_clean_repo ../a
}

@test "signing: sign.key set in ew.conf (a path with ~/) and committed turns signing on" {
	new_repo
	add_one
	run -1 git_verify
	git config -f ew.conf sign.key '~/.ssh/id_ed25519'
	git commit -q -m 'Sign the commits' ew.conf
	local unsigned
	unsigned=$(head_commit)
	add_one
	run -0 git_verify
	assert_equal "$(signer HEAD)" 'G ops@example.org'
	run -0 ew update "$ADDED_ID" severity=2
	run -0 git_verify
	run_split -0 ew verify --signatures="$unsigned" --allowed-signers "$ALLOWED"
	assert_output '0 problems (checked files, shards, ids, alerts, worktree, objects, history, signatures)'
	# sign.format = ssh says the same
	git config -f ew.conf sign.format ssh
	git commit -q -m 'Say ssh' ew.conf
	add_one
	run -0 git_verify
}

@test "signing: sign.key = \"\" in .git/config turns signing off; unset, ew.conf's key signs again" {
	ew init -q --sign ~/.ssh/id_ed25519 office
	cd office
	git config sign.key ''
	add_one
	run -0 git cat-file commit HEAD
	refute_output --partial gpgsig
	run -1 git_verify
	git config --unset sign.key
	add_one
	run -0 git_verify
}

@test "signing: a missing key file: exit 2 with a message naming the key, nothing committed (add, update, alert, sync)" {
	ew init -q --sign ~/.ssh/id_ed25519 a
	cd a
	add_one event_date=2026-11-27 killed=1
	local r1=$ADDED_ID
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	ew clone -q "$BATS_TEST_TMPDIR/hub.git" ../b
	EW_NOW=2026-11-28T12:10:00Z ew -C ../b add event_date=2026-11-26 cercle=San category=clash >/dev/null
	ew -C ../b sync -q
	EW_NOW=2026-11-28T12:20:00Z add_one event_date=2026-11-25 cercle=Bla category=threat
	local missing=$BATS_TEST_TMPDIR/no-such-key hub
	hub=$(git -C "$BATS_TEST_TMPDIR/hub.git" rev-parse main)
	git config sign.key "$missing"
	local msg="cannot sign with ssh key '$missing': .*\\(check sign.key in ew.conf or .git/config\\)\$"
	save_snapshot
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack
	assert_rejected_regex "^ew-add: $msg"
	run_split -2 ew update "$r1" severity=4
	assert_rejected_regex "^ew-update: $msg"
	run_split -2 ew alert
	assert_repo_unchanged
	assert_stderr_regex "^ew-alert: $msg"
	run_split -2 ew alert silence killings:Niono --for 1d --reason calm
	assert_rejected_regex "^ew-alert: $msg"
	run_split -2 ew sync hub
	assert_repo_unchanged
	assert_stderr_regex "^ew-sync: $msg"
	assert_equal "$(git -C "$BATS_TEST_TMPDIR/hub.git" rev-parse main)" "$hub"
	assert_clean_repo
	# a key that exists again: the same commands work
	git config --unset sign.key
	run -0 ew update "$r1" severity=4
	run -0 git_verify
}

@test "signing: ew init --sign with a missing key makes nothing" {
	run_split -2 ew init -q --sign "$BATS_TEST_TMPDIR/no-such-key" office
	assert_stdout_empty
	assert_stderr_regex "^ew-init: cannot sign with ssh key '$BATS_TEST_TMPDIR/no-such-key': "
	[[ ! -e office ]] || fail "ew init left $(ls -A office)"
}

@test "signing: an unknown sign.format is refused before anything is committed" {
	ew init -q --sign ~/.ssh/id_ed25519 office
	cd office
	add_one
	git config sign.format pgp2
	save_snapshot
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack
	assert_rejected "ew-add: sign.format is 'pgp2'; it must be 'ssh' or 'openpgp'"
}

@test "signing: a refused first add of a month (the key is missing) leaves the work tree as it was, without empty directories" {
	ew init -q --sign ~/.ssh/id_ed25519 office
	cd office
	git config sign.key "$BATS_TEST_TMPDIR/no-such-key"
	save_snapshot
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack
	assert_stderr_regex "^ew-add: cannot sign with ssh key '$BATS_TEST_TMPDIR/no-such-key': "
	assert_clean_repo
	[[ ! -e reports ]] || fail "$(printf 'ew add left behind:\n%s' "$(find reports)")"
	assert_rejected_regex '^ew-add: cannot sign'
}

@test "signing: a GnuPG key (sign.key = fingerprint, sign.format = openpgp): git verify-commit and ew verify accept the commits" {
	command -v gpg >/dev/null || skip "gpg is not installed (Debian package gpg): the GnuPG signing test needs it"
	export GNUPGHOME=$BATS_TEST_TMPDIR/gnupg
	mkdir -m 700 "$GNUPGHOME"
	run -0 gpg --batch --passphrase '' --quick-gen-key 'Test <t@x>' ed25519 sign never
	local fpr
	fpr=$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
	[[ $fpr =~ ^[0-9A-F]{40}$ ]] || fail "no fingerprint: '$fpr'"
	new_repo
	git config -f ew.conf sign.key "$fpr"
	git config -f ew.conf sign.format openpgp
	git commit -q -m 'Sign with GnuPG' ew.conf
	local unsigned
	unsigned=$(head_commit)
	add_one
	run -0 git verify-commit HEAD
	run -0 git cat-file commit HEAD
	assert_line 'gpgsig -----BEGIN PGP SIGNATURE-----'
	assert_equal "$(git log -1 --format=%G?)" G
	run -0 ew update "$ADDED_ID" severity=2
	run -0 git verify-commit HEAD
	run_split -0 ew verify --signatures="$unsigned"
	assert_output '0 problems (checked files, shards, ids, alerts, worktree, objects, history, signatures)'
	# without sign.format: a key that is not a file is a GnuPG key
	git config -f ew.conf --unset sign.format
	git commit -q -m 'Guess the format' ew.conf
	add_one
	run -0 git verify-commit HEAD
	assert_clean_repo
}

@test "signing: ew init --sign with a relative key stores it absolute; a relative sign.key in .git/config is under the repository's top directory" {
	mkdir keys
	ssh-keygen -q -t ed25519 -N '' -C k -f keys/k </dev/null
	local allowed_k=$BATS_TEST_TMPDIR/allowed_k
	echo "ops@example.org $(cut -d' ' -f1,2 keys/k.pub)" >"$allowed_k"
	cd keys
	run_split -0 ew init -q --sign ./k "$BATS_TEST_TMPDIR/office"
	assert_output ''
	assert_stderr_empty
	run -0 git config -f "$BATS_TEST_TMPDIR/office/ew.conf" sign.key
	assert_output "$BATS_TEST_TMPDIR/keys/k"
	# from another directory, which has no ./k
	mkdir "$BATS_TEST_TMPDIR/elsewhere"
	cd "$BATS_TEST_TMPDIR/elsewhere"
	run_split -0 ew -C "$BATS_TEST_TMPDIR/office" add event_date=2026-11-20 cercle=Niono category=attack
	assert_output --regexp "^$ULID_RE\$"
	assert_stderr_empty
	cd "$BATS_TEST_TMPDIR/office"
	assert_equal "$(commit_count)" 2
	local c
	for c in HEAD HEAD~1; do
		run -0 git -c gpg.ssh.allowedSignersFile="$allowed_k" verify-commit "$c"
	done
	# a repository with sign.key keys/office in .git/config, the key in
	# its keys/ directory
	cd "$BATS_TEST_TMPDIR"
	new_repo "$BATS_TEST_TMPDIR/rel"
	mkdir keys sub
	ssh-keygen -q -t ed25519 -N '' -C office -f keys/office </dev/null
	git config sign.key keys/office
	local allowed_rel=$BATS_TEST_TMPDIR/allowed_rel
	echo "ops@example.org $(cut -d' ' -f1,2 keys/office.pub)" >"$allowed_rel"
	# a keys/office under the current directory, another key: not the one used
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere/keys"
	ssh-keygen -q -t ed25519 -N '' -C decoy -f "$BATS_TEST_TMPDIR/elsewhere/keys/office" </dev/null
	cd sub
	run_split -0 ew add event_date=2026-11-20 cercle=Niono category=attack
	assert_stderr_empty
	run -0 git -c gpg.ssh.allowedSignersFile="$allowed_rel" verify-commit HEAD
	cd "$BATS_TEST_TMPDIR/elsewhere"
	run_split -0 ew -C "$BATS_TEST_TMPDIR/rel" add event_date=2026-11-21 cercle=Niono category=attack
	assert_stderr_empty
	cd "$BATS_TEST_TMPDIR/rel"
	assert_equal "$(commit_count)" 3
	run -0 git -c gpg.ssh.allowedSignersFile="$allowed_rel" verify-commit HEAD
	run -0 git -c gpg.ssh.allowedSignersFile="$allowed_rel" verify-commit HEAD~1
	# the template's first commit is not signed
	run -1 git -c gpg.ssh.allowedSignersFile="$allowed_rel" verify-commit HEAD~2
}

@test "signing: a sign.key file that is not a key: ew add exits 2, leaves no directory it made, commits nothing" {
	new_repo
	add_one event_date=2026-11-20
	echo junk >"$BATS_TEST_TMPDIR/bad"
	local bad=$BATS_TEST_TMPDIR/bad
	git config sign.key "$bad"
	local msg="cannot sign with ssh key '$bad': .*\\(check sign.key in ew.conf or .git/config\\)\$"
	# a month of a year the repository has no directory for
	save_snapshot
	run_split -2 ew add event_date=2025-12-20 cercle=Niono category=attack
	assert_rejected_regex "^ew-add: $msg"
	run -0 find reports -type d
	assert_output "$(printf '%s\n' reports reports/2026)"
	assert_equal "$(commit_count)" 2
	assert_clean_repo
	# a month of a year it has
	run_split -2 ew add event_date=2026-10-20 cercle=Niono category=attack
	assert_rejected_regex "^ew-add: $msg"
	assert_equal "$(git ls-files reports)" reports/2026/11.csv
	# the first record of a repository: no reports/ at all afterwards
	cd "$BATS_TEST_TMPDIR"
	new_repo "$BATS_TEST_TMPDIR/fresh"
	git config sign.key "$bad"
	[[ ! -e reports ]] || fail "ew init made reports/"
	save_snapshot
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack
	assert_stderr_regex "^ew-add: $msg"
	assert_equal "$(commit_count)" 1
	[[ ! -e reports ]] || fail "$(printf 'ew add left behind:\n%s' "$(find reports)")"
	assert_rejected_regex "^ew-add: $msg"
}
