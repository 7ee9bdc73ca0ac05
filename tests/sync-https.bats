#!/usr/bin/env bats
# sync-https.bats -- ew sync and ew clone over https, against
# tests/servers/githttpd.py (git http-backend behind TLS on 127.0.0.1,
# start_githttpd in servers.bash), which serves the bare repositories of
# $GITHTTPD_ROOT only to requests carrying "Authorization: Bearer TOKEN"
# and logs each request (without the token) as a JSON line.
#
# The server's certificate is made by openssl for IP address 127.0.0.1;
# git trusts it through GIT_SSL_CAINFO (and GIT_SSL_CAPATH, an empty
# directory), which ew passes on to git.  The token reaches git from
# EW_HTTPS_TOKEN (see "https" in ew-sync(1)).  The suite is skipped without
# python3 or openssl; the argv tests need strace (Debian package strace),
# the prompt test script(1) (bsdutils).

load helpers
load sync
load servers

# The token of the hub, and of another hub: strings no path, id or URL of a
# test contains, so that finding them anywhere means the token leaked.
TOKEN=tok-7Hq2w-segou-office
TOKEN2=tok-9Zx4k-mopti-office

setup() {
	ew_common_setup
	command -v "$PYTHON" >/dev/null ||
		skip "python3 is not installed (Debian package python3): no https tests"
	command -v openssl >/dev/null ||
		skip "openssl is not installed (Debian package openssl): no https tests"
	SERVER_PIDS=()
	start_githttpd --token "$TOKEN"
	# git trusts that certificate and no other (and skips reading the
	# system's hundreds: 0.2 s a connection on a slow machine)
	mkdir -p "$BATS_TEST_TMPDIR/capath"
	export GIT_SSL_CAINFO=$GITHTTPD_CERT GIT_SSL_CAPATH=$BATS_TEST_TMPDIR/capath
	HUB=$GITHTTPD_ROOT/segou.git
	git init -q --bare --initial-branch=main "$HUB" || fail "git init --bare $HUB failed"
	URL=$GITHTTPD_URL/segou.git
	LOG=$GITHTTPD_LOG
	CRED_MSG="$URL asks for credentials or refused them; set EW_HTTPS_TOKEN to a valid token"
}

teardown() {
	stop_servers
}

# requests [LOG]: the requests a githttpd logged (default: the hub's), one
# a line: "METHOD PATH[?QUERY] AUTHORIZATION STATUS", AUTHORIZATION being
# none, right or wrong.
requests() {
	jq -r '"\(.method) \(.path)\(if .query != "" then "?" + .query else "" end) \(.authorization // "none") \(.status)"' \
		"${1:-$LOG}" || fail "cannot read the server log ${1:-$LOG}"
}

# execs TRACE: the programs run in an 'strace -f -v -s 4096 -e
# trace=execve' output, one JSON object a line: {"pid", "path", "argv":
# [...], "env": [...], "ok"} (ok: the execve succeeded).  Strings are as
# strace shows them (escapes not undone: the tokens have none).
execs() {
	"$PYTHON" -c '
import json, re, sys

def qstr(s, i):
    j, buf = i + 1, []
    while s[j] != "\"":
        n = 2 if s[j] == "\\" else 1
        buf.append(s[j:j + n])
        j += n
    j += 1
    if s.startswith("...", j):
        j += 3
    return "".join(buf), j

def arr(s, i):
    if s[i] != "[":
        raise ValueError("no array (strace without -v?): " + s[i:i + 40])
    i, items = i + 1, []
    while s[i] != "]":
        if s[i] == "\"":
            v, i = qstr(s, i)
            items.append(v)
        elif s.startswith(", ", i):
            i += 2
        elif s.startswith("...", i):
            i += 3
        else:
            raise ValueError("unexpected: " + s[i:i + 40])
    return items, i + 1

out, pending = [], {}
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.match(r"(\d+) +execve\(", line)
    if m:
        path, i = qstr(line, m.end())
        argv, i = arr(line, i + 2)
        env, i = arr(line, i + 2)
        rec = {"pid": int(m.group(1)), "path": path, "argv": argv, "env": env}
        if "<unfinished" in line[i:]:
            rec["ok"] = None
            pending[m.group(1)] = rec
        else:
            rec["ok"] = re.search(r"\) = 0$", line.rstrip()) is not None
        out.append(rec)
        continue
    m = re.match(r"(\d+) +<\.\.\. execve resumed>.*= (-?\d+)", line)
    if m and m.group(1) in pending:
        pending.pop(m.group(1))["ok"] = m.group(2) == "0"
for r in out:
    print(json.dumps(r))
' "$1" || fail "cannot parse the strace output $1"
}

