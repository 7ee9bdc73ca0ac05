#!/usr/bin/env bats
# notifiers: the shipped notifier scripts, share/ew/notifiers/webhook and
# share/ew/notifiers/mail, run directly (as ew alert runs them: the alert as
# JSON on stdin and as EW_ALERT_* variables) against real servers that
# listen on 127.0.0.1 only: tests/servers/httpd.py and tests/servers/smtpd.py.
# The mail notifier talks SMTP through msmtp (Debian package msmtp).

load helpers
load servers


A1=01JQ0000000000000000000001
A2=01JQ0000000000000000000002
ALERT=01JQA000000000000000000007

setup() {
	ew_common_setup
	NOTIFIERS=$EW_SHAREDIR/notifiers
	SERVER_PIDS=()
	export EW_ALERT_ID=$ALERT EW_ALERT_RULE=attacks-cercle \
		EW_ALERT_GROUP=Ségou/Markala EW_ALERT_LEVEL=red \
		EW_ALERT_STATE=escalated EW_ALERT_TIME=2026-11-28T12:00:00Z \
		EW_ALERT_COUNT=5 EW_ALERT_RECORDS="$A1;$A2" EW_ALERT_NOTE= \
		EW_ALERT_SUMMARY='RED attacks-cercle Ségou/Markala: 5 records in 7d (escalated)' \
		EW_NOTIFIER=test
	# The alert as ew alert writes it: one object and a newline.
	ALERT_JSON=$BATS_TEST_TMPDIR/alert.json
	printf '%s\n' '{"alert":"'$ALERT'","rule":"attacks-cercle","group":"Ségou/Markala","level":"red","state":"escalated","time":"2026-11-28T12:00:00Z","count":5,"records":["'$A1'","'$A2'"],"who":"Test Operator","note":"","description":"Three or more attacks in one cercle within a week","summary":"RED attacks-cercle Ségou/Markala: 5 records in 7d (escalated)","notifier":"test","repository":"/srv/ew"}' >"$ALERT_JSON"
}

teardown() {
	stop_servers
}

# http_requests: the number of requests the server logged.
http_requests() {
	if [[ -f $HTTP_LOG ]]; then
		wc -l <"$HTTP_LOG"
	else
		echo 0
	fi
}

# http_field N FIELD: FIELD of request N (from 1) as jq -j prints it.
http_field() {
	jq -sj --argjson n "$1" --arg f "$2" '.[$n - 1][$f]' "$HTTP_LOG"
}

