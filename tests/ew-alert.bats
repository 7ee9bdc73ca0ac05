#!/usr/bin/env bats
# ew-alert: rules.conf, untrusted jq, exit status and formats, ack, resolve,
# silence and list, notifiers (with tests/servers/httpd.py), concurrency and
# --nagios.  Every test works on a real repository and reads what ew alert
# wrote with git itself.  The day-by-day life of one alert (raise, escalate,
# ack, resolve) is in alert-scenario.bats.
#
# EW_NOW is 2026-11-28T12:00:00Z (helpers.bash): "today" is 2026-11-28, and
# a 7d window starts on 2026-11-21.

load helpers
load servers


# Record ids, in rising order.
R1=01JQ0000000000000000000001
R2=01JQ0000000000000000000002
R3=01JQ0000000000000000000003
R4=01JQ0000000000000000000004
R5=01JQ0000000000000000000005
R6=01JQ0000000000000000000006
R7=01JQ0000000000000000000007
R8=01JQ0000000000000000000008
R9=01JQ0000000000000000000009
R10=01JQ000000000000000000000A
R11=01JQ000000000000000000000B
R12=01JQ000000000000000000000C

# The columns of alerts.csv and of the transitions ew alert prints.
ALERT_COLUMNS=id,alert,rule,group,level,state,time,count,records,who,note,until,notify
LIST_COLUMNS=alert,rule,group,level,state,raised,time,count,records,who,note,pending

# A rule that counts the attacks of each cercle, used by many tests.
ATTACKS_RULE='[rule "attacks"]
	description = Attacks in the cercle
	level = yellow
	where = .category == \"attack\"
	window = 7d
	group-by = cercle'

setup() {
	ew_common_setup
	SERVER_PIDS=()
	new_repo
}

teardown() {
	stop_servers
}

# records: adds the records of the CSV on stdin with ew add.
records() {
	ew add >/dev/null || fail "records: ew add failed"
}

# csvcols COL...: the columns COL of each row of the CSV on stdin,
# tab-separated, a line a row.
csvcols() {
	"$PYTHON" -c '
import csv, io, sys
rows = csv.DictReader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline=""))
out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
for r in rows:
    out.write("\t".join(r[c] for c in sys.argv[1:]) + "\n")
out.flush()
' "$@"
}

# alog COL...: csvcols of alerts.csv as HEAD has it.
alog() {
	git show HEAD:alerts.csv | csvcols "$@"
}

# rows_in_state STATE: how many rows of HEAD's alerts.csv have STATE.
rows_in_state() {
	local n
	n=$(alog state | grep -cx -- "$1") || true
	echo "${n:-0}"
}

# alert_id RULE GROUP: the id of the latest alert raised for RULE and GROUP.
alert_id() {
	alog alert rule group state |
		awk -F'\t' -v r="$1" -v g="$2" '$2 == r && $3 == g && $4 == "raised" { id = $1 } END { print id }'
}

