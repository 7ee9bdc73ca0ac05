#!/usr/bin/env bats
# sync-ssh.bats -- ew sync and ew clone over ssh, against a real OpenSSH
# server on 127.0.0.1 (start_sshd in servers.bash) and a bare hub in the
# test directory, reached as ssh://USER@127.0.0.1:PORT/ABS/PATH.
#
# OpenSSH finds ~/.ssh through the password database, not $HOME, so every
# test points ew at its own files: EW_SSH_CONFIG (an empty ssh_config: the
# machine's ~/.ssh/config and /etc/ssh/ssh_config are not read),
# EW_SSH_KEY (the user key sshd accepts) and EW_SSH_KNOWN_HOSTS (the
# server's host key, or nothing), or a key pinned with sync.REMOTE.host-key.
# The hub side (sshd, the hooks) needs /usr/sbin/sshd (Debian package
# openssh-server); the suite is skipped without it.

load helpers
load sync
load servers

setup() {
	ew_common_setup
	[[ -x /usr/sbin/sshd ]] ||
		skip "/usr/sbin/sshd is not installed (Debian package openssh-server): no ssh tests"
	SERVER_PIDS=()
	# no agent: the only key offered is EW_SSH_KEY
	unset SSH_AUTH_SOCK SSH_AGENT_PID
	start_sshd
	: >"$BATS_TEST_TMPDIR/ssh_config"
	: >"$BATS_TEST_TMPDIR/empty_known_hosts"
	printf '%s\n' "$SSHD_KNOWN_HOSTS" >"$BATS_TEST_TMPDIR/known_hosts"
	export EW_SSH_CONFIG=$BATS_TEST_TMPDIR/ssh_config
	export EW_SSH_KEY=$SSH_USER_KEY
	export EW_SSH_KNOWN_HOSTS=$BATS_TEST_TMPDIR/known_hosts
	HUB=$BATS_TEST_TMPDIR/hub.git
	git init -q --bare "$HUB" || fail "git init --bare $HUB failed"
	URL=ssh://$SSH_USER@127.0.0.1:$SSHD_PORT$HUB
	# the host key as a pin: "TYPE BASE64", as in the .pub file
	PIN=$(cut -d' ' -f1,2 "$SSHD_HOST_KEY.pub")
}

teardown() {
	stop_servers
}

# logins: how many ssh logins sshd accepted (all its logs in this test).
logins() {
	cat "$SSHD_DIR"/sshd-*.log | grep -c '^Accepted publickey for ' || true
}

@test "ssh: A sends to the hub, B clones it, both add, both end with the same bytes" {
	send_and_clone "$URL"

	# B adds and sends; A adds too, and merges B's record in over ssh
	exchange_both_ways
	# every exchange went through sshd: 2 per sync (fetch, push) but the
	# first (the hub has no branch yet: fetch, ls-remote to check that it
	# has none at all, push) and the last (nothing to push), 1 for the clone
	assert_equal "$(logins)" 9
}

@test "ssh: the login uses EW_SSH_KEY, the host key comes from EW_SSH_KNOWN_HOSTS (ssh-keyscan)" {
	# known_hosts as an administrator would make it
	ssh-keyscan -t ed25519 -p "$SSHD_PORT" 127.0.0.1 >"$BATS_TEST_TMPDIR/scanned" 2>/dev/null
	run -0 cat "$BATS_TEST_TMPDIR/scanned"
	assert_output "$SSHD_KNOWN_HOSTS"
	export EW_SSH_KNOWN_HOSTS=$BATS_TEST_TMPDIR/scanned
	office a
	add_one
	git remote add hub "$URL"
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_equal "$(hub_head)" "$(head_commit)"
	# sshd accepted that very key, and only that one
	local fp
	fp=$(ssh-keygen -l -f "$SSH_USER_KEY.pub" | cut -d' ' -f2)
	[[ $fp == SHA256:* ]] || fail "no fingerprint: $fp"
	run -0 grep '^Accepted ' "$SSHD_LOG"
	assert_equal "${#lines[@]}" 3 # fetch, ls-remote (an empty hub), push
	local l
	for l in "${lines[@]}"; do
		l=${l%$'\r'} # sshd -e ends its lines with CR LF
		[[ $l == "Accepted publickey for $SSH_USER from 127.0.0.1 port "*" ssh2: ED25519 $fp" ]] ||
			fail "sshd accepted another key or user: $l (expected $fp)"
	done
	# the same key under another name works as well: the variable is read
	cp "$SSH_USER_KEY" "$BATS_TEST_TMPDIR/renamed"
	export EW_SSH_KEY=$BATS_TEST_TMPDIR/renamed
	add_one
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_equal "$(hub_head)" "$(head_commit)"
	# a known_hosts path with blanks in it is one path, not a list
	mkdir "$BATS_TEST_TMPDIR/with space"
	cp "$BATS_TEST_TMPDIR/scanned" "$BATS_TEST_TMPDIR/with space/known hosts"
	export EW_SSH_KNOWN_HOSTS="$BATS_TEST_TMPDIR/with space/known hosts"
	add_one
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
}

