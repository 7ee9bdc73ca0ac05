#!/usr/bin/env bats
# output-safety.bats -- what reaches a terminal from records, remotes and jq
# is neutralised (table, messages, sync); CSV, TSV and NDJSON keep the
# bytes; --spreadsheet keeps cells from being taken for formulas; the
# repository keeps the bytes it was given.
#
# Hostile bytes are written with printf escapes, never $'\u...' (which
# depend on the locale bash runs in).

load helpers

# The hostile description: a colour escape, a CR, U+202E (right-to-left
# override), the C1 control U+009B (CSI) as UTF-8, and a line feed.
HOSTILE=$(printf '\033[31mX\rY\342\200\256Z\302\233W\nV')
# As a table shows it.
HOSTILE_SHOWN='\u001b[31mX\rY\u202eZ\u009bW\nV'

# hostile_repo: a new repository with one record described $HOSTILE (its
# id in $HID) and one in Ségou with letters that must stay as they are.
hostile_repo() {
	new_repo
	ew add event_date=2026-11-20 cercle=Niono category=attack "description=$HOSTILE" >"$IN" ||
		fail "hostile_repo: ew add failed"
	HID=$(<"$IN")
	add_one event_date=2026-11-21 cercle=Ségou \
		"description=$(printf 'caf\303\251 \331\205\330\261\330\255\330\250\330\247 \337\212\337\213')"
	NID=$ADDED_ID
}

# spreadsheet_repo: a new repository whose records' descriptions and
# actor1 start with what a spreadsheet takes for a formula; their ids in
# S1..S6, in list order.
spreadsheet_repo() {
	new_repo
	{
		echo '{"event_date":"2026-11-01","cercle":"Niono","category":"attack","latitude":14.2,"longitude":-5.3,"description":"=1+1","actor1":"+x"}'
		echo '{"event_date":"2026-11-02","cercle":"Niono","category":"attack","description":"-2+3+cmd|'"'"' /C calc'"'"'!A0","actor1":"@SUM(A1)"}'
		echo '{"event_date":"2026-11-03","cercle":"Niono","category":"attack","description":"\tx","actor1":"-"}'
		echo '{"event_date":"2026-11-04","cercle":"Niono","category":"attack","description":"\ry","actor1":"+12"}'
		echo '{"event_date":"2026-11-05","cercle":"Niono","category":"attack","description":"-5.3","actor1":"-5.3+1"}'
		echo '{"event_date":"2026-11-06","cercle":"Niono","category":"attack","description":"=HYPERLINK(\"http://x\",\"y\")","actor1":"a,=b"}'
	} >"$IN"
	local ids
	ids=$(ew add <"$IN") || fail "spreadsheet_repo: ew add failed"
	read -r -d '' S1 S2 S3 S4 S5 S6 <<<"$ids" || true
}