# conf_value TEXT: TEXT as a double-quoted git-config value (what
# 'git config' writes, without running it for each value).
conf_value() {
	local v=${1//\\/\\\\}
	v=${v//\"/\\\"}
	printf '"%s"' "$v"
}

# elapsed_ms T0: milliseconds since $EPOCHREALTIME was T0.
elapsed_ms() {
	echo $(((${EPOCHREALTIME/./} - ${1/./}) / 1000))
}

# http_statuses: the status of every request the server answered, a line each.
http_statuses() {
	[[ ! -f $HTTP_LOG ]] || jq -r .status "$HTTP_LOG"
}

# ---------------------------------------------------------------------------
# rules.conf

@test "rules: an unknown key is reported with a suggestion; the rule is skipped, the others raise and are committed (exit 2)" {
	rules <<-EOF
		$ATTACKS_RULE
		[rule "typo"]
			level = red
			window = 7d
			treshold = 2
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	local before
	before=$(head_commit)
	run_split -2 ew alert
	assert_stderr "ew-alert: rules.conf: rule 'typo': unknown key 'treshold' (did you mean 'threshold'?)"
	assert_equal "$(csvcols rule group level state count records <<<"$output")" "attacks	Niono	yellow	raised	1	$R1"
	assert_equal "$(git rev-parse HEAD~1)" "$before"
	assert_equal "$(head_message)" "$(printf 'Alerts: 1 raised\n\nEw-Action: alert\nEw-Alert: %s' "$(alert_id attacks Niono)")"
	assert_equal "$(alog rule group state)" "attacks	Niono	raised"
	assert_clean_repo
}

@test "rules: each problem names the file and the rule, exits 2, and the other rules still raise" {
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	local good=$'[rule "good"]\nlevel = yellow\nwindow = 7d\n' head
	head=$(head_commit)
	local -a cases=(
		$'level = red'
		"rule 'bad': no window (add e.g. 'window = 7d')"
		$'window = 7d'
		"rule 'bad': no level (add 'level = yellow', or info, orange, red)"
		$'level = orange\nwindow = 7d\nescalate = yellow 5'
		"rule 'bad': escalate 'yellow 5' must be a higher level at a higher number than orange at 1"
		$'level = yellow\nwindow = 7d\nthreshold = 3\nescalate = red 3'
		"rule 'bad': escalate 'red 3' must be a higher level at a higher number than yellow at 3"
		$'level = yellow\nwindow = 7d\nescalate = red 5\nescalate = orange 8'
		"rule 'bad': escalate 'orange 8' must be a higher level at a higher number than red at 5"
		$'level = yellow\nwindow = 7d\nescalate = red'
		"rule 'bad': invalid escalate 'red' (expected a level and a number, e.g. 'red 5')"
		$'level = yellow\nwindow = 7d\ngroup-by = cercle, comune'
		"rule 'bad': unknown column 'comune' in group-by (did you mean 'commune'?)"
		$'level = yellow\nwindow = 7d\nsum = description'
		"rule 'bad': cannot sum 'description' (expected a count such as killed, injured, abducted, displaced, or severity)"
		$'level = yellow\nwindow = 7d\nsum = kiled'
		"rule 'bad': unknown column 'kiled' in sum (did you mean 'killed'?)"
		$'level = yellow\nwindow = 7d\nnotify = desk, sms/coordination'
		"rule 'bad': invalid notifier name 'sms/coordination' (letters, digits, '.', '_' and '-')"
		$'level = yellow\nwindow = 7d\nthreshold = 0'
		"rule 'bad': invalid threshold '0' (expected a whole number, 1 or more)"
		$'level = yellow\nwindow = 7d\nrepeat = often'
		"rule 'bad': invalid repeat 'often' (expected a duration such as 30m, 24h, 7d, 2w)"
		$'level = yellow\nwindow = 7d\ndescription = "two\\nlines"'
		"rule 'bad': description must be one line"
	)
	local i
	for ((i = 0; i < ${#cases[@]}; i += 2)); do
		printf '%s[rule "bad"]\n%s\n' "$good" "${cases[i]}" >rules.conf
		run_split -2 ew alert --dry-run
		assert_stderr "ew-alert: rules.conf: ${cases[i + 1]}"
		[[ ${#lines[@]} == 2 && ${lines[1]} == *,good,,yellow,raised,* ]] || fail "$(printf 'the good rule did not raise:\n%s' "$output")"
	done
	# a section other than [rule "NAME"], and a rule name that is not allowed
	printf '%s[notifier "desk"]\ncommand = true\n[rule "-bad"]\nlevel = red\nwindow = 7d\n' "$good" >rules.conf
	run_split -2 ew alert --dry-run
	assert_stderr "$(printf '%s\n' \
		"ew-alert: rules.conf: unknown section 'notifier' (only [rule \"NAME\"] sections belong here)" \
		"ew-alert: rules.conf: rule '-bad': invalid rule name (letters, digits, '.', '_' and '-', not first)")"
	assert_equal "$(csvcols rule state <<<"$output")" "good	raised"
	git checkout -q rules.conf
	assert_equal "$(head_commit)" "$head"
	assert_clean_repo
}

@test "rules: a bad level or window is reported once, as bad (not also as missing)" {
	rules <<-'EOF'
		[rule "good"]
			level = yellow
			window = 7d
		[rule "bad"]
			level = purple
			window = 7d
		[rule "worse"]
			level = red
			window = 7x
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -2 ew alert
	assert_equal "$(csvcols rule state <<<"$output")" "good	raised"
	assert_stderr "$(printf '%s\n' \
		"ew-alert: rules.conf: rule 'bad': invalid level 'purple' (expected one of: info, yellow, orange, red)" \
		"ew-alert: rules.conf: rule 'worse': invalid window '7x' (expected a duration such as 30m, 24h, 7d, 2w)")"
	assert_equal "$(alog rule state)" "good	raised"
	assert_clean_repo
}

@test "rules: a rule with a problem keeps its open alerts; a removed rule's alerts are resolved as 'rule removed'" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	local id
	id=$(alert_id attacks Niono)
	# broken: reported, not evaluated, its alert neither resolved nor removed
	git config -f rules.conf rule.attacks.colour red
	git commit -q -m 'Break the rule' rules.conf
	local head
	head=$(head_commit)
	run_split -2 ew alert
	assert_stdout_empty
	assert_stderr "ew-alert: rules.conf: rule 'attacks': unknown key 'colour' (see ew-rules(5))"
	assert_equal "$(head_commit)" "$head"
	run_split -0 ew alert list --open --format tsv
	assert_equal "$(cut -f1,5 <<<"$output")" "$(printf 'alert\tstate\n%s\topen' "$id")"
	# removed: resolved with the note "rule removed", notified to nobody
	printf '[rule "other"]\nlevel = info\nwindow = 1d\nwhere = false\n' >rules.conf
	git commit -q -m 'Remove the rule' rules.conf
	run_split -0 ew alert
	assert_stderr_empty
	assert_equal "$(csvcols alert rule group level state note notify <<<"$output")" "$id	attacks	Niono	yellow	resolved	rule removed	"
	assert_equal "$(alog alert state | tail -n 1)" "$id	resolved"
	run_split -1 ew alert list --open
	assert_clean_repo
}

@test "rules: group-by with two columns keys groups as 'Niono/Diabaly'; empty values form their own group; no group-by is one group" {
	rules <<-'EOF'
		[rule "communes"]
			level = info
			window = 7d
			group-by = cercle commune
		[rule "everything"]
			level = info
			window = 7d
			threshold = 6
	EOF
	records <<-EOF
		id,event_date,cercle,commune,category
		$R1,2026-11-27,Niono,Diabaly,attack
		$R2,2026-11-25,Niono,Diabaly,threat
		$R3,2026-11-26,Niono,Sokolo,attack
		$R4,2026-11-26,Niono,,attack
		$R5,2026-11-22,Macina,Kolongo,abduction
		$R6,2026-11-28,Niono,,clash
	EOF
	run_split -0 ew alert
	assert_stderr_empty
	assert_equal "$(alog rule group level state count records)" "$(printf '%s\n' \
		"communes	Macina/Kolongo	info	raised	1	$R5" \
		"communes	Niono/	info	raised	2	$R4;$R6" \
		"communes	Niono/Diabaly	info	raised	2	$R2;$R1" \
		"communes	Niono/Sokolo	info	raised	1	$R3" \
		"everything		info	raised	6	$R5;$R2;$R3;$R4;$R1;$R6")"
	assert_clean_repo
}

@test "rules: sum adds up a column and the threshold applies to the sum" {
	rules <<-'EOF'
		[rule "killings"]
			level = orange
			where = .killed > 0
			sum = killed
			threshold = 3
			escalate = red 6
			window = 7d
			group-by = cercle
	EOF
	records <<-EOF
		id,event_date,cercle,category,killed
		$R1,2026-11-27,Niono,attack,1
		$R2,2026-11-26,Niono,attack,1
		$R3,2026-11-26,Niono,threat,0
		$R4,2026-11-27,Macina,attack,2
		$R5,2026-11-25,Macina,clash,2
		$R6,2026-11-27,Ségou,attack,7
	EOF
	run_split -0 ew alert
	assert_equal "$(alog rule group level state count records)" "$(printf '%s\n' \
		"killings	Macina	orange	raised	4	$R5;$R4" \
		"killings	Ségou	red	raised	7	$R6")"
	records <<-EOF
		id,event_date,cercle,category,killed
		$R7,2026-11-28,Niono,attack,1
	EOF
	run_split -0 ew alert
	assert_equal "$(csvcols group level state count records <<<"$output")" "Niono	orange	raised	3	$R2;$R1;$R7"
	assert_clean_repo
}

@test "rules: escalate sets the level the value reached, whatever the order of the lines" {
	rules <<-'EOF'
		[rule "attacks"]
			level = yellow
			threshold = 2
			escalate = red 5
			escalate = orange 3
			window = 7d
			group-by = cercle
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,San,attack
		$R2,2026-11-27,Macina,attack
		$R3,2026-11-26,Macina,attack
		$R4,2026-11-27,Ségou,attack
		$R5,2026-11-26,Ségou,attack
		$R6,2026-11-25,Ségou,attack
		$R7,2026-11-24,Ségou,attack
		$R8,2026-11-27,Niono,attack
		$R9,2026-11-27,Niono,attack
		$R10,2026-11-27,Niono,attack
		$R11,2026-11-27,Niono,attack
		$R12,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	assert_equal "$(alog group level state count)" "$(printf '%s\n' \
		"Macina	yellow	raised	2" \
		"Niono	red	raised	5" \
		"Ségou	orange	raised	4")"
	assert_clean_repo
}

@test "rules: records whose status is false or duplicate never count, whatever where says" {
	rules <<-'EOF'
		[rule "all"]
			level = info
			window = 7d
		[rule "false-ones"]
			level = red
			window = 7d
			where = .status == \"false\" or .status == \"duplicate\"
	EOF
	records <<-EOF
		id,event_date,cercle,category,status,duplicate_of
		$R1,2026-11-27,Niono,attack,new,
		$R2,2026-11-27,Niono,attack,false,
		$R3,2026-11-27,Niono,attack,duplicate,$R1
		$R4,2026-11-26,Niono,attack,verified,
		$R5,2026-11-26,Niono,attack,closed,
	EOF
	run_split -0 ew alert
	assert_equal "$(alog rule state count records)" "all	raised	3	$R4;$R5;$R1"
	assert_clean_repo
}

@test "rules: the window runs from the day of now minus the window to today, in UTC days" {
	rules <<-'EOF'
		[rule "w7d"]
			level = info
			window = 7d
		[rule "w24h"]
			level = info
			window = 24h
		[rule "w2w"]
			level = info
			window = 2w
		[rule "w6h"]
			level = info
			window = 6h
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-13,Niono,attack
		$R2,2026-11-14,Niono,attack
		$R3,2026-11-20,Niono,attack
		$R4,2026-11-21,Niono,attack
		$R5,2026-11-26,Niono,attack
		$R6,2026-11-27,Niono,attack
		$R7,2026-11-28,Niono,attack
	EOF
	# 23:00 on 28 November at UTC-5 is 04:00 on the 29th in UTC: 24h
	# reaches back to the 28th only (the local date would take the 27th)
	run_split -0 ew alert --dry-run --now 2026-11-28T23:00:00-05:00
	assert_equal "$(csvcols rule time count records <<<"$output")" "$(printf '%s\n' \
		"w7d	2026-11-29T04:00:00Z	3	$R5;$R6;$R7" \
		"w24h	2026-11-29T04:00:00Z	1	$R7" \
		"w2w	2026-11-29T04:00:00Z	5	$R3;$R4;$R5;$R6;$R7" \
		"w6h	2026-11-29T04:00:00Z	1	$R7")"
	run_split -0 ew alert
	# 7d at noon: 2026-11-21 (the first day) counts, 2026-11-20 does not;
	# 24h at noon: yesterday and today
	assert_equal "$(alog rule count records)" "$(printf '%s\n' \
		"w7d	4	$R4;$R5;$R6;$R7" \
		"w24h	2	$R6;$R7" \
		"w2w	6	$R2;$R3;$R4;$R5;$R6;$R7" \
		"w6h	1	$R7")"
	assert_clean_repo
}

@test "rules: the window reaches across months and years (shards)" {
	rules <<-'EOF'
		[rule "w7d"]
			level = info
			window = 7d
	EOF
	EW_NOW=2027-01-02T12:00:00Z records <<-EOF
		id,event_date,cercle,category
		$R1,2026-12-25,Niono,attack
		$R2,2026-12-26,Niono,attack
		$R3,2027-01-02,Niono,attack
		$R4,2026-11-30,Niono,attack
	EOF
	run_split -0 ew alert --dry-run --now 2026-12-05T12:00:00Z
	assert_equal "$(csvcols state count records <<<"$output")" "raised	1	$R4"
	run_split -0 ew alert --now 2027-01-02T12:00:00Z
	assert_equal "$(alog count records)" "2	$R2;$R3"
	assert_clean_repo
}

@test "rules: where counts a record when its output is neither false nor null" {
	rules <<-'EOF'
		[rule "severity"]
			level = info
			window = 7d
			where = .severity
		[rule "killed"]
			level = info
			window = 7d
			where = .killed
		[rule "never"]
			level = info
			window = 7d
			where = empty
		[rule "quoted"]
			level = info
			window = 7d
			where = ".description | test(\"a;b#c\")"
	EOF
	records <<-EOF
		id,event_date,cercle,category,severity,killed,description
		$R1,2026-11-27,Niono,attack,3,0,x a;b#c y
		$R2,2026-11-27,Niono,attack,,,nothing
	EOF
	run_split -0 ew alert
	assert_stderr_empty
	assert_equal "$(alog rule count records)" "$(printf '%s\n' \
		"severity	1	$R1" \
		"killed	2	$R1;$R2" \
		"quoted	1	$R1")"
	assert_clean_repo
}

# ---------------------------------------------------------------------------
# untrusted jq

@test "untrusted jq: recursion, a memory bomb, env, \$ENV, import and a type error are each reported, within limits; the other rules are committed" {
	# a HOME and a variable that must not show anywhere
	local home=$BATS_TEST_TMPDIR/home-XYZZY-private
	mkdir "$home"
	cp "$HOME/.gitconfig" "$home/"
	export HOME=$home EW_TEST_SECRET=s3cr3t-value-4711 EW_JQ_TIMEOUT=$EW_TEST_JQ_SECS EW_JQ_MEMORY=64
	local r
	for r in spin bomb strings envf envv imports types; do
		git config -f rules.conf "rule.$r.level" red
		git config -f rules.conf "rule.$r.window" 7d
	done
	git config -f rules.conf rule.spin.where 'def f: f; f'
	git config -f rules.conf rule.bomb.where '[range(1e9)]'
	git config -f rules.conf rule.strings.where 'reduce range(40) as $i ("x"; . + .) | length > 0'
	git config -f rules.conf rule.envf.where 'env.HOME | length > 0'
	git config -f rules.conf rule.envv.where '$ENV.EW_TEST_SECRET'
	git config -f rules.conf rule.imports.where 'import "x" as x; true'
	git config -f rules.conf rule.types.where '.category - 1'
	printf '%s\n' "$ATTACKS_RULE" >>rules.conf
	git commit -q -m 'Rules, some hostile' rules.conf
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-27,Macina,threat
	EOF
	local t0=$EPOCHREALTIME ms
	run_split -2 ew alert
	ms=$(elapsed_ms "$t0")
	assert_no_crash
	((ms < 20000 * EW_TEST_SLOW)) || fail "ew alert took $ms ms with EW_JQ_TIMEOUT=$EW_JQ_TIMEOUT"
	[[ $output$stderr != *s3cr3t* ]] || fail "$(printf 'the secret leaked:\n%s\n%s' "$output" "$stderr")"
	[[ $output$stderr != *XYZZY* ]] || fail "$(printf 'HOME leaked:\n%s\n%s' "$output" "$stderr")"
	local -a want=(
		"ew-alert: rules.conf: rule 'spin': ran past its time limit (EW_JQ_TIMEOUT=$EW_JQ_TIMEOUT s"
		"ew-alert: rules.conf: rule 'bomb': ran past its (time|memory) limit \(EW_JQ_(TIMEOUT=$EW_JQ_TIMEOUT s|MEMORY=64 MiB)"
		"ew-alert: rules.conf: rule 'strings': ran past its memory limit (EW_JQ_MEMORY=64 MiB); its alerts are unchanged"
		"ew-alert: rules.conf: rule 'envf': jq program uses 'env', which is not allowed here; its alerts are unchanged"
		"ew-alert: rules.conf: rule 'envv': jq program uses '\$ENV', which is not allowed here; its alerts are unchanged"
		"ew-alert: rules.conf: rule 'imports': jq program uses 'import', which is not allowed here; its alerts are unchanged"
		"ew-alert: rules.conf: rule 'types': jq error: string (\"attack\") and number (1) cannot be subtracted (record $R1); its alerts are unchanged"
	)
	assert_equal "${#stderr_lines[@]}" 7
	[[ ${stderr_lines[0]} == "${want[0]}"* ]] || fail "line 1: ${stderr_lines[0]}"
	[[ ${stderr_lines[1]} =~ ^${want[1]} ]] || fail "line 2: ${stderr_lines[1]}"
	local i
	for ((i = 2; i < 7; i++)); do
		assert_equal "${stderr_lines[i]}" "${want[i]}"
	done
	# the rule that works is evaluated, printed and committed
	assert_equal "$(csvcols rule group state records <<<"$output")" "attacks	Niono	raised	$R1"
	assert_equal "$(alog rule group state)" "attacks	Niono	raised"
	assert_equal "$(git log -1 --format=%s)" "Alerts: 1 raised"
	assert_clean_repo
}

@test "untrusted jq: a rule that allocates without end is stopped at its memory limit" {
	export EW_JQ_TIMEOUT=$((10 * EW_TEST_SLOW)) EW_JQ_MEMORY=64
	rules <<-EOF
		[rule "bomb"]
			level = red
			window = 7d
			where = [range(1e9)]
		$ATTACKS_RULE
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	local t0=$EPOCHREALTIME ms
	run_split -2 ew alert
	ms=$(elapsed_ms "$t0")
	assert_no_crash
	((ms < 20000 * EW_TEST_SLOW)) || fail "ew alert took $ms ms"
	assert_stderr "ew-alert: rules.conf: rule 'bomb': ran past its memory limit (EW_JQ_MEMORY=64 MiB); its alerts are unchanged"
	assert_equal "$(csvcols rule group state <<<"$output")" "attacks	Niono	raised"
	assert_clean_repo
}

@test "untrusted jq: the time limit message is the one the manual pages quote" {
	export EW_JQ_TIMEOUT=1
	# spin alone: under valgrind a default rule can need more than 1 s too
	: >rules.conf
	git config -f rules.conf rule.spin.level red
	git config -f rules.conf rule.spin.window 7d
	git config -f rules.conf rule.spin.where 'def f: f; f'
	git commit -q -m rules rules.conf
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -2 ew alert --dry-run
	# ew-alert(1) DIAGNOSTICS and ew-rules(5) quote this very line
	local page documented
	for page in ew-alert.1 ew-rules.5; do
		documented=$(grep -h "^ew-alert: rules.conf: rule 'spin': ran past its time limit" "$EW_PROJECT_DIR/man/$page")
		[[ -n $documented ]] || fail "$page does not quote the message"
		assert_equal "$stderr" "$documented"
	done
	assert_stderr_regex "^ew-alert: rules.conf: rule 'spin': ran past its time limit \(EW_JQ_TIMEOUT=1 s[^)]*\); its alerts are unchanged\$"
}

@test "untrusted jq: every refused builtin is refused, however it is spelled, and nothing of the environment shows" {
	export EW_TEST_SECRET=s3cr3t-value-4711
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	local -a progs=(
		'$ENV' '$ ENV.EW_TEST_SECRET' '{$ENV} | length > 0' '"\($ENV)" | length > 0'
		'env' '"\(env)" | length > 0' 'error(env | tostring)' '[.[]?] | env'
		'input' 'inputs' 'import "a" as a; true' 'include "a"; true'
		'$__loc__' '$__prog_args' 'input_filename' 'input_line_number'
		'debug' 'stderr' 'halt' 'halt_error' 'get_search_list' 'modulemeta'
		'get_prog_origin' 'get_jq_origin'
	)
	local -a names=(
		'$ENV' '$ENV' '$ENV' '$ENV' env env env env input inputs import
		include '$__loc__' '$__prog_args' input_filename input_line_number
		debug stderr halt halt_error get_search_list modulemeta
		get_prog_origin get_jq_origin
	)
	local i
	for ((i = 0; i < ${#progs[@]}; i++)); do
		printf '[rule "r%s"]\n\tlevel = red\n\twindow = 7d\n\twhere = %s\n' "$i" "$(conf_value "${progs[i]}")"
	done >rules.conf
	printf '%s\n' "$ATTACKS_RULE" >>rules.conf
	git commit -q -m rules rules.conf
	# as git config reads it
	assert_equal "$(git config -f rules.conf rule.r3.where)" "${progs[3]}"
	assert_equal "$(git config -f rules.conf rule.r10.where)" "${progs[10]}"
	run_split -2 ew alert --dry-run
	[[ $output$stderr != *s3cr3t* ]] || fail "the secret leaked"
	[[ $output$stderr != *"$HOME"* ]] || fail "HOME leaked"
	assert_equal "${#stderr_lines[@]}" "${#progs[@]}"
	for ((i = 0; i < ${#progs[@]}; i++)); do
		assert_equal "${stderr_lines[i]}" "ew-alert: rules.conf: rule 'r$i': jq program uses '${names[i]}', which is not allowed here; its alerts are unchanged"
	done
	assert_equal "$(csvcols rule state <<<"$output")" "attacks	raised"
}

@test "untrusted jq: a rule that fails changes none of its alerts; fixed, it carries on" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	local id head
	id=$(alert_id attacks Niono)
	records <<-EOF
		id,event_date,cercle,category
		$R2,2026-11-28,Niono,threat
	EOF
	# false for the attack (the alert would be resolved), an error on the threat
	git config -f rules.conf rule.attacks.where '.category == "threat" and error("boom")'
	git commit -q -m 'A rule that fails' rules.conf
	head=$(head_commit)
	run_split -2 ew alert
	assert_stdout_empty
	assert_stderr "ew-alert: rules.conf: rule 'attacks': jq error: boom (record $R2); its alerts are unchanged"
	assert_equal "$(head_commit)" "$head"
	# past its time limit: unchanged too
	git config -f rules.conf rule.attacks.where '.category == "threat" and (def f: f; f)'
	git commit -q -m 'A rule that spins' rules.conf
	head=$(head_commit)
	EW_JQ_TIMEOUT=1 run_split -2 ew alert
	assert_stdout_empty
	assert_stderr_regex "^ew-alert: rules.conf: rule 'attacks': ran past its time limit"
	assert_equal "$(head_commit)" "$head"
	git config -f rules.conf rule.attacks.where '.category == "attack"'
	git commit -q -m 'Fix the rule' rules.conf
	run_split -1 ew alert
	assert_stdout_empty
	assert_stderr_empty
	run_split -0 ew alert list --open --format tsv
	assert_equal "$(cut -f1,5 <<<"${lines[1]}")" "$id	open"
	assert_clean_repo
}

# ---------------------------------------------------------------------------
# exit status, output, --dry-run, -

@test "run: exit 0 with transitions and one commit; a second run at the same instant prints nothing at all and exits 1" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-26,Macina,attack
	EOF
	local before
	before=$(commit_count)
	run_split -0 ew alert --author 'Cron Job <cron@example.org>'
	assert_stderr_empty
	assert_equal "${lines[0]}" "$ALERT_COLUMNS"
	assert_equal "${#lines[@]}" 3
	assert_equal "$(commit_count)" $((before + 1))
	local macina niono
	macina=$(alert_id attacks Macina)
	niono=$(alert_id attacks Niono)
	[[ $macina =~ ^$ULID_RE$ && $niono =~ ^$ULID_RE$ ]] || fail "bad alert ids: $macina $niono"
	# what was printed is what was committed
	assert_equal "$output" "$(git show HEAD:alerts.csv)"
	assert_equal "$(alog id alert rule group level state time count records who note until notify)" "$(printf '%s\n' \
		"$macina	$macina	attacks	Macina	yellow	raised	2026-11-28T12:00:00Z	1	$R2	Cron Job			" \
		"$niono	$niono	attacks	Niono	yellow	raised	2026-11-28T12:00:00Z	1	$R1	Cron Job			")"
	assert_equal "$(git log -1 --format=%B)" "$(printf 'Alerts: 2 raised\n\nEw-Action: alert\nEw-Alert: %s\nEw-Alert: %s\n' "$macina" "$niono")"
	assert_equal "$(git log -1 --format='%an <%ae>|%cn <%ce>|%aI')" "Cron Job <cron@example.org>|Test Operator <ops@example.org>|2026-11-28T12:00:00+00:00"
	assert_equal "$(git log -1 --format=%B | git interpret-trailers --parse)" "$(printf 'Ew-Action: alert\nEw-Alert: %s\nEw-Alert: %s' "$macina" "$niono")"
	assert_clean_repo
	local head
	head=$(head_commit)
	run_split -1 ew alert
	assert_stdout_empty
	assert_stderr_empty
	assert_equal "$(head_commit)" "$head"
	run_split -1 ew alert --format table
	assert_stdout_empty
	run_split -1 ew alert --json
	assert_stdout_empty
	assert_clean_repo
}

@test "run: the commit message counts every kind of transition; who is EW_AUTHOR" {
	rules <<-EOF
		$ATTACKS_RULE
			threshold = 1
			escalate = red 2
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-21,Macina,attack
	EOF
	run_split -0 ew alert
	records <<-EOF
		id,event_date,cercle,category
		$R3,2026-11-29,Niono,attack
		$R4,2026-11-29,San,attack
	EOF
	# on the 29th: Macina's record is out of the window, Niono has two, San one
	export EW_AUTHOR=Night-shift
	run_split -0 ew alert --now 2026-11-29T12:00:00Z
	assert_equal "$(csvcols rule group level state who note <<<"$output")" "$(printf '%s\n' \
		"attacks	Niono	red	escalated	Night-shift	" \
		"attacks	San	yellow	raised	Night-shift	" \
		"attacks	Macina	yellow	resolved	Night-shift	condition no longer holds")"
	assert_equal "$(git log -1 --format=%s)" "Alerts: 1 raised, 1 escalated, 1 resolved"
	assert_equal "$(git log -1 --format=%an)" "Night-shift"
	assert_equal "$(git log -1 --format=%B | git interpret-trailers --parse | sort)" "$(printf '%s\n' \
		"Ew-Action: alert" \
		"Ew-Alert: $(alert_id attacks Macina)" \
		"Ew-Alert: $(alert_id attacks Niono)" \
		"Ew-Alert: $(alert_id attacks San)" | sort)"
	assert_clean_repo
}

@test "run: an open alert keeps the highest level it reached while the condition holds" {
	rules <<-EOF
		$ATTACKS_RULE
			threshold = 2
			escalate = red 4
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-22,Niono,attack
		$R2,2026-11-22,Niono,attack
		$R3,2026-11-27,Niono,attack
		$R4,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	assert_equal "$(csvcols level state count <<<"$output")" "red	raised	4"
	local head
	head=$(head_commit)
	# on the 30th, two records are left: still above the threshold, still red
	run_split -1 ew alert --now 2026-11-30T12:00:00Z
	assert_stdout_empty
	assert_equal "$(head_commit)" "$head"
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f4,5 <<<"${lines[1]}")" "red	open"
	# on 5 December none is left: resolved
	run_split -0 ew alert --now 2026-12-05T12:00:00Z
	assert_equal "$(csvcols level state count note <<<"$output")" "red	resolved	0	condition no longer holds"
	assert_clean_repo
}

@test "run: the formats: csv with the 13 columns, tsv, json (count a number), table" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-26,Niono,attack
	EOF
	run_split -0 ew alert --dry-run --format csv
	assert_equal "${lines[0]}" "id,alert,rule,group,level,state,time,count,records,who,note,until,notify"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(csvcols rule group level state count records <<<"$output")" "attacks	Niono	yellow	raised	2	$R2;$R1"
	run_split -0 ew alert --dry-run --format tsv
	assert_equal "${lines[0]}" "$(tr , '\t' <<<"$ALERT_COLUMNS")"
	assert_equal "$(cut -f3-6,8,9 <<<"${lines[1]}")" "attacks	Niono	yellow	raised	2	$R2;$R1"
	local want
	for f in --json '--format json'; do
		# shellcheck disable=SC2086
		run_split -0 ew alert --dry-run $f
		run -0 jq -c '[keys_unsorted, (.count | type), .rule, .group, .state, .count, .records]' <<<"$output"
		assert_output "[[\"id\",\"alert\",\"rule\",\"group\",\"level\",\"state\",\"time\",\"count\",\"records\",\"who\",\"note\",\"until\",\"notify\"],\"number\",\"attacks\",\"Niono\",\"raised\",2,\"$R2;$R1\"]"
	done
	run_split -0 ew alert --dry-run --format table
	[[ ${lines[0]} =~ ^alert\ +rule\ +group\ +level\ +state\ +count\ +note\ *$ ]] || fail "table header: ${lines[0]}"
	[[ ${lines[1]} =~ ^$ULID_RE\ +attacks\ +Niono\ +yellow\ +raised\ +2\ *$ ]] || fail "table row: ${lines[1]}"
	refute_output --partial "$R1"
	run_split -2 ew alert --dry-run --format xml
	assert_stdout_empty
	assert_stderr_regex "^ew-alert: unknown format 'xml'"
	assert_clean_repo
	run_split -1 git ls-files --error-unmatch alerts.csv
}

@test "run: --dry-run prints the transitions, commits nothing and runs no notifier" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = touch
	EOF
	git config notifier.touch.command "touch '$BATS_TEST_TMPDIR/ran'"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	save_snapshot
	run_split -0 ew alert --dry-run
	assert_stderr_empty
	assert_equal "$(csvcols rule group state notify <<<"$output")" "attacks	Niono	raised	touch"
	assert_repo_unchanged
	[[ ! -e $BATS_TEST_TMPDIR/ran ]] || fail "--dry-run ran a notifier"
	# and again: nothing was recorded, so the same transition
	run_split -0 ew alert --dry-run
	assert_equal "$(csvcols rule group state <<<"$output")" "attacks	Niono	raised"
	assert_repo_unchanged
	[[ ! -e $BATS_TEST_TMPDIR/ran ]] || fail "--dry-run ran a notifier"
	# a pending notification is not delivered by --dry-run either
	git config notifier.touch.command false
	run_split -2 ew alert
	assert_equal "$(alog state)" raised
	git config notifier.touch.command "touch '$BATS_TEST_TMPDIR/ran'"
	save_snapshot
	run_split -1 ew alert --dry-run
	assert_stdout_empty
	assert_repo_unchanged
	[[ ! -e $BATS_TEST_TMPDIR/ran ]] || fail "--dry-run delivered a notification"
	run_split -1 ew alert
	[[ -e $BATS_TEST_TMPDIR/ran ]] || fail "ew alert did not deliver the pending notification"
	assert_equal "$(alog state notify)" "$(printf 'raised\ttouch\nnotified\ttouch')"
	assert_clean_repo
}

@test "run: - evaluates only the records on stdin (CSV or NDJSON), from the repository's alerts; it needs --dry-run" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-26,Macina,attack
	EOF
	save_snapshot
	run_split -0 bash -c 'ew list --cercle Niono | ew alert --dry-run -'
	assert_stderr_empty
	assert_equal "$(csvcols rule group state records <<<"$output")" "attacks	Niono	raised	$R1"
	run_split -0 bash -c 'ew list --json --cercle Macina | ew alert --dry-run -'
	assert_equal "$(csvcols rule group state records <<<"$output")" "attacks	Macina	raised	$R2"
	assert_repo_unchanged
	# without --dry-run: a usage error, nothing read, nothing written
	run_split -2 bash -c 'ew list --cercle Niono | ew alert -'
	assert_stdout_empty
	assert_stderr_regex '--dry-run'
	assert_repo_unchanged
	# the alerts of the repository are the starting state
	run_split -0 ew alert
	local niono
	niono=$(alert_id attacks Niono)
	save_snapshot
	run_split -0 bash -c 'ew list --cercle Niono | ew alert --dry-run -'
	refute_output --partial ",Niono,"
	assert_equal "$(csvcols rule group state <<<"$output")" "attacks	Macina	resolved"
	run_split -1 bash -c 'ew list | ew alert --dry-run -'
	assert_stdout_empty
	# records are checked as ew list - checks them
	printf 'id,event_date,cercle,category\n%s,2026-13-01,Niono,attack\n' $R3 >"$IN"
	run_split -2 ew alert --dry-run - <"$IN"
	assert_stdout_empty
	assert_stderr_regex '^ew-alert: stdin:2'
	assert_repo_unchanged
}

@test "run: - outside a repository needs --rules" {
	printf '%s\n' "$ATTACKS_RULE" >"$BATS_TEST_TMPDIR/rules.conf"
	printf 'id,event_date,cercle,category\n%s,2026-11-27,Niono,attack\n' $R1 >"$IN"
	mkdir "$BATS_TEST_TMPDIR/elsewhere"
	cd "$BATS_TEST_TMPDIR/elsewhere"
	run_split -0 ew alert --dry-run --rules "$BATS_TEST_TMPDIR/rules.conf" - <"$IN"
	assert_equal "$(csvcols rule group state records <<<"$output")" "attacks	Niono	raised	$R1"
	run_split -2 ew alert --dry-run - <"$IN"
	assert_stdout_empty
	assert_stderr_regex '^ew-alert: '
}

@test "run: --rules FILE evaluates its rules only: the alerts of the repository's other rules are not resolved" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	printf '[rule "threats"]\nlevel = info\nwindow = 7d\nwhere = .category == \\"threat\\"\n' >"$BATS_TEST_TMPDIR/other.conf"
	local head
	head=$(head_commit)
	run_split -1 ew alert --rules "$BATS_TEST_TMPDIR/other.conf"
	assert_stdout_empty
	assert_stderr_empty
	assert_equal "$(head_commit)" "$head"
	records <<-EOF
		id,event_date,cercle,category
		$R2,2026-11-28,San,threat
	EOF
	run_split -0 ew alert --rules "$BATS_TEST_TMPDIR/other.conf"
	assert_equal "$(csvcols rule state records <<<"$output")" "threats	raised	$R2"
	run_split -0 ew alert list --open --format tsv
	assert_equal "$(cut -f2,5 <<<"$output" | tail -n +2)" "$(printf 'attacks\topen\nthreats\topen')"
	assert_clean_repo
}

@test "run: a malformed alerts.csv is an error for every form; nothing is committed" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	printf 'id,state\n1,raised\n' >alerts.csv
	git add alerts.csv
	git commit -q -m 'A broken alert log' alerts.csv
	save_snapshot
	run_split -2 ew alert
	assert_rejected "ew-alert: alerts.csv:1: no column 'alert' in the header"
	run_split -2 ew alert --dry-run
	assert_rejected "ew-alert: alerts.csv:1: no column 'alert' in the header"
	run_split -2 ew alert list
	assert_rejected "ew-alert: alerts.csv:1: no column 'alert' in the header"
	run_split -2 ew alert silence attacks --for 1d --reason x
	assert_rejected "ew-alert: alerts.csv:1: no column 'alert' in the header"
	run_split -3 ew alert --nagios
	assert_output "EW UNKNOWN - alerts.csv:1: no column 'alert' in the header"
	assert_repo_unchanged
}

@test "run: usage errors exit 2 and change nothing" {
	rules <<<"$ATTACKS_RULE"
	save_snapshot
	local bad
	for bad in "--now yesterday-ish" "unexpected" "--open" "--note x" "--for 3d" "--reason x" "- -" "--bogus" "list --dry-run" "ack"; do
		# shellcheck disable=SC2086
		run_split -2 ew alert $bad
		assert_stdout_empty
		# (getopt names the program by its argv[0], a full path under valgrind)
		assert_stderr_regex "^${EW_UNDER_VALGRIND:+(/[^: ]*/)?}ew-alert: |^usage: "
	done
	EW_JQ_TIMEOUT=soon run_split -2 ew alert
	assert_stderr_regex "EW_JQ_TIMEOUT"
	run_split -2 ew alert --rules "$BATS_TEST_TMPDIR/nonexistent.conf"
	assert_stderr_regex 'nonexistent.conf'
	assert_repo_unchanged
}

@test "run: a run waits for another one (.git/ew-alert.lock) and for the writer's lock, and gives up after EW_LOCK_TIMEOUT; --dry-run does not wait" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	save_snapshot
	exec 9>.git/ew-alert.lock
	flock 9
	EW_LOCK_TIMEOUT=0 run_split -2 ew alert
	assert_stdout_empty
	assert_stderr_regex 'another ew alert is running'
	assert_repo_unchanged
	run_split -0 ew alert --dry-run
	assert_equal "$(csvcols rule state <<<"$output")" "attacks	raised"
	exec 9>&-
	# the writer's lock, .git/ew.lock, held by another ew process
	exec 9>.git/ew.lock
	flock 9
	EW_LOCK_TIMEOUT=0 run_split -2 ew alert
	assert_stdout_empty
	assert_stderr_regex 'repository is locked by another ew process'
	assert_repo_unchanged
	exec 9>&-
	run_split -0 ew alert
	assert_equal "$(csvcols rule state <<<"$output")" "attacks	raised"
	assert_clean_repo
}

# ---------------------------------------------------------------------------
# ack, resolve, silence, list

@test "ack: by a unique prefix in any case, with --note and --author; one row, one commit, nothing printed" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	local id before
	id=$(alert_id attacks Niono)
	before=$(commit_count)
	local prefix=${id:0:12}
	run_split -0 ew alert ack "${prefix,,}" --note $'Prefect informed, "patrol" sent\nsecond line' --author 'Awa Traoré <awa@example.org>' --now 2026-11-28T13:00:00Z
	assert_stdout_empty
	assert_stderr_empty
	assert_equal "$(commit_count)" $((before + 1))
	assert_equal "$(alog alert rule group level state time count records who note | tail -n +2 | head -n 1)" \
		"$id	attacks	Niono	yellow	acknowledged	2026-11-28T13:00:00Z	1	$R1	Awa Traoré	Prefect informed, \"patrol\" sent"
	run -0 bash -c "git show HEAD:alerts.csv | '$PYTHON' -c 'import csv,sys; print(repr(list(csv.reader(sys.stdin))[-1][10]))'"
	assert_output "'Prefect informed, \"patrol\" sent\\nsecond line'"
	assert_equal "$(git log -1 --format=%B)" "$(printf 'Acknowledge alert %s (attacks Niono)\n\nEw-Action: ack\nEw-Alert: %s\n' "$id" "$id")"
	assert_equal "$(git log -1 --format='%an <%ae>')" "Awa Traoré <awa@example.org>"
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f1,5,10 <<<"${lines[1]}")" "$id	acknowledged	Awa Traoré"
	assert_clean_repo
}

@test "ack/resolve: acking twice, acking a resolved alert and resolving twice are errors that change nothing" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	local id
	id=$(alert_id attacks Niono)
	run_split -0 ew alert ack "$id"
	save_snapshot
	run_split -2 ew alert ack "$id"
	assert_rejected "ew-alert: alert $id is already acknowledged (see 'ew alert list')"
	run_split -0 ew alert resolve "$id" --note 'patrol found nothing'
	assert_equal "$(alog state who note | tail -n 1)" "resolved	Test Operator	patrol found nothing"
	assert_equal "$(git log -1 --format=%B)" "$(printf 'Resolve alert %s (attacks Niono)\n\nEw-Action: resolve\nEw-Alert: %s\n' "$id" "$id")"
	save_snapshot
	run_split -2 ew alert ack "$id"
	assert_rejected "ew-alert: alert $id (attacks Niono) is already resolved"
	run_split -2 ew alert resolve "${id,,}"
	assert_rejected "ew-alert: alert $id (attacks Niono) is already resolved"
	assert_clean_repo
}

@test "ack/resolve: an ambiguous, unknown or malformed id is an error that changes nothing" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-27,Macina,attack
	EOF
	run_split -0 ew alert
	local a b common=
	a=$(alert_id attacks Macina)
	b=$(alert_id attacks Niono)
	while [[ ${a:${#common}:1} == "${b:${#common}:1}" ]]; do
		common+=${a:${#common}:1}
	done
	[[ -n $common ]] || skip "the two alert ids have no common prefix"
	save_snapshot
	for cmd in ack resolve; do
		run_split -2 ew alert "$cmd" "$common"
		assert_rejected "ew-alert: alert id '$common' is ambiguous: 2 alerts start with it; give more characters"
		run_split -2 ew alert "$cmd" 7ZZZZZZZZZ
		assert_rejected "ew-alert: no alert '7ZZZZZZZZZ' (see 'ew alert list')"
		run_split -2 ew alert "$cmd" 'not-an-id!'
		assert_rejected_regex "^ew-alert: invalid alert id 'not-an-id!'"
	done
	# one more character makes it unique
	run_split -0 ew alert ack "${a:0:${#common}+1}"
	assert_equal "$(alog alert state | tail -n 1)" "$a	acknowledged"
	assert_clean_repo
}

@test "resolve: by hand; the same records do not raise it again, a new record raises a new alert" {
	rules <<-EOF
		$ATTACKS_RULE
			threshold = 2
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-26,Niono,attack
	EOF
	run_split -0 ew alert
	local id
	id=$(alert_id attacks Niono)
	run_split -0 ew alert resolve "${id:0:20}" --author 'Desk <desk@example.org>'
	assert_stdout_empty
	assert_equal "$(alog alert state count records who note notify | tail -n 1)" "$id	resolved	2	$R2;$R1	Desk	resolved by hand	"
	local head
	head=$(head_commit)
	run_split -1 ew alert
	assert_stdout_empty
	run_split -1 ew alert --now 2026-11-29T12:00:00Z
	assert_equal "$(head_commit)" "$head"
	records <<-EOF
		id,event_date,cercle,category
		$R3,2026-11-28,Niono,attack
	EOF
	run_split -0 ew alert
	local again
	again=$(alert_id attacks Niono)
	[[ $again != "$id" ]] || fail "the resolved alert was reopened"
	assert_equal "$(csvcols alert state count records <<<"$output")" "$again	raised	3	$R2;$R1;$R3"
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f1,5 <<<"$output" | tail -n +2)" "$(printf '%s\t%s\n' "$id" resolved "$again" open)"
	assert_clean_repo
}

@test "resolve: a notification delivered after a manual resolve does not make the next run raise the same records again" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = desk
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	# the notifier is not configured yet: the raise stays pending
	run_split -2 ew alert
	local id
	id=$(alert_id attacks Niono)
	run_split -0 ew alert resolve "$id"
	git config notifier.desk.command 'cat >/dev/null'
	ew alert >/dev/null 2>&1 || true
	local head
	head=$(head_commit)
	run_split -1 ew alert
	assert_stdout_empty
	assert_equal "$(head_commit)" "$head"
	assert_equal "$(rows_in_state raised)" 1
	assert_clean_repo
}

@test "silence: RULE:GROUP --for --reason records a silence; its transitions are recorded without notifiers, the others notified" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = log
	EOF
	git config notifier.log.command "cat >>'$BATS_TEST_TMPDIR/delivered'"
	run_split -0 ew alert silence attacks:Niono --for 3d --reason 'known; mission on site' --author 'Awa <awa@example.org>'
	assert_stdout_empty
	assert_stderr_empty
	local sid
	sid=$(alog id)
	assert_equal "$(alog alert rule group level state time who note until notify)" \
		"	attacks	Niono		silence	2026-11-28T12:00:00Z	Awa	known; mission on site	2026-12-01T12:00:00Z	"
	assert_equal "$(git log -1 --format=%B)" "$(printf 'Silence attacks Niono until 2026-12-01T12:00:00Z\n\nEw-Action: silence\nEw-Silence: %s\n' "$sid")"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-27,Macina,attack
	EOF
	run_split -0 ew alert
	assert_equal "$(csvcols group state notify <<<"$output")" "$(printf '%s\n' "Macina	raised	log" "Niono	raised	")"
	[[ $(csvcols group note <<<"$output" | grep ^Niono) == "Niono	silenced until 2026-12-01T12:00:00Z"* ]] ||
		fail "the note of the silenced raise: $(csvcols group note <<<"$output")"
	assert_equal "$(jq -r .group "$BATS_TEST_TMPDIR/delivered")" Macina
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f3,12 <<<"$output" | tail -n +2)" "$(printf '%s\t\n' Macina Niono)"
	# still silenced the day before it ends
	run_split -1 ew alert --now 2026-12-01T11:59:00Z
	# once it has ended, the alert recorded only while silenced is notified
	run_split -0 ew alert --now 2026-12-01T12:00:00Z
	assert_equal "$(csvcols group state notify note <<<"$output")" "Niono	renotified	log	"
	assert_equal "$(jq -r .group "$BATS_TEST_TMPDIR/delivered" | tr '\n' ' ')" "Macina Niono "
	assert_equal "$(jq -r .state "$BATS_TEST_TMPDIR/delivered" | tail -n 1)" renotified
	assert_clean_repo
}

@test "silence: a rule without a group silences every group of the rule" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = log
	EOF
	git config notifier.log.command "cat >>'$BATS_TEST_TMPDIR/delivered'"
	run_split -0 ew alert silence attacks --for 12h --reason 'exercise'
	assert_equal "$(alog rule group state until)" "attacks		silence	2026-11-29T00:00:00Z"
	assert_equal "$(git log -1 --format=%s)" "Silence attacks until 2026-11-29T00:00:00Z"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-27,Macina,attack
	EOF
	run_split -0 ew alert
	assert_equal "$(csvcols group state notify <<<"$output")" "$(printf '%s\n' "Macina	raised	" "Niono	raised	")"
	[[ ! -e $BATS_TEST_TMPDIR/delivered ]] || fail "a silenced alert was notified"
	assert_clean_repo
}

@test "silence: a shorter silence given later does not end an earlier one sooner" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = log
	EOF
	git config notifier.log.command "cat >>'$BATS_TEST_TMPDIR/delivered'"
	run_split -0 ew alert silence attacks:Niono --for 3d --reason 'mission on site'
	run_split -0 ew alert silence attacks:Niono --for 1h --reason 'meant to shorten it'
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert --now 2026-11-28T14:00:00Z
	assert_equal "$(csvcols group state notify <<<"$output")" "Niono	raised	"
	[[ $(csvcols note <<<"$output") == "silenced until 2026-12-01T12:00:00Z"* ]] || fail "note: $(csvcols note <<<"$output")"
	[[ ! -e $BATS_TEST_TMPDIR/delivered ]] || fail "a silenced alert was notified"
	assert_clean_repo
}

@test "silence: an unknown rule (with a suggestion), no --reason, no or a bad --for are errors that change nothing" {
	rules <<<"$ATTACKS_RULE"
	save_snapshot
	run_split -2 ew alert silence atacks:Niono --for 3d --reason x
	assert_rejected "ew-alert: no rule 'atacks' in rules.conf (did you mean 'attacks'?)"
	run_split -2 ew alert silence attacks:Niono --for 3d
	assert_rejected "ew-alert: silence needs --reason TEXT: say why, for whoever reads the alert log"
	run_split -2 ew alert silence attacks:Niono --for 3d --reason ''
	assert_rejected "ew-alert: silence needs --reason TEXT: say why, for whoever reads the alert log"
	run_split -2 ew alert silence attacks:Niono --reason x
	assert_rejected "ew-alert: silence needs --for DURATION (e.g. --for 3d)"
	run_split -2 ew alert silence attacks:Niono --for soon --reason x
	assert_rejected_regex "^ew-alert: invalid --for"
	run_split -2 ew alert silence --for 3d --reason x
	assert_stdout_empty
	assert_repo_unchanged
	assert_clean_repo
}

@test "list: one row per alert with its state; --open; formats; exit 1 when nothing is listed" {
	rules <<<"$ATTACKS_RULE"
	run_split -1 ew alert list
	assert_equal "$output" "$LIST_COLUMNS"
	run_split -1 ew alert list --open
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-26,Macina,attack
		$R3,2026-11-25,San,attack
	EOF
	run_split -0 ew alert
	local niono macina san
	niono=$(alert_id attacks Niono)
	macina=$(alert_id attacks Macina)
	san=$(alert_id attacks San)
	run_split -0 ew alert ack "$niono" --note 'on it' --now 2026-11-28T13:00:00Z
	run_split -0 ew alert resolve "$san" --now 2026-11-28T14:00:00Z
	run_split -0 ew alert list
	assert_stderr_empty
	assert_equal "${lines[0]}" "$LIST_COLUMNS"
	assert_equal "$(csvcols alert rule group level state raised time count records who note pending <<<"$output")" "$(printf '%s\n' \
		"$macina	attacks	Macina	yellow	open	2026-11-28T12:00:00Z	2026-11-28T12:00:00Z	1	$R2	Test Operator		" \
		"$niono	attacks	Niono	yellow	acknowledged	2026-11-28T12:00:00Z	2026-11-28T13:00:00Z	1	$R1	Test Operator	on it	" \
		"$san	attacks	San	yellow	resolved	2026-11-28T12:00:00Z	2026-11-28T14:00:00Z	1	$R3	Test Operator	resolved by hand	")"
	run_split -0 ew alert list --open --json
	run -0 jq -sc 'map([.alert, .state, (.count | type)])' <<<"$output"
	assert_output "[[\"$macina\",\"open\",\"number\"],[\"$niono\",\"acknowledged\",\"number\"]]"
	run_split -0 ew alert list --format table
	[[ ${lines[0]} =~ ^alert\ +rule\ +group\ +level\ +state\ +raised\ +count\ +who\ +note\ +pending\ *$ ]] || fail "table header: ${lines[0]}"
	assert_equal "${#lines[@]}" 4
	# -C from elsewhere
	cd "$BATS_TEST_TMPDIR"
	run_split -0 ew alert -C repo list --open --format tsv
	assert_equal "${#lines[@]}" 3
	run_split -0 ew alert list --open --format tsv -C repo
	assert_equal "${#lines[@]}" 3
	cd repo
	run_split -0 ew alert resolve "$macina"
	run_split -0 ew alert resolve "$niono"
	run_split -1 ew alert list --open
	assert_equal "$output" "$LIST_COLUMNS"
	assert_clean_repo
}

@test "ack: an escalation clears the acknowledgement; the alert can be acknowledged again" {
	rules <<-EOF
		$ATTACKS_RULE
			escalate = red 2
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	local id
	id=$(alert_id attacks Niono)
	run_split -0 ew alert ack "$id"
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f5 <<<"${lines[1]}")" acknowledged
	records <<-EOF
		id,event_date,cercle,category
		$R2,2026-11-28,Niono,attack
	EOF
	run_split -0 ew alert
	assert_equal "$(csvcols alert level state <<<"$output")" "$id	red	escalated"
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f4,5 <<<"${lines[1]}")" "red	open"
	run_split -0 ew alert ack "$id"
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f4,5 <<<"${lines[1]}")" "red	acknowledged"
	assert_clean_repo
}