@test "ssh: a host key pinned in .git/config or ew.conf replaces known_hosts; ew clone --host-key pins it" {
	export EW_SSH_KNOWN_HOSTS=$BATS_TEST_TMPDIR/empty_known_hosts
	office a
	add_one
	git remote add hub "$URL"
	git config sync.hub.host-key "$PIN"
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_stderr_empty
	assert_equal "$(hub_head)" "$(head_commit)"
	# no EW_SSH_KNOWN_HOSTS at all: the pin alone
	unset EW_SSH_KNOWN_HOSTS
	add_one
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_equal "$(hub_head)" "$(head_commit)"
	# pinned in ew.conf, shared by every office
	git config --unset sync.hub.host-key
	git config -f ew.conf sync.hub.host-key "$PIN"
	git commit -qm 'Pin the host key of the hub' ew.conf
	add_one
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_equal "$(hub_head)" "$(head_commit)"
	assert_clean_repo

	# a clone with --host-key and nothing in known_hosts
	export EW_SSH_KNOWN_HOSTS=$BATS_TEST_TMPDIR/empty_known_hosts
	cd "$BATS_TEST_TMPDIR"
	run_split -0 ew clone --host-key "$PIN" "$URL" b
	assert_output "Cloned $URL into b; 'ew sync' exchanges records with it"
	run -0 git -C b config --local sync.origin.host-key
	assert_output "$PIN"
	assert_equal "$(head_commit b)" "$(head_commit a)"
	# and its syncs use the stored pin
	cd b
	add_one
	run_split -0 ew sync
	assert_output 'origin: received 0 records, sent 1'
	assert_equal "$(hub_head)" "$(head_commit)"
	cd ..
	# without --host-key the same clone is refused, and leaves nothing
	run_split -2 ew clone "$URL" c
	assert_stdout_empty
	assert_stderr_regex "^ew-clone: clone: the ssh host key of .* is not known"
	[[ ! -e c ]] || fail "a refused clone left c behind"
	# a key that is not "TYPE BASE64" is refused before any connection
	local before
	before=$(logins)
	run_split -2 ew clone --host-key "ssh-ed25519 AAAA
[evil]:22 ssh-rsa AAAA" "$URL" d
	assert_stderr_regex "^ew-clone: invalid pinned host key "
	[[ ! -e d ]] || fail "a refused clone left d behind"
	assert_equal "$(logins)" "$before"
}

@test "ssh: an unknown host key exits 2, says how to fix it, and changes nothing" {
	export EW_SSH_KNOWN_HOSTS=$BATS_TEST_TMPDIR/empty_known_hosts
	office a
	add_one
	git remote add hub "$URL"
	local before
	before=$(head_commit)
	save_snapshot
	run_split -2 ew sync hub
	assert_rejected "ew-sync: fetch: the ssh host key of $URL is not known; check it with the hub's administrator, then add it to the known_hosts file ssh reads (\$EW_SSH_KNOWN_HOSTS, else ~/.ssh/known_hosts; 'ssh-keyscan -p PORT HOST' prints the key) or pin it (ew clone --host-key KEY, or git config sync.REMOTE.host-key 'TYPE KEY')"
	assert_equal "$(head_commit)" "$before"
	assert_clean_repo
	run -0 git for-each-ref refs/remotes
	assert_output ''
	run -0 git -C "$HUB" for-each-ref
	assert_output ''
	# ssh stopped before logging in
	assert_equal "$(logins)" 0
	# with --no-fetch the push meets the same check
	git update-ref refs/remotes/hub/main HEAD~1 # fetched once before: --no-fetch pushes
	run_split -2 ew sync --no-fetch hub
	assert_rejected "ew-sync: push: the ssh host key of $URL is not known; check it with the hub's administrator, then add it to the known_hosts file ssh reads (\$EW_SSH_KNOWN_HOSTS, else ~/.ssh/known_hosts; 'ssh-keyscan -p PORT HOST' prints the key) or pin it (ew clone --host-key KEY, or git config sync.REMOTE.host-key 'TYPE KEY')"
	run -0 git -C "$HUB" for-each-ref
	assert_output ''
	assert_equal "$(logins)" 0
}