# assert_one_line_stderr PREFIX: stderr is exactly one line starting with PREFIX.
assert_one_line_stderr() {
	((${#stderr_lines[@]} == 1)) && [[ $stderr != *$'\n'* ]] ||
		fail "$(printf 'stderr is not one line:\n%s' "$stderr")"
	[[ $stderr == "$1"* ]] || fail "$(printf 'stderr does not start with "%s":\n%s' "$1" "$stderr")"
}

# read_mail N: parses message N (from 1) as a mail reader would and sets
# MAIL_SUBJECT, MAIL_TO, MAIL_FROM, MAIL_CTYPE (decoded), MAIL_BODY (the
# decoded text), MAIL_HEADERS (the header names, one a line), MAIL_RCPT
# (the envelope recipients, one a line) and MAIL_JSON (the JSON found
# after "The alert as JSON:", compacted by jq -c).  Fails when the message
# breaks RFC 5322: a header line not ASCII, a line over 998 bytes, a bare
# CR or LF.
read_mail() {
	local f base=$MAIL_DIR/$(printf 'msg-%04d' "$1") out=$BATS_TEST_TMPDIR/.mail
	[[ -f $base.eml ]] || fail "no message $1 in $MAIL_DIR: $(ls "$MAIL_DIR" 2>&1)"
	"$PYTHON" - "$base.eml" "$base.json" >"$out" <<-'EOF' || fail "message $1 is not a valid mail"
		import email, email.policy, json, sys
		raw = open(sys.argv[1], "rb").read()
		env = json.load(open(sys.argv[2], encoding="utf-8"))
		head, _, _ = raw.partition(b"\r\n\r\n")
		for line in raw.split(b"\r\n"):
		    assert len(line) <= 998, "line over 998 bytes"
		    assert b"\r" not in line and b"\n" not in line, "bare CR or LF"
		for line in head.split(b"\r\n"):
		    line.decode("ascii")  # header lines are ASCII
		m = email.message_from_bytes(raw, policy=email.policy.default)
		body = m.get_content().replace("\r\n", "\n")
		_, _, js = body.partition("The alert as JSON:\n")
		fields = [str(m["Subject"]), str(m["To"]), str(m["From"]),
		          m.get_content_type() + "; charset=" + str(m.get_content_charset()),
		          body, "\n".join(m.keys()), "\n".join(env["rcpt_to"]),
		          json.dumps(json.loads(js), ensure_ascii=False, separators=(",", ":")) if js.strip() else ""]
		sys.stdout.write("\0".join(fields) + "\0")
	EOF
	{
		IFS= read -r -d '' MAIL_SUBJECT
		IFS= read -r -d '' MAIL_TO
		IFS= read -r -d '' MAIL_FROM
		IFS= read -r -d '' MAIL_CTYPE
		IFS= read -r -d '' MAIL_BODY
		IFS= read -r -d '' MAIL_HEADERS
		IFS= read -r -d '' MAIL_RCPT
		IFS= read -r -d '' MAIL_JSON
	} <"$out"
}

# mail_count: the number of messages received.
mail_count() {
	local -a m=()
	[[ ! -d $MAIL_DIR ]] || m=("$MAIL_DIR"/msg-*.eml)
	[[ -e ${m[0]:-} ]] || m=()
	echo ${#m[@]}
}

# --- webhook ---------------------------------------------------------------

@test "webhook: POSTs the JSON on stdin, byte for byte, as application/json, quietly" {
	start_httpd
	run_split -0 "$NOTIFIERS/webhook" "$URL" <"$ALERT_JSON"
	assert_stdout_empty
	assert_stderr_empty
	assert_equal "$(http_requests)" 1
	assert_equal "$(http_field 1 method)" POST
	assert_equal "$(http_field 1 path)" /hook
	assert_equal "$(http_field 1 content_type)" application/json
	assert_equal "$(http_field 1 authorization)" null
	http_field 1 body >"$BATS_TEST_TMPDIR/got"
	cmp "$ALERT_JSON" "$BATS_TEST_TMPDIR/got" || fail "the body differs from the JSON on stdin"
}

@test "webhook: URL from EW_WEBHOOK_URL; EW_WEBHOOK_TOKEN as a Bearer header; neither on curl's command line" {
	start_httpd
	# a curl that records its arguments
	mkdir "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\nprintf "%%s\\n" "$@" >>"%s"\nexec %s "$@"\n' \
		"$BATS_TEST_TMPDIR/curl.argv" "$(command -v curl)" >"$BATS_TEST_TMPDIR/bin/curl"
	chmod +x "$BATS_TEST_TMPDIR/bin/curl"
	export EW_WEBHOOK_URL="$URL?key=url-secret-123" EW_WEBHOOK_TOKEN='tok-secret-456"\x'
	PATH=$BATS_TEST_TMPDIR/bin:$PATH run_split -0 "$NOTIFIERS/webhook" <"$ALERT_JSON"
	assert_stdout_empty
	assert_stderr_empty
	assert_equal "$(http_field 1 authorization)" 'Bearer tok-secret-456"\x'
	assert_equal "$(http_field 1 path)" /hook?key=url-secret-123
	[[ -s $BATS_TEST_TMPDIR/curl.argv ]] || fail "the notifier did not run curl from PATH"
	run grep -e tok-secret -e url-secret "$BATS_TEST_TMPDIR/curl.argv"
	assert_failure 1
}

@test "webhook: an HTTP 500 fails with one line on stderr; the next run delivers" {
	start_httpd --fail 1
	run_split -1 "$NOTIFIERS/webhook" "$URL" <"$ALERT_JSON"
	assert_stdout_empty
	assert_one_line_stderr "webhook: POST to http://127.0.0.1:$PORT failed: HTTP 500"
	run_split -0 "$NOTIFIERS/webhook" "$URL" <"$ALERT_JSON"
	assert_stdout_empty
	assert_stderr_empty
	assert_equal "$(http_requests)" 2
	assert_equal "$(http_field 1 status):$(http_field 2 status)" 500:200
	http_field 2 body >"$BATS_TEST_TMPDIR/got"
	cmp "$ALERT_JSON" "$BATS_TEST_TMPDIR/got"
}

@test "webhook: a 404 fails, and a redirect is neither followed nor taken for a delivery" {
	start_httpd --fail 1 --fail-status 404
	run_split -1 "$NOTIFIERS/webhook" "$URL" <"$ALERT_JSON"
	assert_stdout_empty
	assert_one_line_stderr "webhook: POST to http://127.0.0.1:$PORT failed: HTTP 404"
	start_httpd --fail 1 --fail-status 302
	run_split -1 "$NOTIFIERS/webhook" "$URL" <"$ALERT_JSON"
	assert_stdout_empty
	assert_one_line_stderr "webhook: POST to http://127.0.0.1:$PORT failed: HTTP 302"
	assert_equal "$(http_requests)" 1
}

@test "webhook: a server that does not answer within EW_WEBHOOK_TIMEOUT fails" {
	start_httpd --delay 5
	local t0=$EPOCHREALTIME
	EW_WEBHOOK_TIMEOUT=1 run_split -1 "$NOTIFIERS/webhook" "$URL" <"$ALERT_JSON"
	local ms=$(((${EPOCHREALTIME/./} - ${t0/./}) / 1000))
	assert_stdout_empty
	assert_one_line_stderr "webhook: POST to http://127.0.0.1:$PORT failed: "
	assert_stderr_regex 'timed out'
	((ms < 3000)) || fail "the notifier took $ms ms with EW_WEBHOOK_TIMEOUT=1"
}

@test "webhook: no connection fails" {
	start_httpd
	kill "${SERVER_PIDS[-1]}"
	wait "${SERVER_PIDS[-1]}" || true
	run_split -1 "$NOTIFIERS/webhook" "$URL" <"$ALERT_JSON"
	assert_stdout_empty
	assert_one_line_stderr "webhook: POST to http://127.0.0.1:$PORT failed: "
	assert_stderr_regex 'connect'
}

@test "webhook: no URL, a bad URL, a bad timeout or an empty stdin exit 2 with a message" {
	run_split -2 "$NOTIFIERS/webhook" <"$ALERT_JSON"
	assert_stdout_empty
	assert_stderr "webhook: no URL: give it as the first argument or set EW_WEBHOOK_URL"
	EW_WEBHOOK_URL= run_split -2 "$NOTIFIERS/webhook" <"$ALERT_JSON"
	assert_stderr "webhook: no URL: give it as the first argument or set EW_WEBHOOK_URL"
	run_split -2 "$NOTIFIERS/webhook" file:///etc/passwd <"$ALERT_JSON"
	assert_stderr "webhook: the URL must start with http:// or https://"
	EW_WEBHOOK_TIMEOUT=soon run_split -2 "$NOTIFIERS/webhook" http://127.0.0.1:9/ <"$ALERT_JSON"
	assert_stderr "webhook: EW_WEBHOOK_TIMEOUT must be a positive number of seconds, not 'soon'"
	EW_WEBHOOK_TIMEOUT=0 run_split -2 "$NOTIFIERS/webhook" http://127.0.0.1:9/ <"$ALERT_JSON"
	assert_stderr "webhook: EW_WEBHOOK_TIMEOUT must be a positive number of seconds, not '0'"
	run_split -2 "$NOTIFIERS/webhook" http://127.0.0.1:9/ </dev/null
	assert_stderr "webhook: no JSON on stdin"
}

# --- mail ------------------------------------------------------------------

@test "mail: delivers over SMTP: Subject, To, From, a UTF-8 body with the fields and the JSON" {
	start_smtpd
	export EW_MAIL_FROM='Early warning <alerts@example.org>'
	run_split -0 "$NOTIFIERS/mail" desk@example.org 'Ops <ops@example.org>' <"$ALERT_JSON"
	assert_stdout_empty
	assert_stderr_empty
	assert_equal "$(mail_count)" 1
	read_mail 1
	assert_equal "$MAIL_SUBJECT" '[ew] RED attacks-cercle Ségou/Markala: 5 records in 7d (escalated)'
	assert_equal "$MAIL_TO" 'desk@example.org, Ops <ops@example.org>'
	assert_equal "$MAIL_FROM" 'Early warning <alerts@example.org>'
	assert_equal "$MAIL_RCPT" $'desk@example.org\nops@example.org'
	assert_equal "$MAIL_CTYPE" 'text/plain; charset=utf-8'
	for h in Date MIME-Version Content-Transfer-Encoding Message-ID; do
		[[ $'\n'$MAIL_HEADERS$'\n' == *$'\n'$h$'\n'* ]] || fail "no $h header: $MAIL_HEADERS"
	done
	local want
	want=$(printf '%s\n' \
		'RED attacks-cercle Ségou/Markala: 5 records in 7d (escalated)' '' \
		'rule:    attacks-cercle' \
		'group:   Ségou/Markala' \
		'level:   red' \
		'state:   escalated' \
		'time:    2026-11-28T12:00:00Z' \
		'count:   5' \
		"records: $A1" \
		"         $A2" \
		'note:' '' 'The alert as JSON:' '')
	[[ $MAIL_BODY == "$want"$'\n'* ]] ||
		fail "$(printf 'the body does not start with\n%s\n-- body --\n%s' "$want" "$MAIL_BODY")"
	assert_equal "$MAIL_JSON" "$(jq -c . "$ALERT_JSON")"
	# UTF-8 as it is in the body (8bit), not encoded
	grep -q 'group:   Ségou/Markala' "$MAIL_DIR/msg-0001.eml"
}

@test "mail: recipients from EW_MAIL_TO (comma-separated) without arguments" {
	start_smtpd
	export EW_MAIL_TO=' a@example.org,b@example.org , ,'
	run_split -0 "$NOTIFIERS/mail" <"$ALERT_JSON"
	assert_stdout_empty
	assert_stderr_empty
	read_mail 1
	assert_equal "$MAIL_TO" 'a@example.org, b@example.org'
	assert_equal "$MAIL_RCPT" $'a@example.org\nb@example.org'
	[[ $MAIL_FROM == ew@?* ]] || fail "the default From is '$MAIL_FROM', not ew@HOSTNAME"
}

@test "mail: CR and LF in the summary cannot add a header or a recipient" {
	start_smtpd
	export EW_ALERT_SUMMARY=$'RED x Ségou\r\nBcc: evil@example.org\r\nX-Injected: yes\n\nfake body'
	export EW_ALERT_GROUP=$'Ségou\r\nCc: evil2@example.org'
	run_split -0 "$NOTIFIERS/mail" desk@example.org <"$ALERT_JSON"
	assert_stdout_empty
	assert_stderr_empty
	read_mail 1
	assert_equal "$MAIL_RCPT" desk@example.org
	assert_equal "$MAIL_TO" desk@example.org
	assert_equal "$MAIL_SUBJECT" '[ew] RED x Ségou Bcc: evil@example.org X-Injected: yes fake body'
	[[ ${MAIL_HEADERS,,} != *bcc* && ${MAIL_HEADERS,,} != *x-injected* && ${MAIL_HEADERS,,} != *$'\ncc'* ]] ||
		fail "$(printf 'a header was injected:\n%s' "$MAIL_HEADERS")"
}

@test "mail: an address with a CR or LF is refused, nothing is sent" {
	export EW_SENDMAIL="touch $BATS_TEST_TMPDIR/sent"
	run_split -2 "$NOTIFIERS/mail" $'desk@example.org\r\nBcc: evil@example.org' <"$ALERT_JSON"
	assert_stdout_empty
	assert_stderr "mail: the address 'desk@example.org Bcc: evil@example.org' contains a control character (CR, LF, tab ...)"
	EW_MAIL_TO=$'desk@example.org,x@example.org\nBcc: evil@example.org' run_split -2 "$NOTIFIERS/mail" <"$ALERT_JSON"
	assert_one_line_stderr "mail: the address 'x@example.org Bcc: evil@example.org' contains"
	EW_MAIL_FROM=$'ew@example.org\nBcc: evil@example.org' run_split -2 "$NOTIFIERS/mail" desk@example.org <"$ALERT_JSON"
	assert_one_line_stderr "mail: EW_MAIL_FROM 'ew@example.org Bcc: evil@example.org' contains"
	[[ ! -e $BATS_TEST_TMPDIR/sent ]] || fail "sendmail was run"
}

@test "mail: no recipient exits 2 with a message, nothing is sent" {
	export EW_SENDMAIL="touch $BATS_TEST_TMPDIR/sent"
	run_split -2 "$NOTIFIERS/mail" <"$ALERT_JSON"
	assert_stdout_empty
	assert_stderr "mail: no recipient: give addresses as arguments or set EW_MAIL_TO"
	EW_MAIL_TO=' , ' run_split -2 "$NOTIFIERS/mail" <"$ALERT_JSON"
	assert_stderr "mail: no recipient: give addresses as arguments or set EW_MAIL_TO"
	[[ ! -e $BATS_TEST_TMPDIR/sent ]] || fail "sendmail was run"
}

@test "mail: a refused message fails with one line on stderr; the next run delivers" {
	start_smtpd --fail 1
	run_split -1 "$NOTIFIERS/mail" desk@example.org <"$ALERT_JSON"
	assert_stdout_empty
	assert_one_line_stderr "mail: msmtp failed (exit "
	assert_stderr_regex 'simulated failure'
	assert_equal "$(mail_count)" 0
	run_split -0 "$NOTIFIERS/mail" desk@example.org <"$ALERT_JSON"
	assert_stderr_empty
	assert_equal "$(mail_count)" 1
}

@test "mail: a sendmail that is not there exits 2; EW_SENDMAIL words are not glob-expanded" {
	EW_SENDMAIL=/nonexistent/sendmail run_split -2 "$NOTIFIERS/mail" desk@example.org <"$ALERT_JSON"
	assert_stdout_empty
	assert_stderr "mail: /nonexistent/sendmail: not found (install a mail transfer agent, or set EW_SENDMAIL)"
	# a fake sendmail that records its arguments and the message
	printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s"\ncat >"%s"\n' \
		"$BATS_TEST_TMPDIR/argv" "$BATS_TEST_TMPDIR/message" >"$BATS_TEST_TMPDIR/sendmail"
	chmod +x "$BATS_TEST_TMPDIR/sendmail"
	touch "$BATS_TEST_TMPDIR/match-me"
	EW_SENDMAIL="$BATS_TEST_TMPDIR/sendmail --opt=1 $BATS_TEST_TMPDIR/match-*" \
		run_split -0 "$NOTIFIERS/mail" desk@example.org <"$ALERT_JSON"
	assert_stdout_empty
	assert_stderr_empty
	assert_equal "$(<"$BATS_TEST_TMPDIR/argv")" "--opt=1"$'\n'"$BATS_TEST_TMPDIR/match-*"$'\n-t\n-i'
	grep -q '^To: desk@example.org$' "$BATS_TEST_TMPDIR/message"
}

@test "mail: a long alert is wrapped to short lines, its JSON unchanged" {
	start_smtpd
	local i ids= records=
	for ((i = 0; i < 200; i++)); do
		printf -v id '01JQ%022d' "$i"
		ids+=${ids:+;}$id
		records+=${records:+,}\"$id\"
	done
	export EW_ALERT_RECORDS=$ids
	export EW_ALERT_NOTE=$'first line\r\nsecond line, with "quotes"'
	printf '{"alert":"%s","records":[%s],"note":"a, \\"b\\": c,\\\\\\" {[ ]} Ségou","summary":"x"}\n' \
		"$ALERT" "$records" >"$ALERT_JSON"
	run_split -0 "$NOTIFIERS/mail" desk@example.org <"$ALERT_JSON"
	assert_stderr_empty
	read_mail 1 # checks that no line is over 998 bytes
	assert_equal "$MAIL_JSON" "$(jq -c . "$ALERT_JSON")"
	[[ $MAIL_BODY == *$'\nnote:    first line\n         second line, with "quotes"\n'* ]] ||
		fail "$(printf 'the note is not on two lines:\n%s' "$MAIL_BODY")"
	[[ $MAIL_BODY == *$'\nrecords: 01JQ0000000000000000000000\n         01JQ0000000000000000000001\n'* ]] ||
		fail "$(printf 'the records are not one a line:\n%s' "$MAIL_BODY")"
}