# ---------------------------------------------------------------------------
# notifiers

@test "notify: a killed ew alert takes its notifier with it (SIGTERM), and the next run notifies" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = slow
	EOF
	local pidfile=$BATS_TEST_TMPDIR/notifier.pid pid npid i
	git config notifier.slow.command "echo \$\$ >'$pidfile'; exec sleep 60"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	ew alert >/dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 400; i++)); do
		[[ -s $pidfile ]] && break
		sleep 0.05
	done
	[[ -s $pidfile ]] || fail "the notifier did not start"
	npid=$(<"$pidfile")
	kill -9 "$pid"
	wait "$pid" || true
	for ((i = 0; i < 200; i++)); do
		kill -0 "$npid" 2>/dev/null || break
		sleep 0.01
	done
	if kill -0 "$npid" 2>/dev/null; then
		kill "$npid"
		fail "the notifier (pid $npid) still runs after ew alert was killed"
	fi
	# the raise was recorded before its notifier ran: the next run
	# delivers it, and has nothing new to report (exit 1)
	git config notifier.slow.command "cat >'$BATS_TEST_TMPDIR/delivered'"
	run_split -1 ew alert
	assert_stderr_empty
	[[ -s $BATS_TEST_TMPDIR/delivered ]] || fail "the next run did not notify"
	assert_equal "$(rows_in_state notified)" 1
	assert_clean_repo
}