@test "ssh: a CHANGED host key exits 2 with a warning, in known_hosts and when pinned" {
	office a
	add_one
	git remote add hub "$URL"
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	local old_head old_pin=$PIN old_known=$SSHD_KNOWN_HOSTS
	old_head=$(hub_head)
	assert_equal "$old_head" "$(head_commit)"
	# the hub's sshd comes back on the same port with another host key
	stop_sshd
	rm -f "$SSHD_HOST_KEY" "$SSHD_HOST_KEY.pub"
	start_sshd -p "$SSHD_PORT"
	[[ $SSHD_KNOWN_HOSTS != "$old_known" ]] || fail "the host key did not change"
	local logins_before
	logins_before=$(logins)
	add_one
	local msg="the ssh host key of $URL has CHANGED since it was recorded; someone may be intercepting the connection. Check the new key with the hub's administrator before you replace the old one in known_hosts (ssh-keygen -R '[HOST]:PORT' -f FILE) or in the pinned key"
	save_snapshot
	run_split -2 ew sync hub
	assert_rejected "ew-sync: fetch: $msg"
	assert_equal "$(hub_head)" "$old_head"
	# the old key pinned instead of known_hosts: refused the same way
	unset EW_SSH_KNOWN_HOSTS
	git config sync.hub.host-key "$old_pin"
	run_split -2 ew sync hub
	assert_rejected "ew-sync: fetch: $msg"
	# clone too
	cd "$BATS_TEST_TMPDIR"
	run_split -2 ew clone --host-key "$old_pin" "$URL" b
	assert_stdout_empty
	assert_stderr "ew-clone: clone: $msg"
	[[ ! -e b ]] || fail "a refused clone left b behind"
	cd a
	assert_equal "$(hub_head)" "$old_head"
	assert_equal "$(logins)" "$logins_before"
	# once the new key is pinned, the records go
	git config sync.hub.host-key "$(cut -d' ' -f1,2 "$SSHD_HOST_KEY.pub")"
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_equal "$(hub_head)" "$(head_commit)"
}

@test "ssh: a key the hub does not accept exits 2 with the ssh-login message" {
	ssh-keygen -q -t ed25519 -N '' -C stranger -f "$BATS_TEST_TMPDIR/stranger" </dev/null
	export EW_SSH_KEY=$BATS_TEST_TMPDIR/stranger
	office a
	add_one
	git remote add hub "$URL"
	local msg="$URL refused the ssh login; load your key into ssh-agent (ssh-add), or set EW_SSH_KEY to the key file, and check that the hub has its public key"
	git update-ref refs/remotes/hub/main HEAD~1 # fetched once before: --no-fetch pushes
	save_snapshot
	run_split -2 ew sync hub
	assert_rejected "ew-sync: fetch: $msg"
	run_split -2 ew sync --no-fetch hub
	assert_rejected "ew-sync: push: $msg"
	assert_clean_repo
	run -0 git -C "$HUB" for-each-ref
	assert_output ''
	cd "$BATS_TEST_TMPDIR"
	run_split -2 ew clone "$URL" b
	assert_stdout_empty
	assert_stderr "ew-clone: clone: $msg"
	[[ ! -e b ]] || fail "a refused clone left b behind"
	assert_equal "$(logins)" 0
	# the right key: the same sync goes through
	export EW_SSH_KEY=$SSH_USER_KEY
	cd a
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_equal "$(hub_head)" "$(head_commit)"
}