# traced CMD...: runs CMD under strace (every program it runs, with its
# arguments and environment) into $BATS_TEST_TMPDIR/trace-N, sets $TRACE to
# that file, and then as run_split does ($status, $output, $stderr).
traced() {
	command -v strace >/dev/null ||
		fail "strace is not installed: this test needs it (Debian package strace)"
	_EW_TRACE_N=$((${_EW_TRACE_N:-0} + 1))
	TRACE=$BATS_TEST_TMPDIR/trace-$_EW_TRACE_N
	local want=
	if [[ $1 =~ ^-[0-9]+$ ]]; then
		want=$1
		shift
	fi
	# (LeakSanitizer cannot work under ptrace: in a sanitizer build, the
	# traced run does without it)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run_split $want strace -f -v -s 4096 -e trace=execve -o "$TRACE" "$@"
	[[ -s $TRACE ]] || fail "strace wrote nothing to $TRACE"
}

# assert_cert_refused WHAT: $stderr is the one line ew prints when git does
# not trust the server's certificate: what is wrong, curl's reason (GnuTLS
# and OpenSSL word it differently), and what to do.
assert_cert_refused() {
	assert_equal "${#stderr_lines[@]}" 1
	local head="$1: the TLS certificate of $URL is not trusted (unable to access '$URL/': "
	[[ $stderr == "$head"* ]] ||
		fail "$(printf 'not the message of a refused certificate:\n%s' "$stderr")"
	[[ ${stderr#"$head"} =~ ^(server\ certificate\ verification\ failed|SSL\ certificate\ problem) ]] ||
		fail "$(printf 'the reason is not the certificate:\n%s' "$stderr")"
	[[ $stderr == *"); if the hub uses its own certificate authority, point GIT_SSL_CAINFO (or git's http.sslCAInfo) at that authority's certificate" ]] ||
		fail "$(printf 'no way out in the message:\n%s' "$stderr")"
}

# office_with_usb: office a, entered, with one record and two remotes: hub
# (the https hub) and usb (an empty bare repository on a path, $USB).
office_with_usb() {
	office a
	add_one
	git remote add hub "$URL"
	USB=$BATS_TEST_TMPDIR/usb.git
	git init -q --bare --initial-branch=main "$USB"
	git remote add usb "$USB"
}

@test "https: A makes a hub, B clones it, both add and sync, same bytes; every request carried the token" {
	export EW_HTTPS_TOKEN=$TOKEN
	send_and_clone "$URL"
	# the token is nowhere in the clone's configuration
	run -1 grep -r -F -e "$TOKEN" b/.git/config a/.git/config
	assert_output ''

	# B adds and sends; A adds too, and receives B's record
	exchange_both_ways

	# every request carried the right token and was served
	run -0 requests
	local l
	for l in "${lines[@]}"; do
		[[ $l == *' right 200' ]] || fail "$(printf 'a request without the right token, or refused:\n%s' "$output")"
	done
	# all went over https: 6 upload-pack exchanges (a's fetch and its
	# ls-remote to see that the new hub has no branch at all, the clone,
	# b, a, b) and 3 pushes (a, b, a; b's last sync had nothing to send)
	assert_equal "$(requests | grep -c -x 'GET /segou.git/info/refs?service=git-upload-pack right 200')" 6
	assert_equal "$(requests | grep -c -x 'GET /segou.git/info/refs?service=git-receive-pack right 200')" 3
	assert_equal "$(requests | grep -c -x 'POST /segou.git/git-receive-pack right 200')" 3
}

@test "https: without EW_HTTPS_TOKEN: exit 2, the credentials message, no prompt, nothing changed" {
	office a
	add_one
	git remote add hub "$URL"
	EW_HTTPS_TOKEN=$TOKEN ew sync -q hub || fail "the first sync, with the token, failed"
	local hub_before tracking_before
	hub_before=$(hub_head)
	tracking_before=$(git rev-parse refs/remotes/hub/main)
	[[ -n $hub_before ]] || fail "the first sync sent nothing"
	add_one
	: >"$LOG"
	# an askpass program in the environment must not be asked either
	printf '#!/bin/sh\ntouch "%s/askpass-ran"\necho ops\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/askpass"
	chmod +x "$BATS_TEST_TMPDIR/askpass"
	export GIT_ASKPASS=$BATS_TEST_TMPDIR/askpass SSH_ASKPASS=$BATS_TEST_TMPDIR/askpass
	git update-ref refs/remotes/hub/main HEAD~1 # fetched once before: --no-fetch pushes
	save_snapshot
	# timeout: a prompt would wait for an answer instead of failing
	run_split -2 timeout 20 ew sync hub
	assert_rejected "ew-sync: fetch: $CRED_MSG"
	run_split -2 timeout 20 ew sync --no-fetch hub
	assert_rejected "ew-sync: push: $CRED_MSG"
	# an empty token is no token
	run_split -2 env EW_HTTPS_TOKEN= timeout 20 ew sync hub
	assert_rejected "ew-sync: fetch: $CRED_MSG"
	# on a terminal, where git would ask for a user name: no question
	# (and the progress line, wiped before the error)
	run_split -2 env TERM=xterm timeout 20 script -qefc 'ew sync hub' /dev/null </dev/null
	[[ $output != *Username* && $output != *Password* ]] ||
		fail "$(printf 'git asked on the terminal:\n%s' "$output")"
	assert_output $'\r\033[Kew-sync: hub: fetching\r\033[K'"ew-sync: fetch: $CRED_MSG"$'\r'
	assert_repo_unchanged
	assert_clean_repo
	assert_equal "$(git rev-parse refs/remotes/hub/main)" "$tracking_before"
	assert_equal "$(hub_head)" "$hub_before"

	cd "$BATS_TEST_TMPDIR"
	run_split -2 timeout 20 ew clone "$URL" b
	assert_stdout_empty
	assert_stderr "ew-clone: clone: $CRED_MSG"
	[[ ! -e b ]] || fail "a refused clone left b behind"
	[[ ! -e $BATS_TEST_TMPDIR/askpass-ran ]] || fail "git ran the askpass program of the environment"

	# each attempt: one request, without a token, turned away
	run -0 requests
	assert_output "GET /segou.git/info/refs?service=git-upload-pack none 401
GET /segou.git/info/refs?service=git-receive-pack none 401
GET /segou.git/info/refs?service=git-upload-pack none 401
GET /segou.git/info/refs?service=git-upload-pack none 401
GET /segou.git/info/refs?service=git-upload-pack none 401"
}

@test "https: a wrong token exits 2 with the credentials message; a token with a line break is refused before any request" {
	office a
	add_one
	git remote add hub "$URL"
	export EW_HTTPS_TOKEN=$TOKEN-not
	git update-ref refs/remotes/hub/main HEAD~1 # fetched once before: --no-fetch pushes
	save_snapshot
	run_split -2 timeout 20 ew sync hub
	assert_rejected "ew-sync: fetch: $CRED_MSG"
	run_split -2 timeout 20 ew sync --no-fetch hub
	assert_rejected "ew-sync: push: $CRED_MSG"
	assert_equal "$(hub_head)" ''
	cd "$BATS_TEST_TMPDIR"
	run_split -2 timeout 20 ew clone "$URL" b
	assert_stdout_empty
	assert_stderr "ew-clone: clone: $CRED_MSG"
	[[ ! -e b ]] || fail "a refused clone left b behind"
	run -0 requests
	assert_output "GET /segou.git/info/refs?service=git-upload-pack wrong 401
GET /segou.git/info/refs?service=git-receive-pack wrong 401
GET /segou.git/info/refs?service=git-upload-pack wrong 401"

	# a second header smuggled in the token: refused by ew, not sent
	export EW_HTTPS_TOKEN=$TOKEN$'\r\nX-Office: evil'
	cd a
	run_split -2 ew sync hub
	assert_rejected "ew-sync: EW_HTTPS_TOKEN holds a line break; set it to the token alone"
	cd ..
	run_split -2 ew clone "$URL" b
	assert_stdout_empty
	assert_stderr "ew-clone: EW_HTTPS_TOKEN holds a line break; set it to the token alone"
	[[ ! -e b ]] || fail "a refused clone left b behind"
	assert_equal "$(requests | wc -l)" 3

	# the right token: the same sync goes through
	export EW_HTTPS_TOKEN=$TOKEN
	cd a
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_equal "$(hub_head)" "$(head_commit)"
}

@test "https: the token reaches git through its environment, never through a command line" {
	export EW_HTTPS_TOKEN=$TOKEN
	office a
	add_one
	git remote add hub "$URL"
	traced -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_stderr_empty
	execs "$TRACE" >"$BATS_TEST_TMPDIR/execs"
	cd "$BATS_TEST_TMPDIR"
	traced -0 ew clone "$URL" b
	assert_output "Cloned $URL into b; 'ew sync' exchanges records with it"
	execs "$TRACE" >>execs
	# the traces show environments, the token among them: were it in a
	# command line, they would show it there
	[[ $(grep -c -F -e "$TOKEN" "$BATS_TEST_TMPDIR/trace-1") -gt 0 &&
		$(grep -c -F -e "$TOKEN" "$BATS_TEST_TMPDIR/trace-2") -gt 0 ]] ||
		fail "the token is nowhere in the traces: they show nothing"
	run -0 jq -s 'map(select(.ok)) | length' execs
	((output > 6)) || fail "only $output programs traced"
	# no program, ew's, git's or their children's, had it in its arguments
	run -0 jq -r --arg t "$TOKEN" 'select(any(.argv[]; contains($t))) | .argv | join(" ")' execs
	assert_output ''
	# the git that fetched, pushed and cloned had it in its environment,
	# as the extraHeader of the hub's URL, in git's settings only there
	local cmd
	for cmd in fetch push clone; do
		run -0 jq -r --arg c "$cmd" --arg t "$TOKEN" 'select(.ok and .argv[0] == "git" and (.argv | index($c))) | .env[] | select(startswith("GIT_CONFIG_COUNT=") or startswith("GIT_CONFIG_KEY_0=") or (startswith("GIT_CONFIG_") and contains($t)))' execs
		assert_output "GIT_CONFIG_COUNT=${output:17:1}
GIT_CONFIG_KEY_0=http.$URL.extraHeader
GIT_CONFIG_VALUE_0=Authorization: Bearer $TOKEN"
		[[ ${output:17:1} == [1-9] ]] || fail "GIT_CONFIG_COUNT is not a count: $output"
	done
	# and so did git's https helper, which sent it (and all went well):
	# fetch, ls-remote (the hub has no branch yet), push
	run -0 jq -r --arg h "GIT_CONFIG_VALUE_0=Authorization: Bearer $TOKEN" 'select(.ok and (.argv[0] | test("remote-https$"))) | .env | index($h) != null' execs
	assert_output $'true\ntrue\ntrue\ntrue'
	run -0 requests
	[[ $output != *' wrong '* && $output != *' none '* ]] || fail "$(printf 'requests without the token:\n%s' "$output")"
}

@test "https: the token goes to the https remote synced, not to a path remote of the same run; two hubs, two tokens, each named" {
	export EW_HTTPS_TOKEN=$TOKEN
	office_with_usb
	local usb=$USB
	traced -0 ew sync hub usb
	assert_output $'hub: received 0 records, sent 1\nusb: received 0 records, sent 1'
	assert_stderr_empty
	execs "$TRACE" >"$BATS_TEST_TMPDIR/execs"
	# what ran for usb (git fetch and push, upload-pack and receive-pack on
	# the path): no extraHeader in any environment
	local for_usb='select(.ok and any(.argv[]; . == "usb" or contains($u)))'
	run -0 jq -r --arg u "$usb" "$for_usb | .argv[0]" "$BATS_TEST_TMPDIR/execs"
	((${#lines[@]} >= 4)) || fail "$(printf 'too few programs for usb in the trace:\n%s' "$output")"
	run -0 jq -r --arg u "$usb" "$for_usb | .env[] | select(test(\"^GIT_CONFIG_(COUNT|KEY_|VALUE_)\"))" "$BATS_TEST_TMPDIR/execs"
	assert_output ''
	# what ran for hub had it: fetch, ls-remote (a new hub), push
	run -0 jq -r "select(.ok and .argv[0] == \"git\" and (.argv | index(\"hub\"))) | .env | index(\"GIT_CONFIG_VALUE_0=Authorization: Bearer $TOKEN\") != null" "$BATS_TEST_TMPDIR/execs"
	assert_output $'true\ntrue\ntrue'

	# a second hub, on another server, with a token of its own
	local url1=$URL log1=$LOG
	start_githttpd --token "$TOKEN2"
	local url2=$GITHTTPD_URL/mopti.git log2=$GITHTTPD_LOG
	git init -q --bare --initial-branch=main "$GITHTTPD_ROOT/mopti.git"
	git remote add mopti "$url2"
	add_one
	local n1
	n1=$(requests "$log1" | wc -l)
	# named, with its token: it gets that one, and the first hub nothing
	run_split -0 env EW_HTTPS_TOKEN="$TOKEN2" ew sync mopti
	assert_output 'mopti: received 0 records, sent 2'
	assert_stderr_empty
	run -0 requests "$log2"
	((${#lines[@]} >= 3)) || fail "$(printf 'too few requests:\n%s' "$output")"
	[[ $output != *' wrong '* && $output != *' none '* ]] || fail "$(printf 'requests without its token:\n%s' "$output")"
	assert_equal "$(requests "$log1" | wc -l)" "$n1"
	# the first hub with its token, by name: the second server sees nothing
	local n2=${#lines[@]}
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_equal "$(requests "$log2" | wc -l)" "$n2"
	run -0 requests "$log1"
	[[ $output != *' wrong '* && $output != *' none '* ]] || fail "$(printf 'requests without its token:\n%s' "$output")"

	# every remote at once: one token for all of them, as ew-sync(1)
	# says ("name the remote when they need different tokens"); mopti
	# refuses hub's token, the others go through
	add_one
	run_split -2 ew sync
	assert_output $'hub: received 0 records, sent 1\nusb: received 0 records, sent 2'
	assert_stderr "ew-sync: fetch: $url2 asks for credentials or refused them; set EW_HTTPS_TOKEN to a valid token"
	run -0 requests "$log2"
	assert_equal "${lines[-1]}" 'GET /mopti.git/info/refs?service=git-upload-pack wrong 401'
	assert_equal "${#lines[@]}" $((n2 + 1))
}

@test "https: a certificate git does not trust: exit 2, no request made, nothing changed" {
	export EW_HTTPS_TOKEN=$TOKEN
	office a
	add_one
	git remote add hub "$URL"
	# the system's authorities only
	unset GIT_SSL_CAINFO GIT_SSL_CAPATH
	git update-ref refs/remotes/hub/main HEAD~1 # fetched once before: --no-fetch pushes
	save_snapshot
	run_split -2 timeout 20 ew sync hub
	assert_stdout_empty
	assert_repo_unchanged
	assert_cert_refused "ew-sync: fetch"
	run_split -2 timeout 20 ew sync --no-fetch hub
	assert_stdout_empty
	assert_repo_unchanged
	assert_cert_refused "ew-sync: push"
	# an authority of its own for 127.0.0.1, but not the one that signed
	# the server's certificate
	openssl req -x509 -newkey ed25519 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$BATS_TEST_TMPDIR/other.key" \
		-out "$BATS_TEST_TMPDIR/other.pem" >/dev/null 2>&1 </dev/null || fail "openssl failed"
	export GIT_SSL_CAINFO=$BATS_TEST_TMPDIR/other.pem GIT_SSL_CAPATH=$BATS_TEST_TMPDIR/capath
	run_split -2 timeout 20 ew sync hub
	assert_stdout_empty
	assert_repo_unchanged
	assert_cert_refused "ew-sync: fetch"
	cd "$BATS_TEST_TMPDIR"
	run_split -2 timeout 20 ew clone "$URL" b
	assert_stdout_empty
	assert_cert_refused "ew-clone: clone"
	[[ ! -e b ]] || fail "a refused clone left b behind"
	cd a
	assert_clean_repo
	assert_equal "$(hub_head)" ''
	# the server: four connections, no request, so no token sent
	assert_equal "$(requests | wc -l)" 0
	assert_equal "$(grep -c '^githttpd: a connection from 127\.0\.0\.1:[0-9]* made no request: ' "$GITHTTPD_OUT")" 4
	# trusted again, the same sync goes through
	export GIT_SSL_CAINFO=$GITHTTPD_CERT
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_equal "$(hub_head)" "$(head_commit)"
}

@test "https: a push larger than http.postBuffer goes in chunks and arrives whole" {
	export EW_HTTPS_TOKEN=$TOKEN
	# git sends a request body larger than this chunked (65520, the
	# least it takes, makes git 2.39's remote-curl.c hit a BUG())
	git config --global http.postBuffer 65536
	office a
	# 1500 records with random descriptions: some 200 kB that do not
	# compress
	{
		echo 'event_date,cercle,category,description'
		head -c 150000 /dev/urandom | base64 -w 100 | head -n 1500 |
			awk '{ printf "2026-11-%02d,Niono,attack,%s\n", NR % 28 + 1, $0 }'
	} >"$IN"
	run -0 ew add <"$IN"
	assert_equal "${#lines[@]}" 1500
	git remote add hub "$URL"
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1500'
	assert_stderr_empty
	assert_equal "$(hub_head)" "$(head_commit)"
	run -0 git -C "$HUB" fsck --strict --no-progress
	# the pack went in chunks (git may probe with a small request first)
	run -0 jq -r 'select(.method == "POST" and .path == "/segou.git/git-receive-pack" and .chunked) | .status' "$LOG"
	assert_output 200
	run -0 requests
	[[ $output != *' wrong '* && $output != *' none '* && $output != *' '[45]??* ]] ||
		fail "$(printf 'a request refused or failed:\n%s' "$output")"
	# and back: a clone has the same bytes
	cd "$BATS_TEST_TMPDIR"
	run_split -0 ew clone -q "$URL" b
	assert_equal "$(head_commit b)" "$(head_commit a)"
	local s
	for s in $(shards a); do
		cmp "a/$s" "b/$s" || fail "$s differs between a and b"
	done
	assert_equal "$(ew -C b list --count)" 1500
}

@test "https: a hub that redirects does not get the token passed on to another server" {
	# another server, which answers whoever asks, and logs whether the
	# office's token came with the request ("right")
	start_githttpd --token "$TOKEN" --open
	local other=$GITHTTPD_URL other_log=$GITHTTPD_LOG
	git init -q --bare --initial-branch=main "$GITHTTPD_ROOT/segou.git"
	# the hub's URL: a server that sends every request there
	start_githttpd --token "$TOKEN" --redirect "$other"
	local url=$GITHTTPD_URL/segou.git
	export EW_HTTPS_TOKEN=$TOKEN
	office a
	add_one
	git remote add hub "$url"
	run_split timeout 20 ew sync hub
	assert_no_crash
	# the redirecting server had the token: it is the remote
	run -0 requests "$GITHTTPD_LOG"
	assert_line --index 0 'GET /segou.git/info/refs?service=git-upload-pack right 302'
	# the other server never did (nor any other Authorization header)
	run -0 requests "$other_log"
	[[ $output != *' right '* && $output != *' wrong '* ]] ||
		fail "$(printf 'the token went on to %s:\n%s' "$other" "$output")"
}

@test "https: a hook on a path hub synced in the same run does not see EW_HTTPS_TOKEN" {
	export EW_HTTPS_TOKEN=$TOKEN
	office_with_usb
	local usb=$USB
	# a hook on the USB disk: it runs here, with the environment git has
	printf '#!/bin/sh\nenv >"%s"\ncat >/dev/null\n' "$BATS_TEST_TMPDIR/hook-env" >"$usb/hooks/pre-receive"
	chmod +x "$usb/hooks/pre-receive"
	run_split -0 ew sync hub usb
	assert_output $'hub: received 0 records, sent 1\nusb: received 0 records, sent 1'
	[[ -s $BATS_TEST_TMPDIR/hook-env ]] || fail "the hook did not run"
	run -1 grep -F -e "$TOKEN" "$BATS_TEST_TMPDIR/hook-env"
	assert_output ''
}