@test "notify: a webhook that fails twice delivers exactly once over three runs; a fourth run posts nothing" {
	start_httpd --fail 2
	rules <<-EOF
		$ATTACKS_RULE
			notify = hook
	EOF
	git config -f ew.conf notifier.hook.command "\"\$EW_SHAREDIR/notifiers/webhook\" $URL"
	git commit -q -m 'The hook notifier' ew.conf
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -2 ew alert
	local id
	id=$(alert_id attacks Niono)
	assert_equal "$(csvcols alert state notify <<<"$output")" "$id	raised	hook"
	assert_stderr "$(printf '%s\n' \
		"webhook: POST to http://127.0.0.1:$PORT failed: HTTP 500: simulated failure" \
		"ew-alert: notifier 'hook' failed for alert $id: exit status 1; will retry on the next run")"
	assert_equal "$(rows_in_state notified)" 0
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f12 <<<"${lines[1]}")" hook
	assert_clean_repo
	local head
	head=$(head_commit)
	run_split -2 ew alert
	assert_stdout_empty
	assert_equal "$(head_commit)" "$head"
	run_split -1 ew alert
	assert_stdout_empty
	assert_stderr_empty
	assert_equal "$(http_statuses | tr '\n' ' ')" "500 500 200 "
	assert_equal "$(alog alert state notify who | tail -n 1)" "$id	notified	hook	Test Operator"
	assert_equal "$(git log -1 --format=%B)" "$(printf 'Notify: 1 delivered\n\nEw-Action: notify\nEw-Alert: %s\n' "$id")"
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f12 <<<"${lines[1]}")" ""
	run_split -1 ew alert
	assert_stderr_empty
	assert_equal "$(http_statuses | grep -c 200)" 1
	assert_equal "$(wc -l <"$HTTP_LOG")" 3
	# what was posted is the alert, as JSON
	run -0 jq -sr '.[2].body | fromjson | [.alert, .state, .notifier] | join(" ")' "$HTTP_LOG"
	assert_output "$id raised hook"
	assert_clean_repo
}