# assert_shards_exact: the work tree is clean and each shard's bytes are
# the blob HEAD has.
assert_shards_exact() {
	run -0 git status --porcelain --untracked-files=all
	assert_output ''
	local f
	for f in reports/*/*.csv; do
		assert_equal "$(git hash-object "$f")" "$(git rev-parse "HEAD:$f")"
	done
}

@test "table: escapes, CR, LF, bidi and C1 controls are shown as \\u escapes; accents, Arabic and N'Ko as they are" {
	hostile_repo
	run_split -0 ew list --format table --fields id,description
	assert_stderr_empty
	assert_equal "${lines[0]}" "id                          description"
	assert_equal "${lines[1]}" "$HID  $HOSTILE_SHOWN"
	assert_equal "${lines[2]}" "$NID  $(printf 'caf\303\251 \331\205\330\261\330\255\330\250\330\247 \337\212\337\213')"
	assert_equal "${#lines[@]}" 3
	assert_no_controls "$output"
	# the columns are aligned on what is shown
	run_split -0 ew list --format table --fields description,cercle
	assert_equal "${lines[1]}" "$HOSTILE_SHOWN  Niono"
	assert_equal "${lines[2]}" "$(printf 'caf\303\251 \331\205\330\261\330\255\330\250\330\247 \337\212\337\213')                    Ségou"
}

@test "table: a byte that is not UTF-8 in a hand-edited shard shows as U+FFFD; csv keeps it" {
	new_repo
	add_one description=abc
	sed -i 's/,abc,/,a\xffb\xe2\x80c,/' reports/2026/11.csv
	git commit -qam 'A hand edit'
	run_split -0 ew list --format table --fields description
	assert_equal "${lines[1]}" "$(printf 'a\357\277\275b\357\277\275\357\277\275c')"
	ew list --format csv --fields description >"$BATS_TEST_TMPDIR/out.csv"
	printf 'description\na\377b\342\200c\n' | cmp - "$BATS_TEST_TMPDIR/out.csv"
}

@test "table: the default on a terminal is neutralised; csv and json to a terminal stay raw" {
	command -v script >/dev/null || skip "script(1) is not installed"
	hostile_repo
	local t=$BATS_TEST_TMPDIR/tty
	script -qec "ew list --fields description $HID" /dev/null >"$t"
	run -0 cat "$t"
	assert_output --partial "$HOSTILE_SHOWN"
	assert_no_controls "$(tr -d '\r' <"$t")"
	# machine formats carry the bytes, a terminal or not
	script -qec "ew list --format csv --fields description $HID" /dev/null >"$t"
	LC_ALL=C grep -q $'\e\\[31mX' "$t" || fail "csv to a terminal lost the ESC byte"
	LC_ALL=C grep -q $'\xe2\x80\xae' "$t" || fail "csv to a terminal lost U+202E"
	LC_ALL=C grep -q $'\xc2\x9b' "$t" || fail "csv to a terminal lost U+009B"
	script -qec "ew list --json --fields description $HID" /dev/null >"$t"
	LC_ALL=C grep -q $'\\\\u001b\\[31mX\\\\rY\xe2\x80\xaeZ\xc2\x9bW\\\\nV' "$t" ||
		fail "$(printf 'json to a terminal changed:\n%s' "$(od -c "$t")")"
}

@test "csv, tsv and json to a pipe: the values' bytes exactly, and the shard keeps them" {
	hostile_repo
	local o=$BATS_TEST_TMPDIR
	ew list --format csv --fields id,description "$HID" >"$o/out.csv"
	printf 'id,description\n%s,"\033[31mX\rY\342\200\256Z\302\233W\nV"\n' "$HID" | cmp - "$o/out.csv"
	ew list --format tsv --fields id,description "$HID" >"$o/out.tsv"
	printf 'id\tdescription\n%s\t\033[31mX\\rY\342\200\256Z\302\233W\\nV\n' "$HID" | cmp - "$o/out.tsv"
	ew list --json --fields id,description "$HID" >"$o/out.json"
	printf '{"id":"%s","description":"\\u001b[31mX\\rY\342\200\256Z\302\233W\\nV"}\n' "$HID" | cmp - "$o/out.json"
	# the shard holds the value as given, RFC 4180-quoted
	LC_ALL=C grep -q $'"\e\\[31mX\rY\xe2\x80\xaeZ\xc2\x9bW$' reports/2026/11.csv ||
		fail "the shard does not hold the description's bytes"
	assert_shards_exact
}

@test "--spreadsheet: = + - @ tab and CR at a cell's start get a quote; plain numbers stay; RFC 4180 quoting" {
	spreadsheet_repo
	local before o=$BATS_TEST_TMPDIR
	before=$(sha256sum reports/2026/11.csv)
	ew list --spreadsheet --fields id,latitude,longitude,description,actor1 >"$o/out.csv"
	{
		printf 'id,latitude,longitude,description,actor1\n'
		printf '%s,14.2,-5.3,'"'"'=1+1,'"'"'+x\n' "$S1"
		printf '%s,14.25,-5.99,'"'"'-2+3+cmd|'"'"' /C calc'"'"'!A0,'"'"'@SUM(A1)\n' "$S2"
		printf '%s,14.25,-5.99,'"'"'\tx,'"'"'-\n' "$S3"
		printf '%s,14.25,-5.99,"'"'"'\ry",+12\n' "$S4"
		printf '%s,14.25,-5.99,-5.3,'"'"'-5.3+1\n' "$S5"
		printf '%s,14.25,-5.99,"'"'"'=HYPERLINK(""http://x"",""y"")","a,=b"\n' "$S6"
	} >"$o/want.csv"
	cmp "$o/want.csv" "$o/out.csv" || fail "$(diff "$o/want.csv" "$o/out.csv")"
	# TSV: the same quotes, TSV's own escapes
	ew list --spreadsheet --format tsv --fields description,actor1 >"$o/out.tsv"
	printf '%s\n' 'description	actor1' "'=1+1	'+x" "'-2+3+cmd|' /C calc'!A0	'@SUM(A1)" \
		"'\\tx	'-" "'\\ry	+12" "-5.3	'-5.3+1" "'=HYPERLINK(\"http://x\",\"y\")	a,=b" | cmp - "$o/out.tsv"
	# without --spreadsheet, the cells as they are
	ew list --fields description,actor1 "$S1" "$S4" >"$o/raw.csv"
	printf 'description,actor1\n=1+1,+x\n"\ry",+12\n' | cmp - "$o/raw.csv"
	# --group-by values are cells too
	run -0 ew list --spreadsheet --group-by actor1 "$S1"
	assert_output "$(printf '%s\n' actor1,count "'+x,1")"
	# the repository is untouched: same bytes, clean, each shard its blob
	assert_equal "$(sha256sum reports/2026/11.csv)" "$before"
	LC_ALL=C grep -q -F ',=1+1,' reports/2026/11.csv && LC_ALL=C grep -q -F ',+x,' reports/2026/11.csv ||
		fail "the shard does not hold =1+1 and +x as given"
	assert_shards_exact
}

@test "--spreadsheet: csv without --format, even on a terminal; json and table are refused" {
	spreadsheet_repo
	run_split -0 ew list --spreadsheet "$S1"
	assert_equal "${lines[0]}" "$EW_COLUMNS"
	for f in json table; do
		run_split -2 ew list --spreadsheet --format $f
		assert_stdout_empty
		assert_stderr "ew-list: --spreadsheet makes CSV and TSV safe to open in a spreadsheet; it cannot be used with --format $f (use csv or tsv)"
	done
	run_split -2 ew list --spreadsheet --json
	assert_stderr "ew-list: --spreadsheet makes CSV and TSV safe to open in a spreadsheet; it cannot be used with --format json (use csv or tsv)"
	if command -v script >/dev/null; then
		script -qec "ew list --spreadsheet --fields description $S1" /dev/null >"$BATS_TEST_TMPDIR/tty"
		assert_equal "$(tr -d '\r' <"$BATS_TEST_TMPDIR/tty")" "$(printf '%s\n' description "'=1+1")"
	fi
	# the conflicts list takes it too
	run_split -1 ew list --conflicts --spreadsheet --format tsv
	assert_output "$(printf 'merged_at\tmerge\tid\tfield\tkept\tlost\tkept_updated_at\tlost_updated_at')"
}

@test "messages: a bad value with ESC, U+202E or C1 controls is quoted neutralised, one line per error" {
	new_repo
	save_snapshot
	run_split -2 ew add event_date=2026-11-20 "cercle=$(printf 'Ni\342\200\256ono\302\233')" category=attack
	assert_rejected 'ew-add: arguments: unknown cercle '"'"'Ni\u202eono\u009b'"'"
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack "severity=$(printf '9\033[2J\342\200\256')"
	assert_rejected 'ew-add: arguments: invalid severity '"'"'9\u001b[2J\u202e'"'"' (expected an integer from 1 to 5)'
	# a control character in a one-line field: refused, the value not echoed raw
	run_split -2 ew add event_date=2026-11-20 "cercle=$(printf 'Ni\033]0;x\007ono\342\200\256')" category=attack
	assert_stdout_empty
	assert_stderr_regex '^ew-add: arguments: .*cercle'
	assert_no_controls "$stderr"
	# a batch: each error on its own line, a line break in a value shown as \n
	printf 'event_date,cercle,category,severity\n2026-11-20,Niono,attack,"4\nok"\n2026-11-20,"Nio\342\200\256no",attack,\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected "$(printf '%s\n' \
		'ew-add: stdin:2: invalid severity '"'"'4\nok'"'"' (expected an integer from 1 to 5)' \
		'ew-add: stdin:4: unknown cercle '"'"'Nio\u202eno'"'"'')"
	# ew update echoes the same way
	add_one
	run_split -2 ew update "$ADDED_ID" "status=$(printf 'new\033[8m\302\205')"
	assert_stdout_empty
	assert_stderr_regex '^ew-update: .*new\\u001b\[8m\\u0085'
	assert_no_controls "$stderr"
}

@test "messages: jq error text from --where and from a rule is neutralised" {
	hostile_repo
	run_split -2 ew list --fields id --where 'error("\u001b[2J\u202e\u0085")'
	assert_stderr 'ew-list: jq error: \u001b[2J\u202e\u0085'
	run_split -2 ew list --fields id --where 'error([27, 93, 48, 59, 120, 7] | implode)'
	assert_stderr 'ew-list: jq error: \u001b]0;x\u0007'
	# jq quotes the record's value; what it leaves raw is escaped here
	run_split -2 ew list --fields id --where '("\u202e\u0085" + .description) + 1' "$HID"
	assert_stderr_regex '^ew-list: jq error: string \("\\u202e\\u0085\\u001.*\) and number \(1\) cannot be added$'
	assert_no_controls "$stderr"
	# an alert rule: its warning and the Nagios line
	printf '[rule "bad"]\n\tlevel = red\n\twindow = 7d\n\twhere = error([27, 91, 50, 74, 8238, 124] | implode)\n' >rules.conf
	git commit -qm 'A failing rule' rules.conf
	run_split -3 ew alert --nagios
	assert_output "EW UNKNOWN - no alerts open; 1 rule failed (bad) | red=0;;;0 orange=0;;;0 yellow=0;;;0 info=0;;;0"
	assert_stderr_regex "^ew-alert: rules.conf: rule 'bad': jq error: \\\\u001b\\[2J\\\\u202e\\| \\(record $ULID_RE\\); its alerts are unchanged$"
	# a rule's name in the Nagios line: escaped, and no '|' before the data
	printf '[rule "b\342\200\256a|d"]\n\tlevel = red\n\twindow = 7d\n\twhere = true\n' >rules.conf
	git commit -qm 'A rule with a bad name' rules.conf
	run_split -3 ew alert --nagios
	assert_output 'EW UNKNOWN - no alerts open; 1 rule failed (b\u202ea d) | red=0;;;0 orange=0;;;0 yellow=0;;;0 info=0;;;0'
	assert_stderr_regex "^ew-alert: rules.conf: rule 'b\\\\u202ea\\|d': invalid rule name"
	assert_no_controls "$output$stderr"
}

@test "ew log: a hostile value is neutralised in a table, exact in CSV" {
	hostile_repo
	ew update "$NID" "description=$HOSTILE" >/dev/null
	run_split -0 ew log "$NID" --format table
	assert_no_controls "$output"
	assert_output --partial "$HOSTILE_SHOWN"
	ew log "$NID" --format csv >"$BATS_TEST_TMPDIR/log.csv"
	LC_ALL=C grep -q $'\e\\[31mX\rY\xe2\x80\xaeZ\xc2\x9bW$' "$BATS_TEST_TMPDIR/log.csv" ||
		fail "ew log --format csv changed the value's bytes"
}

@test "sync: a hub's hook output, its path and its branch name reach the terminal neutralised" {
	new_repo "$BATS_TEST_TMPDIR/a"
	add_one
	# a hub whose path holds ESC and U+202E
	local hub
	hub=$BATS_TEST_TMPDIR/$(printf 'hub\033[31m\342\200\256.git')
	git init -q --bare "$hub"
	git remote add hub "$hub"
	printf '#!/bin/sh\ncat >/dev/null\nprintf '"'"'\\033]0;pwned\\007\\033[31mred\\033[0m \\342\\200\\256txet \\302\\233Kok\\n'"'"' >&2\nexit 0\n' \
		>"$hub/hooks/pre-receive"
	chmod +x "$hub/hooks/pre-receive"
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_stderr 'ew-sync: hub: remote: \u001b]0;pwned\u0007\u001b[31mred\u001b[0m \u202etxet \u009bKok'
	# refused: the path quoted in the error is neutralised too
	printf '#!/bin/sh\ncat >/dev/null\nprintf '"'"'no\\033[2J\\n'"'"' >&2\nexit 1\n' >"$hub/hooks/pre-receive"
	add_one severity=4
	run_split -2 ew sync hub
	assert_stdout_empty
	assert_equal "${stderr_lines[0]}" 'ew-sync: hub: remote: no\u001b[2J'
	assert_equal "${stderr_lines[1]}" "ew-sync: push to $BATS_TEST_TMPDIR/hub\\u001b[31m\\u202e.git: the remote refused the update of refs/heads/main: [remote rejected] (pre-receive hook declined) (a hook on the hub rejected it; ask its administrator)"
	assert_no_controls "$stderr"
	# a hub with another branch, named with U+202E
	local other=$BATS_TEST_TMPDIR/other.git branch
	branch=$(printf 'ma\342\200\256in')
	git init -q --bare "$other"
	git push -q "$other" "main:$branch"
	git remote add other "$other"
	run_split -2 ew sync other
	assert_stderr "ew-sync: $other has no branch 'main' (it has: ma\\u202ein); ew syncs the branch of the same name, so rename this one to the hub's ('git branch -m NAME') and sync again"
	# a remote's name with U+202E is refused, and shown escaped
	run_split -2 ew sync "$(printf 'h\342\200\256ub')"
	assert_stdout_empty
	assert_stderr "ew-sync: invalid remote name 'h\\u202eub' (letters, digits, '-', '_' and '.', not first '-' or '.')"
	rm "$hub/hooks/pre-receive"
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	assert_stderr_empty
	assert_clean_repo
}