@test "ssh: what the hub's hooks print reaches stderr with escapes, BEL and bidi controls shown, not sent" {
	# an OSC title ended by BEL, colours, a bidi override, a C1 CSI
	local evil="printf '\\033]0;pwned\\007\\033[31mred\\033[0m \\342\\200\\256txet \\302\\233Kok\\n'"
	printf '#!/bin/sh\ncat >/dev/null\n%s\n%s >&2\nexit 0\n' "$evil" "$evil" >"$HUB/hooks/pre-receive"
	printf '#!/bin/sh\ncat >/dev/null\n%s\n' "$evil" >"$HUB/hooks/post-receive"
	chmod +x "$HUB/hooks/pre-receive" "$HUB/hooks/post-receive"
	office a
	add_one
	git remote add hub "$URL"
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_equal "$(hub_head)" "$(head_commit)"
	# three hook lines, each said to come from the hub, with their text
	# and every control in it shown as an escape
	local n=0 l
	for l in "${stderr_lines[@]}"; do
		[[ $l == 'ew-sync: hub: remote: \u001b]0;pwned\u0007\u001b[31mred\u001b[0m \u202etxet \u009bKok' ]] && ((++n)) ||
			fail "$(printf 'unexpected stderr line:\n%s' "$l")"
	done
	assert_equal "$n" 3
	assert_no_controls "$stderr"
	assert_no_controls "$output"

	# the same hooks seen by git itself: the bytes do reach the client,
	# so what is tested above is ew's filter, not git's
	local raw=$BATS_TEST_TMPDIR/raw.err
	GIT_SSH_COMMAND="ssh -F $EW_SSH_CONFIG -o BatchMode=yes -o UserKnownHostsFile=$EW_SSH_KNOWN_HOSTS -o IdentitiesOnly=yes -i $SSH_USER_KEY" \
		git -c sideband.allowControlCharacters=true push -q "$URL" HEAD:refs/heads/probe 2>"$raw" ||
		fail "git push over ssh failed: $(<"$raw")"
	grep -q $'\e' "$raw" && grep -q $'\a' "$raw" && grep -q $'\xe2\x80\xae' "$raw" ||
		fail "git itself no longer passes the hub's escapes: this test tests nothing"
}

@test "ssh: a pre-receive hook that refuses: exit 2, the hub's refusal, the records stay local" {
	office a
	add_one
	git remote add hub "$URL"
	run_split -0 ew sync hub
	local old_head
	old_head=$(hub_head)
	assert_equal "$old_head" "$(head_commit)"
	printf '#!/bin/sh\ncat >/dev/null\nprintf '"'"'\\033[31mno records accepted today\\033[0m\\007\\n'"'"' >&2\nexit 1\n' \
		>"$HUB/hooks/pre-receive"
	chmod +x "$HUB/hooks/pre-receive"
	add_one
	local id=$ADDED_ID head
	head=$(head_commit)
	save_snapshot
	run_split -2 ew sync hub
	assert_stdout_empty
	assert_repo_unchanged
	assert_equal "${#stderr_lines[@]}" 2
	[[ ${stderr_lines[0]} == 'ew-sync: hub: remote: \u001b[31mno records accepted today\u001b[0m\u0007' ]] ||
		fail "$(printf 'the hook message is not shown as such:\n%s' "$stderr")"
	assert_equal "${stderr_lines[1]}" "ew-sync: push to $URL: the remote refused the update of refs/heads/main: [remote rejected] (pre-receive hook declined) (a hook on the hub rejected it; ask its administrator)"
	assert_no_controls "$stderr"
	# the hub has neither the ref nor the commit; here, all is as it was
	assert_equal "$(hub_head)" "$old_head"
	run -1 git -C "$HUB" cat-file -e "$head"
	assert_equal "$(head_commit)" "$head"
	assert_equal "$(git rev-parse refs/remotes/hub/main)" "$old_head"
	assert_field "$id" id "$id"
	assert_clean_repo
	# once the hub accepts again, the record goes
	rm "$HUB/hooks/pre-receive"
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_equal "$(hub_head)" "$head"
}