@test "notify: the command reads the alert as JSON, with EW_ALERT_* set, in the repository's top directory" {
	rules <<-EOF
		$ATTACKS_RULE
			threshold = 2
			notify = dump
	EOF
	local got=$BATS_TEST_TMPDIR/got
	git config notifier.dump.command "cat >'$got.json'; env >'$got.env'; pwd >'$got.pwd'"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-26,Niono,attack
	EOF
	run_split -0 ew alert -C reports/2026 --author 'Cron <cron@example.org>'
	assert_stderr_empty
	local id
	id=$(alert_id attacks Niono)
	# one object on one line, ending with a newline
	assert_equal "$(wc -l <"$got.json")" 1
	assert_equal "$(tail -c 1 "$got.json" | od -An -c | tr -d ' ')" '\n'
	run -0 jq -c 'keys_unsorted' "$got.json"
	assert_output '["alert","rule","group","level","state","time","count","records","who","note","description","summary","notifier","repository"]'
	run -0 jq -c . "$got.json"
	assert_output "{\"alert\":\"$id\",\"rule\":\"attacks\",\"group\":\"Niono\",\"level\":\"yellow\",\"state\":\"raised\",\"time\":\"2026-11-28T12:00:00Z\",\"count\":2,\"records\":[\"$R2\",\"$R1\"],\"who\":\"Cron\",\"note\":\"\",\"description\":\"Attacks in the cercle\",\"summary\":\"YELLOW attacks Niono: 2 records in 7d (raised)\",\"notifier\":\"dump\",\"repository\":\"$BATS_TEST_TMPDIR/repo/\"}"
	local v
	for v in "EW_ALERT_ID=$id" EW_ALERT_RULE=attacks EW_ALERT_GROUP=Niono \
		EW_ALERT_LEVEL=yellow EW_ALERT_STATE=raised EW_ALERT_TIME=2026-11-28T12:00:00Z \
		EW_ALERT_COUNT=2 "EW_ALERT_RECORDS=$R2;$R1" EW_ALERT_NOTE= \
		"EW_ALERT_SUMMARY=YELLOW attacks Niono: 2 records in 7d (raised)" EW_NOTIFIER=dump; do
		grep -qxF -- "$v" "$got.env" || fail "$(printf 'no %s in the environment:\n%s' "$v" "$(grep ^EW_ "$got.env")")"
	done
	assert_equal "$(<"$got.pwd")" "$BATS_TEST_TMPDIR/repo"
	assert_equal "$(alog state notify who | tail -n 1)" "notified	dump	Cron"
	assert_clean_repo
}

