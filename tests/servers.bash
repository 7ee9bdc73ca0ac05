# servers.bash -- test servers on 127.0.0.1 for the notifier suites:
# tests/servers/httpd.py (a webhook receiver) and smtpd.py (a mail
# receiver), an OpenSSH server for the ssh suite (start_sshd), and
# githttpd.py, an HTTPS git server, for the https suite (start_githttpd).  A
# suite that loads this calls stop_servers in teardown and sets
# SERVER_PIDS=() in setup.

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
	# (a lifetime that outlasts the slower programs under valgrind too)
	"$PYTHON" "$SERVERS/$script" --lifetime $((60 * EW_TEST_SLOW)) "${opts[@]}" "$portfile" "$@" \
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

# start_githttpd --token TOKEN [OPTION...]: an HTTPS git server
# (tests/servers/githttpd.py: git http-backend behind TLS, on 127.0.0.1
# only) serving the bare repositories in the new directory $GITHTTPD_ROOT
# as $GITHTTPD_URL/NAME.git ($GITHTTPD_URL is https://127.0.0.1:PORT).  It
# answers only requests with "Authorization: Bearer TOKEN" (401 otherwise,
# unless --open) and logs each one, as a JSON line without the token, to
# $GITHTTPD_LOG (made empty here, so it can be read before any request).
# Its certificate, for IP address 127.0.0.1, is made by openssl the first
# time in this test and shared by the servers of the test: $GITHTTPD_CERT
# (git trusts it with GIT_SSL_CAINFO=$GITHTTPD_CERT).  Each call starts
# another server; stop_servers ends them all.  Sets $GITHTTPD_OUT, the
# server's stderr (its TLS handshake failures), and $PORT.
start_githttpd() {
	local n=${#SERVER_PIDS[@]} tls=$BATS_TEST_TMPDIR/tls
	command -v openssl >/dev/null ||
		fail "openssl is not installed: the https tests need it (Debian package openssl)"
	if [[ ! -s $tls/cert.pem ]]; then
		mkdir -p "$tls" || fail "start_githttpd: cannot make $tls"
		openssl req -x509 -newkey ed25519 -nodes -days 2 -subj /CN=127.0.0.1 \
			-addext subjectAltName=IP:127.0.0.1 \
			-keyout "$tls/key.pem" -out "$tls/cert.pem" </dev/null >"$tls/openssl.out" 2>&1 ||
			fail "$(printf 'start_githttpd: openssl could not make a certificate:\n%s' "$(<"$tls/openssl.out")")"
	fi
	GITHTTPD_CERT=$tls/cert.pem
	GITHTTPD_ROOT=$BATS_TEST_TMPDIR/www-$n
	GITHTTPD_LOG=$BATS_TEST_TMPDIR/githttpd-$n.log
	GITHTTPD_OUT=$BATS_TEST_TMPDIR/githttpd-$n.out
	mkdir -p "$GITHTTPD_ROOT" || fail "start_githttpd: cannot make $GITHTTPD_ROOT"
	: >"$GITHTTPD_LOG"
	start_server "githttpd-$n" githttpd.py --cert "$GITHTTPD_CERT" --key "$tls/key.pem" "$@" -- \
		"$GITHTTPD_LOG" "$GITHTTPD_ROOT"
	GITHTTPD_URL=https://127.0.0.1:$PORT
}

# start_sshd [-p PORT]: an OpenSSH server (/usr/sbin/sshd with its own
# sshd_config in $SSHD_DIR, not the system's) on 127.0.0.1 only,
# on a random free port (retried if taken) or on PORT (to restart a server
# in place), for the sync-ssh suite.  The user running the tests ($SSH_USER)
# may log in with $SSH_USER_KEY, and with nothing else: public keys only,
# the key listed in $SSHD_DIR/authorized_keys (an absolute path, StrictModes
# off: the test directory's permissions do not matter), no PAM.  The keys
# are ed25519, made by ssh-keygen the first time in this test:
# $SSHD_HOST_KEY (delete it, then start_sshd -p "$SSHD_PORT", for a server
# whose host key changed) and $SSH_USER_KEY; $SSHD_KNOWN_HOSTS is the
# known_hosts line for the current key and port.  Works as root (which needs
# /run/sshd, made if missing, and PermitRootLogin) and as an unprivileged
# user (sshd then serves that user only).  The sessions get PATH with git
# in it, and SHLVL=1 so that a bash login shell skips the user's ~/.bashrc
# (slow, or chatty, rc files on the machine running the tests).  The
# server logs to $SSHD_LOG and stops after 60 s whatever the test does;
# stop_servers (or stop_sshd) ends it.  Sets $SSHD_PORT and $SSHD_PID.
start_sshd() {
	local fixed= port try i log= git_dir
	if [[ $1 == -p ]]; then
		fixed=$2
	fi
	[[ -x /usr/sbin/sshd ]] ||
		fail "/usr/sbin/sshd is not installed: the ssh tests need it (Debian package openssh-server)"
	SSHD_DIR=$BATS_TEST_TMPDIR/sshd
	SSH_USER=$(id -un)
	SSHD_HOST_KEY=$SSHD_DIR/host_ed25519
	SSH_USER_KEY=$SSHD_DIR/user_ed25519
	mkdir -p "$SSHD_DIR" || fail "start_sshd: cannot make $SSHD_DIR"
	if [[ ! -f $SSHD_HOST_KEY ]]; then
		ssh-keygen -q -t ed25519 -N '' -C "ew test host" -f "$SSHD_HOST_KEY" </dev/null ||
			fail "start_sshd: ssh-keygen failed for the host key"
	fi
	if [[ ! -f $SSH_USER_KEY ]]; then
		ssh-keygen -q -t ed25519 -N '' -C "ew test user" -f "$SSH_USER_KEY" </dev/null ||
			fail "start_sshd: ssh-keygen failed for the user key"
		cp "$SSH_USER_KEY.pub" "$SSHD_DIR/authorized_keys"
	fi
	if ((EUID == 0)); then
		[[ -d /run/sshd ]] || mkdir -p -m 0755 /run/sshd ||
			fail "start_sshd: cannot make /run/sshd"
		# without PAM, sshd running as root refuses an account whose
		# password field starts with '!', keys or not
		[[ $(getent shadow "$SSH_USER") != "$SSH_USER:!"* ]] ||
			fail "start_sshd: the account $SSH_USER is locked ('!' in /etc/shadow): sshd would refuse it; run the tests as another user, or 'usermod -p \"*\" $SSH_USER'"
	fi
	git_dir=$(command -v git-upload-pack || command -v git)
	git_dir=${git_dir%/*}
	for ((try = 0; try < 20; try++)); do
		if [[ -n $fixed ]]; then
			port=$fixed
		else
			port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		fi
		_EW_SSHD_N=$((${_EW_SSHD_N:-0} + 1))
		SSHD_LOG=$SSHD_DIR/sshd-$_EW_SSHD_N.log
		{
			echo "ListenAddress 127.0.0.1"
			echo "Port $port"
			echo "HostKey $SSHD_HOST_KEY"
			echo "PidFile $SSHD_DIR/sshd.pid"
			echo "AuthorizedKeysFile $SSHD_DIR/authorized_keys"
			echo "AllowUsers $SSH_USER"
			echo "AuthenticationMethods publickey"
			echo "PubkeyAuthentication yes"
			echo "PasswordAuthentication no"
			echo "KbdInteractiveAuthentication no"
			echo "HostbasedAuthentication no"
			echo "UsePAM no"
			echo "StrictModes no"
			echo "PermitRootLogin prohibit-password"
			echo "PermitUserEnvironment no"
			echo "SetEnv PATH=$git_dir:/usr/local/bin:/usr/bin:/bin SHLVL=1 GIT_CONFIG_NOSYSTEM=1"
			echo "AllowTcpForwarding no"
			echo "AllowAgentForwarding no"
			echo "X11Forwarding no"
			echo "PermitTTY no"
			echo "PrintMotd no"
			echo "UseDNS no"
			# the fastest key exchange: the default costs 0.1 s a connection
			echo "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org"
		} >"$SSHD_DIR/sshd_config"
		# OpenSSH 9.8+ would penalise 127.0.0.1 for the refused logins
		if [[ -z ${_EW_SSHD_PENALTIES:-} ]]; then
			_EW_SSHD_PENALTIES=no
			! /usr/sbin/sshd -T -f "$SSHD_DIR/sshd_config" 2>/dev/null |
				grep -qi '^persourcepenalties' || _EW_SSHD_PENALTIES=yes
		fi
		[[ $_EW_SSHD_PENALTIES == no ]] ||
			echo "PerSourcePenalties no" >>"$SSHD_DIR/sshd_config"
		: >"$SSHD_LOG"
		# fd 3 closed: bats waits for whatever holds it open
		timeout $((60 * EW_TEST_SLOW)) /usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" \
			</dev/null >"$SSHD_LOG" 2>&1 3>&- &
		SSHD_PID=$!
		for ((i = 0; i < 1000; i++)); do
			IFS= read -r -d '' log <"$SSHD_LOG" || true
			[[ $log != *"Server listening on 127.0.0.1 port $port."* ]] || break
			kill -0 "$SSHD_PID" 2>/dev/null || break
			sleep 0.01
		done
		if [[ $log == *"Server listening on 127.0.0.1 port $port."* ]]; then
			SERVER_PIDS+=("$SSHD_PID")
			SSHD_PORT=$port
			local type key _
			read -r type key _ <"$SSHD_HOST_KEY.pub"
			SSHD_KNOWN_HOSTS="[127.0.0.1]:$port $type $key"
			return 0
		fi
		kill "$SSHD_PID" 2>/dev/null || true
		wait "$SSHD_PID" 2>/dev/null || true
		[[ $log == *"Address already in use"* || $log == *"Cannot bind any address"* ]] ||
			fail "$(printf 'sshd did not start:\n%s' "$log")"
		[[ -z $fixed ]] || sleep 0.2
	done
	fail "$(printf 'sshd found no free port in 20 tries:\n%s' "$log")"
}

# stop_sshd: ends the server start_sshd started last, and waits for it.
stop_sshd() {
	local p
	local -a rest=()
	kill "$SSHD_PID" 2>/dev/null || true
	wait "$SSHD_PID" 2>/dev/null || true
	for p in "${SERVER_PIDS[@]}"; do
		[[ $p == "$SSHD_PID" ]] || rest+=("$p")
	done
	SERVER_PIDS=("${rest[@]}")
}
