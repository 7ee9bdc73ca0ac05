# servers.bash -- test servers on 127.0.0.1 for the notifier suites:
# tests/servers/httpd.py (a webhook receiver) and smtpd.py (a mail
# receiver).  A suite that loads this calls stop_servers in teardown and
# sets SERVER_PIDS=() in setup.

SERVERS=$EW_PROJECT_DIR/tests/servers

# stop_servers: ends every server this test started.
stop_servers() {
	local p
	for p in "${SERVER_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${SERVER_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
}

# start_server NAME SCRIPT [OPTION...] -- [ARG...]: starts
# tests/servers/SCRIPT with OPTIONS, the port file and ARGs, waits (up to
# 10 s, not blindly) until it has written its port, and sets $PORT.
start_server() {
	local name=$1 script=$2 portfile=$BATS_TEST_TMPDIR/$1.port i
	shift 2
	local -a opts=()
	while (($#)) && [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	# fd 3 closed: bats waits for whatever holds it open
	"$PYTHON" "$SERVERS/$script" --lifetime 60 "${opts[@]}" "$portfile" "$@" \
		</dev/null >"$BATS_TEST_TMPDIR/$name.out" 2>&1 3>&- &
	SERVER_PIDS+=($!)
	for ((i = 0; i < 1000; i++)); do
		[[ ! -s $portfile ]] || break
		kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null ||
			fail "$(printf '%s exited before listening:\n%s' "$script" "$(<"$BATS_TEST_TMPDIR/$name.out")")"
		sleep 0.01
	done
	[[ -s $portfile ]] || fail "$script did not write its port in 10 s"
	PORT=$(<"$portfile")
}

# start_httpd [OPTION...]: an HTTP server logging to $HTTP_LOG; sets $URL.
start_httpd() {
	local n=${#SERVER_PIDS[@]}
	HTTP_LOG=$BATS_TEST_TMPDIR/http-$n.log
	start_server "httpd-$n" httpd.py "$@" -- "$HTTP_LOG"
	URL=http://127.0.0.1:$PORT/hook
}

# start_smtpd [OPTION...]: an SMTP receiver writing to $MAIL_DIR, and
# EW_SENDMAIL set to an msmtp that talks to it.
start_smtpd() {
	command -v msmtp >/dev/null ||
		fail "msmtp is not installed: the mail tests need it (Debian package msmtp)"
	MAIL_DIR=$BATS_TEST_TMPDIR/mail
	start_server smtpd smtpd.py "$@" -- "$MAIL_DIR"
	export EW_SENDMAIL="msmtp --host=127.0.0.1 --port=$PORT --tls=off --auth=off --from=ew@test.invalid"
}