@test "notify: a notifier's standard output goes to ew alert's standard error, never to its data" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = chatty
	EOF
	git config notifier.chatty.command 'echo NOTIFIER-STDOUT; echo NOTIFIER-STDERR >&2; cat >/dev/null'
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert --format csv
	refute_output --partial NOTIFIER
	assert_equal "$(csvcols rule state <<<"$output")" "attacks	raised"
	assert_stderr "$(printf 'NOTIFIER-STDOUT\nNOTIFIER-STDERR')"
	assert_clean_repo
}

@test "notify: a notifier that is not configured is a warning (exit 2) and stays pending until it is" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = ghost
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -2 ew alert
	local id head
	id=$(alert_id attacks Niono)
	assert_equal "$(csvcols alert state notify <<<"$output")" "$id	raised	ghost"
	assert_stderr "ew-alert: notifier 'ghost' is not configured (add [notifier \"ghost\"] command = ... to ew.conf or .git/config); alert $id stays pending"
	head=$(head_commit)
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f1,12 <<<"${lines[1]}")" "$id	ghost"
	run_split -2 ew alert
	assert_stdout_empty
	assert_stderr_regex "notifier 'ghost' is not configured"
	assert_equal "$(head_commit)" "$head"
	assert_equal "$(rows_in_state notified)" 0
	# in ew.conf, committed; .git/config wins over it
	git config -f ew.conf notifier.ghost.command "touch '$BATS_TEST_TMPDIR/from-ew-conf'"
	git commit -q -m 'The ghost notifier' ew.conf
	git config notifier.ghost.command "touch '$BATS_TEST_TMPDIR/from-git-config'"
	run_split -1 ew alert
	assert_stderr_empty
	[[ -e $BATS_TEST_TMPDIR/from-git-config && ! -e $BATS_TEST_TMPDIR/from-ew-conf ]] ||
		fail "the command of .git/config did not win"
	assert_equal "$(alog alert state notify | tail -n 1)" "$id	notified	ghost"
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f12 <<<"${lines[1]}")" ""
	assert_clean_repo
}

@test "notify: a notifier past EW_NOTIFY_TIMEOUT is stopped within seconds and retried by the next run" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = slow
	EOF
	git config notifier.slow.command "sleep $((10 * EW_TEST_SLOW))"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	local t0=$EPOCHREALTIME ms id
	EW_NOTIFY_TIMEOUT=1 run_split -2 ew alert
	ms=$(elapsed_ms "$t0")
	((ms < 3000 * EW_TEST_SLOW)) || fail "ew alert took $ms ms with EW_NOTIFY_TIMEOUT=1"
	id=$(alert_id attacks Niono)
	assert_stderr "ew-alert: notifier 'slow' failed for alert $id: ran past EW_NOTIFY_TIMEOUT (1 s) and was stopped; will retry on the next run"
	assert_equal "$(rows_in_state notified)" 0
	git config notifier.slow.command "cat >'$BATS_TEST_TMPDIR/got.json'"
	run_split -1 ew alert
	assert_stderr_empty
	assert_equal "$(jq -r .alert "$BATS_TEST_TMPDIR/got.json")" "$id"
	assert_equal "$(alog alert state notify | tail -n 1)" "$id	notified	slow"
	assert_clean_repo
}

@test "notify: one notifier that fails does not lose the delivery of another; each delivers once" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = broken, counted
	EOF
	git config notifier.broken.command 'cat >/dev/null; exit 3'
	git config notifier.counted.command "cat >>'$BATS_TEST_TMPDIR/counted'"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -2 ew alert
	local id
	id=$(alert_id attacks Niono)
	assert_equal "$(csvcols state notify <<<"$output")" "raised	broken;counted"
	assert_stderr "ew-alert: notifier 'broken' failed for alert $id: exit status 3; will retry on the next run"
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/counted")" 1
	assert_equal "$(alog state notify | grep -c '^notified')" 1
	run_split -0 ew alert list --format tsv
	assert_equal "$(cut -f12 <<<"${lines[1]}")" broken
	run_split -2 ew alert
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/counted")" 1
	git config notifier.broken.command 'cat >/dev/null'
	run_split -1 ew alert
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/counted")" 1
	assert_equal "$(alog state notify | grep '^notified' | sort)" "$(printf 'notified\tbroken\nnotified\tcounted')"
	assert_clean_repo
}

