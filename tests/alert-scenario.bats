#!/usr/bin/env bats
# alert-scenario.bats -- a week in the life of one alert: reports arrive,
# a threshold is crossed, the alert escalates yellow -> red, someone
# acknowledges it, the window passes, it resolves.  With EW_NOW moved
# step by step, every run must give exactly the expected transitions and
# alerts.csv rows, and a second run at the same instant none.

load helpers

setup() {
	ew_common_setup
	new_repo
	cat >rules.conf <<'EOF'
[rule "attacks"]
	level = yellow
	where = .category == \"attack\"
	threshold = 2
	escalate = red 4
	window = 3d
	group-by = cercle
EOF
	git commit -q -m "Scenario rules" rules.conf
}

# at TIME: the instant of the next commands.
at() {
	export EW_NOW=$1
}

# report DATE COMMUNE: one attack in Niono on DATE.
report() {
	add_one event_date="$1" cercle=Niono commune="$2" category=attack
	IDS+=("$ADDED_ID")
}

# alert_run: ew alert as cron runs it, CSV on stdout.
alert_run() {
	run_split ew alert --format csv
}

# field ROW COLUMN: a column of a CSV row of alerts.csv (no quoting needed
# here: no value of these rows has a comma).
field() {
	local -A col=([id]=1 [alert]=2 [rule]=3 [group]=4 [level]=5 [state]=6
		[time]=7 [count]=8 [records]=9 [who]=10 [note]=11 [until]=12 [notify]=13)
	cut -d, -f"${col[$2]}" <<<"$1"
}

# rows: the rows of alerts.csv in HEAD, without the header.
rows() {
	git show HEAD:alerts.csv | tail -n +2
}

# again: a second run at the same instant finds nothing new.
assert_quiet_again() {
	local head
	head=$(head_commit)
	alert_run
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	assert_equal "$(head_commit)" "$head"
}

@test "scenario: raise, escalate, acknowledge, keep the level, resolve; each exactly once" {
	IDS=()

	# Friday 20th, 08:00: one attack is below the threshold of two
	at 2026-11-20T08:00:00Z
	report 2026-11-20 Diabaly
	alert_run
	assert_equal "$status" 1
	assert_equal "$output" ""
	run git show HEAD:alerts.csv
	assert_failure # no alert log yet

	# 10:00: a second attack in the same cercle raises a yellow alert
	at 2026-11-20T10:00:00Z
	report 2026-11-20 Dogofry
	alert_run
	assert_equal "$status" 0
	assert_equal "${#lines[@]}" 2
	assert_equal "${lines[0]}" "id,alert,rule,group,level,state,time,count,records,who,note,until,notify"
	local raised=${lines[1]} alert
	alert=$(field "$raised" alert)
	[[ $alert =~ ^$ULID_RE$ ]]
	assert_equal "$(field "$raised" rule),$(field "$raised" group),$(field "$raised" level),$(field "$raised" state)" \
		"attacks,Niono,yellow,raised"
	assert_equal "$(field "$raised" time)" 2026-11-20T10:00:00Z
	assert_equal "$(field "$raised" count)" 2
	assert_equal "$(field "$raised" records)" "${IDS[0]};${IDS[1]}"
	assert_equal "$(field "$raised" who)" "Test Operator"
	assert_equal "$(rows)" "$raised"
	assert_equal "$(head_message)" "$(printf 'Alerts: 1 raised\n\nEw-Action: alert\nEw-Alert: %s' "$alert")"
	assert_clean_repo
	assert_quiet_again

	# Saturday 21st: two more attacks make four: red
	at 2026-11-21T08:00:00Z
	report 2026-11-21 Sokolo
	report 2026-11-21 Diabaly
	alert_run
	assert_equal "$status" 0
	assert_equal "${#lines[@]}" 2
	local escalated=${lines[1]}
	assert_equal "$(field "$escalated" alert)" "$alert"
	assert_equal "$(field "$escalated" level),$(field "$escalated" state),$(field "$escalated" count)" "red,escalated,4"
	# shard order: by event_date, then id
	local later
	later=$(printf '%s\n' "${IDS[2]}" "${IDS[3]}" | LC_ALL=C sort | paste -sd';')
	assert_equal "$(field "$escalated" records)" "${IDS[0]};${IDS[1]};$later"
	assert_quiet_again

	# 09:00: the desk acknowledges it
	at 2026-11-21T09:00:00Z
	run_split ew alert ack "${alert:0:10}" --note "team informed" --author "Awa Traoré <awa@example.org>"
	assert_equal "$status" 0
	assert_equal "$output" ""
	local acked
	acked=$(rows | tail -n 1)
	assert_equal "$(field "$acked" alert),$(field "$acked" state),$(field "$acked" level)" "$alert,acknowledged,red"
	assert_equal "$(field "$acked" who),$(field "$acked" note)" "Awa Traoré,team informed"
	assert_equal "$(git log -1 --format='%an <%ae>')" "Awa Traoré <awa@example.org>"
	assert_equal "$(head_trailers)" "$(printf 'Ew-Action: ack\nEw-Alert: %s' "$alert")"
	assert_clean_repo
	at 2026-11-21T10:00:00Z
	assert_quiet_again

	# Tuesday 24th: the 20th has left the three-day window; two attacks
	# remain, still above the threshold: an open alert keeps its level
	at 2026-11-24T08:00:00Z
	assert_quiet_again
	run_split ew alert list --format csv
	assert_equal "$status" 0
	assert_line --index 1 --partial "$alert,attacks,Niono,red,acknowledged,2026-11-20T10:00:00Z,"

	# Wednesday 25th: the window has passed every attack: resolved
	at 2026-11-25T08:00:00Z
	alert_run
	assert_equal "$status" 0
	assert_equal "${#lines[@]}" 2
	local resolved=${lines[1]}
	assert_equal "$(field "$resolved" alert),$(field "$resolved" state),$(field "$resolved" level)" "$alert,resolved,red"
	assert_equal "$(field "$resolved" count),$(field "$resolved" note)" "0,condition no longer holds"
	assert_equal "$(field "$resolved" time)" 2026-11-25T08:00:00Z
	assert_quiet_again

	# the whole log: four rows, in order, and nothing else
	run rows
	assert_equal "${#lines[@]}" 4
	assert_equal "${lines[0]}" "$raised"
	assert_equal "${lines[1]}" "$escalated"
	assert_equal "${lines[2]}" "$acked"
	assert_equal "${lines[3]}" "$resolved"
	run_split ew alert list --open
	assert_equal "$status" 1
	assert_clean_repo
	# one commit per change: init, rules, four reports, raise, four more
	# reports... counted by action
	run git log --format=%B
	assert_equal "$(grep -c '^Ew-Action: alert$' <<<"$output")" 3
	assert_equal "$(grep -c '^Ew-Action: ack$' <<<"$output")" 1
}