@test "notify: several notifiers (repeated key, names with dots) each deliver once, a notified row each" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = sms.desk
			notify = two three
	EOF
	local n
	for n in sms.desk two three; do
		git config "notifier.$n.command" "cat >>'$BATS_TEST_TMPDIR/got-$n'"
	done
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	assert_stderr_empty
	local id
	id=$(alert_id attacks Niono)
	assert_equal "$(csvcols state notify <<<"$output")" "raised	sms.desk;two;three"
	for n in sms.desk two three; do
		assert_equal "$(jq -r '.notifier + " " + .alert' "$BATS_TEST_TMPDIR/got-$n")" "$n $id"
	done
	assert_equal "$(alog state notify | tail -n +2)" "$(printf 'notified\t%s\n' sms.desk two three)"
	assert_equal "$(git log -1 --format=%s)" "Notify: 3 delivered"
	assert_equal "$(git log -1 --format=%B | git interpret-trailers --parse | sort -u)" "$(printf 'Ew-Action: notify\nEw-Alert: %s' "$id")"
	run_split -1 ew alert
	for n in sms.desk two three; do
		assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/got-$n")" 1
	done
	assert_clean_repo
}

@test "notify: an alert too big for a pipe reaches the notifier whole; one that does not read its input still delivers" {
	rules <<-'EOF'
		[rule "all"]
			level = yellow
			window = 7d
			notify = big, deaf
	EOF
	git config notifier.big.command "cat >'$BATS_TEST_TMPDIR/big.json'"
	git config notifier.deaf.command 'exit 0'
	local i
	{
		echo id,event_date,cercle,category
		for ((i = 1; i <= 3000; i++)); do
			printf '01JQ%022d,2026-11-27,Niono,attack\n' "$i"
		done
	} >"$IN"
	ew add <"$IN" >/dev/null
	run_split -0 ew alert --format tsv
	assert_stderr_empty
	assert_equal "$(cut -f8 <<<"${lines[1]}")" 3000
	(($(wc -c <"$BATS_TEST_TMPDIR/big.json") > 65536)) || fail "the JSON is smaller than a pipe buffer"
	run -0 jq -r '[(.records | length), .records[0], .records[-1], .count] | join(" ")' "$BATS_TEST_TMPDIR/big.json"
	assert_output "3000 01JQ0000000000000000000001 01JQ0000000000000000003000 3000"
	assert_equal "$(alog state notify | tail -n +2)" "$(printf 'notified\tbig\nnotified\tdeaf')"
	assert_clean_repo
}

@test "notify: an open alert raised while its rule had no notifiers is notified once the rule has some" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	local id
	id=$(alert_id attacks Niono)
	assert_equal "$(csvcols state notify <<<"$output")" "raised	"
	git config -f rules.conf rule.attacks.notify log
	git commit -q -m 'Notify the log' rules.conf
	git config notifier.log.command "cat >>'$BATS_TEST_TMPDIR/log'"
	run_split -0 ew alert --now 2026-11-28T12:05:00Z
	assert_equal "$(csvcols alert state notify <<<"$output")" "$id	renotified	log"
	assert_equal "$(jq -r '.alert + " " + .state' "$BATS_TEST_TMPDIR/log")" "$id renotified"
	run_split -1 ew alert --now 2026-11-28T12:10:00Z
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/log")" 1
	assert_clean_repo
}

@test "notify: only the latest notifying transition is delivered" {
	rules <<-EOF
		$ATTACKS_RULE
			escalate = red 2
			notify = later
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -2 ew alert
	records <<-EOF
		id,event_date,cercle,category
		$R2,2026-11-28,Niono,attack
	EOF
	run_split -2 ew alert
	assert_equal "$(csvcols level state notify <<<"$output")" "red	escalated	later"
	git config notifier.later.command "cat >>'$BATS_TEST_TMPDIR/got'"
	run_split -1 ew alert
	assert_equal "$(jq -c '[.state, .level, .count]' "$BATS_TEST_TMPDIR/got")" '["escalated","red",2]'
	assert_clean_repo
}

@test "notify: repeat renotifies an unacknowledged alert once repeat has passed, not before, and not once acknowledged" {
	rules <<-EOF
		$ATTACKS_RULE
			repeat = 12h
			notify = log
		[rule "quiet"]
			level = info
			window = 7d
			repeat = 1h
	EOF
	git config notifier.log.command "cat >>'$BATS_TEST_TMPDIR/log'"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	local id
	id=$(alert_id attacks Niono)
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/log")" 1
	run_split -1 ew alert --now 2026-11-28T23:59:59Z
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/log")" 1
	run_split -0 ew alert --now 2026-11-29T00:00:00Z
	assert_equal "$(csvcols alert rule state time notify <<<"$output")" "$id	attacks	renotified	2026-11-29T00:00:00Z	log"
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/log")" 2
	assert_equal "$(jq -r .state "$BATS_TEST_TMPDIR/log" | tail -n 1)" renotified
	# counted from the renotification
	run_split -1 ew alert --now 2026-11-29T11:00:00Z
	run_split -0 ew alert ack "$id" --now 2026-11-29T11:30:00Z
	run_split -1 ew alert --now 2026-11-30T12:00:00Z
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/log")" 2
	# a rule without notifiers is never renotified
	assert_equal "$(alog rule state | grep -c '^quiet	renotified')" 0
	assert_clean_repo
}

@test "notify: a resolution whose condition is gone is notified too" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = log
	EOF
	git config notifier.log.command "cat >>'$BATS_TEST_TMPDIR/log'"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	run_split -0 ew alert --now 2026-12-05T12:00:00Z
	assert_equal "$(csvcols state note notify <<<"$output")" "resolved	condition no longer holds	log"
	assert_equal "$(jq -r '.state + " " + .summary' "$BATS_TEST_TMPDIR/log" | tail -n 1)" "resolved YELLOW attacks Niono: 0 records in 7d (resolved)"
	assert_clean_repo
}

@test "notify: ew add does not wait for a notifier that is running" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = waits
	EOF
	# the notifier says it has started, then waits for the test's go
	git config notifier.waits.command "cat >/dev/null; touch '$BATS_TEST_TMPDIR/started'; while [ ! -e '$BATS_TEST_TMPDIR/go' ]; do sleep 0.02; done"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	EW_NOTIFY_TIMEOUT=20 ew alert >"$BATS_TEST_TMPDIR/alert.out" 2>&1 3>&- &
	local pid=$! i
	for ((i = 0; i < 1000 * EW_TEST_SLOW; i++)); do
		[[ ! -e $BATS_TEST_TMPDIR/started ]] || break
		sleep 0.01
	done
	[[ -e $BATS_TEST_TMPDIR/started ]] || { touch "$BATS_TEST_TMPDIR/go"; wait $pid; fail "the notifier did not start"; }
	local t0=$EPOCHREALTIME ms rc=0
	EW_LOCK_TIMEOUT=5 ew add event_date=2026-11-28 cercle=Macina category=threat >/dev/null || rc=$?
	ms=$(elapsed_ms "$t0")
	touch "$BATS_TEST_TMPDIR/go"
	local arc=0
	wait $pid || arc=$?
	assert_equal "$rc" 0
	((ms < 2000 * EW_TEST_SLOW)) || fail "ew add waited $ms ms for the notifier"
	assert_equal "$arc" 0
	assert_equal "$(alog state | tr '\n' ' ')" "raised notified "
	assert_equal "$(git log -3 --format=%s | tr '\n' '|')" "Notify: 1 delivered|Add report $(ew list --fields id --category threat | tail -n 1) (threat, Macina)|Alerts: 1 raised|"
	assert_clean_repo
}

# ---------------------------------------------------------------------------
# concurrency

@test "concurrency: 10 concurrent runs raise each alert once; an ew add meanwhile succeeds; history stays linear" {
	rules <<-EOF
		$ATTACKS_RULE
		[rule "communes"]
			level = info
			where = .category == \"attack\"
			window = 7d
			group-by = cercle, commune
	EOF
	records <<-EOF
		id,event_date,cercle,commune,category
		$R1,2026-11-27,Niono,Diabaly,attack
		$R2,2026-11-27,Macina,Kolongo,attack
		$R3,2026-11-26,Ségou,Markala,attack
		$R4,2026-11-25,San,,attack
		$R5,2026-11-24,Niono,Sokolo,attack
	EOF
	local before i
	before=$(commit_count)
	local -a pids=()
	for ((i = 0; i < 10; i++)); do
		ew alert >"$BATS_TEST_TMPDIR/run-$i.out" 2>"$BATS_TEST_TMPDIR/run-$i.err" 3>&- &
		pids+=($!)
	done
	local addrc=0
	ew add event_date=2026-11-28 cercle=Niono category=threat >"$BATS_TEST_TMPDIR/add.out" 2>&1 || addrc=$?
	local -a st=()
	for i in "${!pids[@]}"; do
		local s=0
		wait "${pids[i]}" || s=$?
		st+=("$s")
	done
	assert_equal "$addrc" 0
	local zeros=0 ones=0
	for i in "${!st[@]}"; do
		case ${st[i]} in
		0) zeros=$((zeros + 1)) ;;
		1) ones=$((ones + 1)) ;;
		*) fail "$(printf 'run %s exited %s:\n%s' "$i" "${st[i]}" "$(<"$BATS_TEST_TMPDIR/run-$i.err")")" ;;
		esac
		[[ ! -s $BATS_TEST_TMPDIR/run-$i.err ]] || fail "$(printf 'run %s wrote on stderr:\n%s' "$i" "$(<"$BATS_TEST_TMPDIR/run-$i.err")")"
	done
	assert_equal "$zeros $ones" "1 9"
	assert_equal "$(alog rule group state | sort)" "$(printf '%s\n' \
		"attacks	Macina	raised" "attacks	Niono	raised" "attacks	San	raised" "attacks	Ségou	raised" \
		"communes	Macina/Kolongo	raised" "communes	Niono/Diabaly	raised" "communes	Niono/Sokolo	raised" \
		"communes	San/	raised" "communes	Ségou/Markala	raised" | sort)"
	# the runs printed the rows once in all
	assert_equal "$(cat "$BATS_TEST_TMPDIR"/run-*.out | grep -vc '^id,')" 9
	assert_equal "$(commit_count)" $((before + 2))
	assert_equal "$(git rev-list --min-parents=2 --count HEAD)" 0
	assert_equal "$(git log --format=%s -2 | sort | tr '\n' '|')" "$(printf '%s\n' "Alerts: 9 raised" "Add report $(<"$BATS_TEST_TMPDIR/add.out") (threat, Niono)" | sort | tr '\n' '|')"
	assert_clean_repo
}

# ---------------------------------------------------------------------------
# --nagios

@test "nagios: OK, WARNING and CRITICAL with their exit status and perfdata; nothing is committed or notified" {
	rules <<-EOF
		$ATTACKS_RULE
			escalate = orange 2
			escalate = red 3
			notify = touch
		[rule "info"]
			level = info
			where = .category == \"threat\"
			window = 7d
	EOF
	git config notifier.touch.command "touch '$BATS_TEST_TMPDIR/ran'"
	save_snapshot
	run_split -0 ew alert --nagios
	assert_output "EW OK - no alerts open | red=0;;;0 orange=0;;;0 yellow=0;;;0 info=0;;;0"
	assert_stderr_empty
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,San,threat
	EOF
	save_snapshot
	run_split -0 ew alert --nagios
	assert_output "EW OK - 1 info alert open | red=0;;;0 orange=0;;;0 yellow=0;;;0 info=1;;;0"
	records <<-EOF
		id,event_date,cercle,category
		$R2,2026-11-27,Niono,attack
		$R3,2026-11-27,Macina,attack
		$R4,2026-11-26,Macina,attack
	EOF
	save_snapshot
	run_split -1 ew alert --nagios
	assert_output "EW WARNING - 1 orange, 1 yellow, 1 info alerts open | red=0;;;0 orange=1;;;0 yellow=1;;;0 info=1;;;0"
	records <<-EOF
		id,event_date,cercle,category
		$R5,2026-11-28,Macina,attack
		$R6,2026-11-28,Niono,attack
		$R7,2026-11-28,Niono,attack
	EOF
	save_snapshot
	run_split -2 ew alert --nagios
	assert_output "EW CRITICAL - 2 red, 1 info alerts open | red=2;;;0 orange=0;;;0 yellow=0;;;0 info=1;;;0"
	assert_stderr_empty
	assert_repo_unchanged
	[[ ! -e $BATS_TEST_TMPDIR/ran ]] || fail "--nagios ran a notifier"
	run_split -1 git ls-files --error-unmatch alerts.csv
	assert_clean_repo
}

@test "nagios: counts the alerts that would be open after this evaluation, from alerts.csv" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-20,Macina,attack
	EOF
	run_split -0 ew alert --now 2026-11-22T12:00:00Z
	assert_equal "$(alog group state | tr '\n' ' ')" "Macina	raised "
	save_snapshot
	# on the 28th, Macina's alert would be resolved and Niono's raised
	run_split -1 ew alert --nagios
	assert_output "EW WARNING - 1 yellow alert open | red=0;;;0 orange=0;;;0 yellow=1;;;0 info=0;;;0"
	run_split -0 ew alert --nagios --now 2026-12-20T12:00:00Z
	assert_output "EW OK - no alerts open | red=0;;;0 orange=0;;;0 yellow=0;;;0 info=0;;;0"
	assert_repo_unchanged
}

@test "nagios: a rule that fails is UNKNOWN (3), unless a red alert makes it CRITICAL" {
	rules <<-EOF
		$ATTACKS_RULE
			escalate = red 2
		[rule "broken"]
			level = red
			window = 7d
			where = .category - 1
	EOF
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	save_snapshot
	run_split -3 ew alert --nagios
	assert_output "EW UNKNOWN - 1 yellow alert open; 1 rule failed (broken) | red=0;;;0 orange=0;;;0 yellow=1;;;0 info=0;;;0"
	assert_stderr_regex "^ew-alert: rules.conf: rule 'broken': jq error: "
	records <<-EOF
		id,event_date,cercle,category
		$R2,2026-11-28,Niono,attack
	EOF
	save_snapshot
	run_split -2 ew alert --nagios
	assert_output "EW CRITICAL - 1 red alert open; 1 rule failed (broken) | red=1;;;0 orange=0;;;0 yellow=0;;;0 info=0;;;0"
	# a structural problem is a failed rule too
	printf '[rule "typo"]\nlevel = red\nwindow = 7d\nthreshhold = 2\n' >>rules.conf
	git commit -q -m typo rules.conf
	save_snapshot
	run_split -2 ew alert --nagios
	assert_output "EW CRITICAL - 1 red alert open; 2 rules failed (broken) | red=1;;;0 orange=0;;;0 yellow=0;;;0 info=0;;;0"
	assert_repo_unchanged
}

@test "nagios: errors exit 3 (UNKNOWN) with one line" {
	rules <<<"$ATTACKS_RULE"
	mkdir "$BATS_TEST_TMPDIR/not-a-repo"
	save_snapshot
	local -a cases=(
		"--bogus" "unexpected" "--rules $BATS_TEST_TMPDIR/nonexistent.conf"
		"--now not-a-time" "--format xml" "-C $BATS_TEST_TMPDIR/not-a-repo"
	)
	local c failures=
	for c in "${cases[@]}"; do
		# shellcheck disable=SC2086
		run_split ew alert --nagios $c
		if ((status != 3)) || [[ $c != --bogus && $c != unexpected && $output != "EW UNKNOWN - "* ]]; then
			failures+=$(printf '\new alert --nagios %s: exit %s\n-- stdout --\n%s\n-- stderr --\n%s' "$c" "$status" "$output" "$stderr")
		fi
	done
	EW_JQ_TIMEOUT=soon run_split ew alert --nagios
	if ((status != 3)) || [[ $output != "EW UNKNOWN - "* ]]; then
		failures+=$(printf '\nEW_JQ_TIMEOUT=soon ew alert --nagios: exit %s\n%s' "$status" "$output")
	fi
	assert_repo_unchanged
	[[ -z $failures ]] || fail "$(printf 'not UNKNOWN (3):%s' "$failures")"
}

# ---------------------------------------------------------------------------
# what a review found

@test "notify: a notifier named twice in a rule runs once" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = n1, n1
			notify = n1
	EOF
	git config notifier.n1.command "cat >>'$BATS_TEST_TMPDIR/got'"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	assert_equal "$(csvcols state notify <<<"$output")" "raised	n1"
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/got")" 1
	assert_equal "$(rows_in_state notified)" 1
}

@test "rules: a typo in a section header leaves the rule's open alerts open" {
	rules <<<"$ATTACKS_RULE"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -0 ew alert
	sed -i 's/^\[rule "attacks"\]/[rulle "attacks"]/' rules.conf
	git commit -q -m typo rules.conf
	save_snapshot
	run_split -2 ew alert
	assert_output ""
	assert_stderr "ew-alert: rules.conf: unknown section 'rulle' (only [rule \"NAME\"] sections belong here)"
	assert_repo_unchanged
	assert_equal "$(rows_in_state resolved)" 0
}

@test "notify: EW_ALERT_RECORDS stays under the kernel's limit; the JSON has every id" {
	rules <<-'EOF'
		[rule "all"]
			level = info
			window = 7d
			notify = n1
	EOF
	git config notifier.n1.command "printf '%s' \"\$EW_ALERT_RECORDS\" >'$BATS_TEST_TMPDIR/env'; cat >'$BATS_TEST_TMPDIR/json'"
	{
		echo event_date,cercle,category
		for ((i = 0; i < 1500; i++)); do echo 2026-11-27,Niono,threat; done
	} | ew add >/dev/null
	run_split -0 ew alert
	assert_stderr_empty
	assert_equal "$(jq '.records | length' "$BATS_TEST_TMPDIR/json")" 1500
	local env
	env=$(<"$BATS_TEST_TMPDIR/env")
	((${#env} <= 32768)) || fail "EW_ALERT_RECORDS has ${#env} bytes"
	[[ $env =~ ^($ULID_RE;)+$ULID_RE$ ]] || fail "EW_ALERT_RECORDS is not whole ids"
	assert_equal "$(jq -r '.records | join(";")' "$BATS_TEST_TMPDIR/json" | cut -c1-${#env})" "$env"
}

@test "notify: a notifier that fails is not run again in the same run; the newest alert goes first" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = slow
	EOF
	git config notifier.slow.command "echo \"\$EW_ALERT_GROUP\" >>'$BATS_TEST_TMPDIR/tried'; sleep $((10 * EW_TEST_SLOW))"
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
		$R2,2026-11-27,San,attack
		$R3,2026-11-27,Macina,attack
	EOF
	local t0=$EPOCHREALTIME
	EW_NOTIFY_TIMEOUT=1 run_split -2 ew alert
	(($(elapsed_ms "$t0") < 5000 * EW_TEST_SLOW)) || fail "took $(elapsed_ms "$t0") ms: the failing notifier ran more than once"
	# one try, for the alert raised last (groups are raised in key order)
	assert_equal "$(<"$BATS_TEST_TMPDIR/tried")" San
	assert_equal "$(rows_in_state raised)" 3
	run_split -0 ew alert list --format csv
	assert_equal "$(csvcols pending <<<"$output" | sort -u)" slow
}

@test "notify: a pending notification waits while its rule and group are silenced" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = n1
	EOF
	git config notifier.n1.command 'exit 3'
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -2 ew alert
	run_split -0 ew alert silence attacks:Niono --for 1d --reason "in hand"
	git config notifier.n1.command "cat >>'$BATS_TEST_TMPDIR/got'"
	run_split -1 ew alert
	[[ ! -e $BATS_TEST_TMPDIR/got ]] || fail "delivered during the silence"
	run_split -1 ew alert --now 2026-11-29T13:00:00Z
	assert_equal "$(jq -r .state "$BATS_TEST_TMPDIR/got")" raised
}

@test "rules: a shard out of order (a hand edit) still gives each rule its window" {
	printf '%s\n' '[rule "recent"]' '	level = info' '	window = 2d' '	group-by = cercle' |
		rules
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-10,Niono,threat
		$R2,2026-11-27,Niono,threat
		$R3,2026-11-28,Niono,threat
	EOF
	# the rows reversed under the header, as a careless edit might leave them
	{ head -n 1 reports/2026/11.csv; tail -n +2 reports/2026/11.csv | tac; } >shard.tmp
	mv shard.tmp reports/2026/11.csv
	git commit -q -m "Hand edit" reports/2026/11.csv
	run_split -0 ew alert --format csv
	assert_equal "$(csvcols count records <<<"$output")" "2	$R2;$R3"
}

@test "notify: with ew.shared-notifiers false, commands from ew.conf are not run" {
	rules <<-EOF
		$ATTACKS_RULE
			notify = hub
	EOF
	git config -f ew.conf notifier.hub.command "touch '$BATS_TEST_TMPDIR/ran'"
	git commit -q -m "A notifier from the hub" ew.conf
	git config ew.shared-notifiers false
	records <<-EOF
		id,event_date,cercle,category
		$R1,2026-11-27,Niono,attack
	EOF
	run_split -2 ew alert
	[[ $stderr == "ew-alert: notifier 'hub' is not configured "* ]] || fail "stderr: $stderr"
	[[ ! -e $BATS_TEST_TMPDIR/ran ]] || fail "ran a command from ew.conf"
	git config ew.shared-notifiers true
	run_split -1 ew alert
	[[ -e $BATS_TEST_TMPDIR/ran ]] || fail "did not run the command from ew.conf"
}