@test "scenario: a new attack after resolution raises a new alert, not the old one" {
	IDS=()
	at 2026-11-20T08:00:00Z
	report 2026-11-20 Diabaly
	report 2026-11-20 Dogofry
	run_split -0 ew alert --format csv
	local first
	first=$(field "${lines[1]}" alert)
	at 2026-11-24T08:00:00Z
	run_split -0 ew alert --format csv
	assert_equal "$(field "${lines[1]}" state)" resolved
	report 2026-11-24 Diabaly
	report 2026-11-24 Sokolo
	run_split -0 ew alert --format csv
	assert_equal "${#lines[@]}" 2
	assert_equal "$(field "${lines[1]}" state)" raised
	[[ $(field "${lines[1]}" alert) != "$first" ]]
	assert_equal "$(field "${lines[1]}" records)" "$(printf '%s\n' "${IDS[2]}" "${IDS[3]}" | LC_ALL=C sort | paste -sd';')"
}

@test "scenario: the default rules raise plausible alerts on the demo data" {
	ew add <"$EW_PROJECT_DIR/share/ew/demo/reports.csv" >/dev/null
	cp "$EW_SHAREDIR/rules.conf" rules.conf
	git commit -q -m "Default rules" rules.conf
	run_split -0 ew alert --format csv
	# killings: 2 + 5 + 1 dead in Niono this week (red from 5);
	# attacks-cercle: 4 attacks in Niono; displacement: 140 in Dogofry
	assert_equal "${#lines[@]}" 4
	assert_line --index 1 --regexp "^$ULID_RE,$ULID_RE,killings,Niono,red,raised,2026-11-28T12:00:00Z,8,"
	assert_line --index 2 --regexp "^$ULID_RE,$ULID_RE,attacks-cercle,Niono,orange,raised,2026-11-28T12:00:00Z,4,"
	assert_line --index 3 --regexp "^$ULID_RE,$ULID_RE,displacement,Dogofry,orange,raised,2026-11-28T12:00:00Z,140,"
	run_split ew alert
	assert_equal "$status" 1
	assert_clean_repo
}

@test "cron: a crontab line in cron's bare environment mails what is new, then nothing" {
	IDS=()
	at 2026-11-20T10:00:00Z
	report 2026-11-20 Diabaly
	report 2026-11-20 Dogofry
	git config notifier.log.command 'cat >> "$HOME/notified.ndjson"'
	git config -f rules.conf rule.attacks.notify log
	git commit -q -m "Notify" rules.conf
	local repo=$PWD bindir
	bindir=$(dirname "$(command -v ew-alert)")
	# what cron runs: /bin/sh -c LINE, with only HOME, LOGNAME, SHELL and
	# PATH (as crontab(5) sets them, plus the crontab's own variables),
	# stdin from /dev/null, and its output mailed when there is any
	cron_run() {
		env -i HOME="$HOME" LOGNAME=ew SHELL=/bin/sh PATH="$bindir:/usr/bin:/bin" \
			EW_NOW="$EW_NOW" /bin/sh -c "cd '$repo' && ew alert" \
			</dev/null >"$BATS_TEST_TMPDIR/mail" 2>&1
	}
	cron_run
	run cat "$BATS_TEST_TMPDIR/mail"
	assert_equal "${#lines[@]}" 2
	assert_equal "${lines[0]}" "id,alert,rule,group,level,state,time,count,records,who,note,until,notify"
	assert_line --index 1 --regexp "^$ULID_RE,$ULID_RE,attacks,Niono,yellow,raised,2026-11-20T10:00:00Z,2,"
	[[ $(wc -l <"$HOME/notified.ndjson") == 1 ]]
	assert_clean_repo
	# five minutes later: nothing new, so no output and no mail
	at 2026-11-20T10:05:00Z
	local st=0
	cron_run || st=$?
	assert_equal "$st" 1
	[[ ! -s $BATS_TEST_TMPDIR/mail ]] || fail "cron would mail: $(<"$BATS_TEST_TMPDIR/mail")"
	[[ $(wc -l <"$HOME/notified.ndjson") == 1 ]]
}
