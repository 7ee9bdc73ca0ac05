#!/usr/bin/env bats
# ew-list: filters, formats, exit status, stdin.
#
# All tests read one fixture repository made once for the file; none of
# them writes to it.

load helpers

L1=01JQ0000000000000000000001 # 2026-11-27 Niono/Diabaly attack 4 verified public, killed 2
L2=01JQ0000000000000000000002 # 2026-11-19 Ségou/Markala threat 2 new restricted, tricky description
L3=01JQ0000000000000000000003 # 2026-11-28 Macina/Kolongo abduction 5 new confidential, abducted 3
L4=01JQ0000000000000000000004 # 2026-10-15 San/Somo intercommunal-tension (no severity) closed public
L5=01JQ0000000000000000000005 # 2026-11-22 Niono/Sokolo attack 3 false restricted
L6=01JQ1000000000000000000006 # 2025-12-31 Barouéli displacement 1 new restricted, displaced 120

# The description of L2: a tab, a LF, a CRLF and a backslash.
L2_DESCRIPTION=$'tab\there\nnew line\r\nback\\slash'

setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	ew init -q "$BATS_FILE_TMPDIR/repo" || return 1
	{
		echo 'id,event_date,cercle,commune,category,severity,killed,abducted,displaced,status,sensitivity,description'
		echo "$L1,2026-11-27,Niono,Diabaly,attack,4,2,,,verified,public,Armed men on motorbikes"
		printf '%s,2026-11-19,Ségou,Markala,threat,2,,,,new,restricted,"%s"\n' $L2 "$L2_DESCRIPTION"
		echo "$L3,2026-11-28,Macina,Kolongo,abduction,5,,3,,new,confidential,"
		echo "$L4,2026-10-15,San,Somo,intercommunal-tension,,,,,closed,public,"
		echo "$L5,2026-11-22,Niono,Sokolo,attack,3,,,,false,restricted,"
		echo "$L6,2025-12-31,Barouéli,,displacement,1,,,120,,,"
	} >"$BATS_FILE_TMPDIR/fixture.csv"
	ew add -C "$BATS_FILE_TMPDIR/repo" <"$BATS_FILE_TMPDIR/fixture.csv" >/dev/null
}

setup() {
	ew_common_setup
	cd "$BATS_FILE_TMPDIR/repo"
}

# expect_ids "IDS" ARGS...: ew list --fields id ARGS prints exactly the
# records IDS (space-separated, in list order: by event_date, then id).
# The confidential L3 is included (--include-confidential): these tests are
# about the filters; confidential.bats is about leaving it out.
expect_ids() {
	local want=id i out rc=0
	for i in $1; do
		want+=$'\n'$i
	done
	shift
	out=$(ew list --include-confidential --fields id "$@") || rc=$?
	if [[ $out != "$want" ]] || ((rc != 0)); then
		fail "$(printf 'ew list --fields id %s\nexit %s, expected 0\n-- expected --\n%s\n-- actual --\n%s' "$*" "$rc" "$want" "$out")"
	fi
}

@test "list: without filters prints every record as CSV, ordered by event_date then id" {
	run_split -0 ew list --include-confidential --fields id,event_date
	assert_stderr_empty
	assert_output "$(printf '%s\n' id,event_date $L6,2025-12-31 $L4,2026-10-15 $L2,2026-11-19 $L5,2026-11-22 $L1,2026-11-27 $L3,2026-11-28)"
}

@test "list: a record is printed with every column, in the documented order" {
	run -0 ew list $L1
	assert_output "$(printf '%s\n' "$EW_COLUMNS" "$L1,2026-11-27,1,2026-11-28T12:00:00Z,2026-11-28T12:00:00Z,,,Ségou,Niono,Diabaly,,14.25,-5.99,3,attack,4,2,0,0,0,,,,verified,,public,Armed men on motorbikes,")"
}

@test "list: the default format when stdout is not a terminal is CSV" {
	assert_equal "$(ew list)" "$(ew list --format csv)"
	run -0 ew list
	assert_line -n 0 "$EW_COLUMNS"
	assert_equal "$(ew list --include-confidential --format csv | csv_field id | tr '\0' '\n')" "$(printf '%s\n' $L6 $L4 $L2 $L5 $L1 $L3)"
}

@test "list: the default format on a terminal is a table" {
	command -v script >/dev/null || skip "script(1) is not installed"
	run -0 script -qec "ew list --cercle Niono" /dev/null
	assert_output --partial $L1
	assert_output --partial $L5
	refute_line --partial "$EW_COLUMNS"
}

@test "list: --format table prints every selected record" {
	run_split -0 ew list --format table --cercle Niono
	assert_output --partial $L1
	assert_output --partial $L5
	refute_output --partial $L2
}

@test "list: --since and --until take dates, both inclusive" {
	expect_ids "$L5 $L1 $L3" --since 2026-11-22
	expect_ids "$L6 $L4 $L2" --until 2026-11-19
	expect_ids "$L2 $L5" --since 2026-11-19 --until 2026-11-22
	expect_ids "$L1 $L3" --since 2026-11-27T00:00:00Z
}

@test "list: --since and --until take relative times counted from EW_NOW" {
	expect_ids "$L5 $L1 $L3" --since 7d
	expect_ids "$L1 $L3" --since 48h
	expect_ids "$L2 $L5 $L1 $L3" --since 2w
	expect_ids "$L3" --since today
	expect_ids "$L1 $L3" --since yesterday
	expect_ids "$L6 $L4 $L2 $L5 $L1" --until yesterday
	EW_NOW=2026-10-20T00:00:00Z expect_ids "$L4" --since 7d --until today
}

@test "list: a bad date in --since or --until is a usage error" {
	for d in 2026-13-45 5x tomorrowish ''; do
		run_split -2 ew list --since "$d"
		assert_stdout_empty
		assert_stderr_regex '^ew-list: '
	done
	run_split -2 ew list --until 2026-02-30
	assert_stderr_regex '^ew-list: '
}

@test "list: --cercle matches accent-free, case-free and alias spellings" {
	expect_ids "$L2" --cercle segou
	expect_ids "$L5 $L1" --cercle NIONO
	expect_ids "$L3" --cercle massina
	expect_ids "$L6" --cercle baroueli
	expect_ids "$L6" --cercle Barouéli
}

@test "list: an unknown --cercle is an error with a suggestion" {
	run_split -2 ew list --cercle Nionoo
	assert_stdout_empty
	assert_stderr_regex "^ew-list: .*unknown cercle 'Nionoo' \(did you mean 'Niono'\?\)\$"
}

@test "list: --commune matches gazetteer spellings" {
	expect_ids "$L1" --commune diabaly
	expect_ids "$L5" --commune SOKOLO
	expect_ids "$L2" --commune markala --cercle segou
}

@test "list: --category selects one code; an unknown code is an error with a suggestion" {
	expect_ids "$L5 $L1" --category attack
	run_split -2 ew list --category atack
	assert_stdout_empty
	assert_stderr_regex "^ew-list: .*unknown category 'atack' \(did you mean 'attack'\?\)\$"
}

@test "list: --min-severity keeps severities at or above N and drops empty ones" {
	expect_ids "$L1 $L3" --min-severity 4
	expect_ids "$L5 $L1 $L3" --min-severity 3
	run_split -2 ew list --min-severity high
	assert_stdout_empty
	assert_stderr_regex '^ew-list: '
}

@test "list: --status and --sensitivity select by enumeration; a bad value is an error" {
	expect_ids "$L6 $L2 $L3" --status new
	expect_ids "$L5" --status false
	expect_ids "$L4 $L1" --sensitivity public
	expect_ids "$L3" --sensitivity confidential
	run_split -2 ew list --status bogus
	assert_stderr_regex '^ew-list: '
	run_split -2 ew list --sensitivity secret
	assert_stderr_regex '^ew-list: '
}

@test "list: filters combine with AND" {
	expect_ids "$L1" --cercle niono --min-severity 4
	expect_ids "$L2" --status new --since 2026-11-01 --sensitivity restricted
}

@test "list: id arguments are prefixes, in any case; several select the union" {
	expect_ids "$L6" 01JQ1
	expect_ids "$L3" 01jq0000000000000000000003
	expect_ids "$L6 $L1" $L1 01jq1
	expect_ids "$L5 $L1" 01JQ0 --cercle niono
}

@test "list: --where keeps records for which the jq expression is true" {
	expect_ids "$L1" --where '.killed > 0'
	expect_ids "$L1 $L3" --where '.severity >= 4'
	expect_ids "$L5 $L1" --where '.latitude > 14'
	expect_ids "$L1" --where '.description | test("motorbike")'
	expect_ids "$L2" --where '.cercle == "Ségou" and .status == "new"'
	expect_ids "$L6" --where '.displaced == 120 and (.displaced | type) == "number"'
}

@test "list: --where treats any value but false and null as true" {
	expect_ids "$L6 $L2 $L5 $L1 $L3" --where '.severity'
	expect_ids "$L6 $L4 $L2 $L5 $L1 $L3" --where '.cercle'
	run -1 ew list --where 'false'
	run -1 ew list --where 'null'
}

@test "list: a simple --where (run without jq) selects what jq selects" {
	# "(P) | ." is outside where.h's subset, so jq runs it
	local p n=0
	for p in '.severity >= 4 and .cercle == "Niono"' '.severity < 3' '.severity == null' \
		'.killed != 0' '.cercle < "N" or .status == "new"' '.latitude > 14' \
		'(.severity >= 3 or .displaced > 100) and .sensitivity != "public"' \
		'.nosuchfield == null' '.description > .cercle' '.severity'; do
		expect_ids "$(ew list --include-confidential --fields id --where "($p) | ." | sed 1d | xargs)" \
			--where "$p"
		n=$((n + $(ew list --include-confidential --count --where "$p" || :)))
	done
	((n > 10)) || fail "the programs select only $n records in all"
	# jq's errors are the same either way
	run_split -2 ew list --where '.severity >= 4 and'
	assert_stderr_regex '^ew-list: invalid jq program'
}

@test "list: --where rejects invalid expressions and cannot import modules or read the environment" {
	run_split -2 ew list --where '.['
	assert_stdout_empty
	assert_stderr_regex '^ew-list: '
	run_split -2 ew list --where 'import "x" as x; true'
	assert_stdout_empty
	run_split ew list --fields id --where '(env | length) > 0'
	assert_no_crash
	((status == 1 || status == 2)) || fail "env is visible to --where (exit $status): $output"
	run_split ew list --fields id --where '($ENV | length) > 0'
	assert_no_crash
	((status == 1 || status == 2)) || fail "\$ENV is visible to --where (exit $status): $output"
}

@test "list: a --where expression that never ends is stopped with an error" {
	EW_JQ_TIMEOUT=1 run_split -2 timeout $((20 * EW_TEST_SLOW)) ew list --where 'def f: f; f'
	assert_stdout_empty
	assert_stderr_regex '^ew(-list)?: .*time limit'
}

@test "list: --fields prints those columns in that order" {
	run -0 ew list --fields severity,id,cercle --category attack
	assert_output "$(printf '%s\n' severity,id,cercle 3,$L5,Niono 4,$L1,Niono)"
	run_split -2 ew list --fields id,bogus
	assert_stdout_empty
	assert_stderr_regex "^ew-list: .*'bogus'"
}

@test "list: --count prints the number of matching records" {
	run -0 ew list --count
	assert_output 5
	run -0 ew list --count --include-confidential
	assert_output 6
	run -0 ew list --count --category attack
	assert_output 2
	run -1 ew list --count --category protest
	assert_output 0
}

@test "list: --group-by prints value,count rows, most first, then by value" {
	run -0 ew list --include-confidential --group-by cercle
	out=$output
	[[ ${lines[0]} == cercle,count ]] && out=$(tail -n +2 <<<"$output")
	assert_equal "$out" "$(printf '%s\n' Niono,2 Barouéli,1 Macina,1 San,1 Ségou,1)"
	run -0 ew list --include-confidential --group-by status --since 2026-01-01
	out=$output
	[[ ${lines[0]} == status,count ]] && out=$(tail -n +2 <<<"$output")
	assert_equal "$out" "$(printf '%s\n' new,2 closed,1 false,1 verified,1)"
}

@test "list: TSV escapes tab, newline, carriage return and backslash" {
	run -0 ew list --format tsv --fields id,description,cercle $L2
	assert_output "$(printf '%s\t%s\t%s\n' id description cercle $L2 'tab\there\nnew line\r\nback\\slash' Ségou)"
}

@test "list: CSV and TSV print the header and exit 1 when nothing matches" {
	run_split -1 ew list --category protest
	assert_output "$EW_COLUMNS"
	assert_stderr_empty
	run -1 ew list --format tsv --fields id,cercle --category protest
	assert_output "$(printf 'id\tcercle')"
	run -1 ew list --json --category protest
	assert_output ''
	run -1 ew list 01JQ9
	assert_output "$EW_COLUMNS"
}

@test "list: NDJSON output has one object per line, with numbers for numeric columns and the column order" {
	run_split -0 ew list --include-confidential --json
	assert_equal "${#lines[@]}" 6
	run -0 bash -c 'ew list --include-confidential --json | jq -c "[.id, .severity, .killed, .abducted, .displaced, .latitude, .longitude, .date_precision, .geo_precision]"'
	assert_output "$(printf '%s\n' \
		"[\"$L6\",1,0,0,120,13.07,-6.83,1,3]" \
		"[\"$L4\",null,0,0,0,13.3,-4.9,1,3]" \
		"[\"$L2\",2,0,0,0,13.44,-6.27,1,3]" \
		"[\"$L5\",3,0,0,0,14.25,-5.99,1,3]" \
		"[\"$L1\",4,2,0,0,14.25,-5.99,1,3]" \
		"[\"$L3\",5,0,3,0,13.96,-5.36,1,3]")"
	run -0 bash -c "ew list --json $L1 | jq -r 'keys_unsorted | join(\",\")'"
	assert_output "$EW_COLUMNS"
	run -0 bash -c "ew list --json $L1 | jq -r '[to_entries[] | select(.value | type == \"string\") | .key] | join(\",\")'"
	assert_output id,event_date,reported_at,updated_at,reporter,channel,region,cercle,commune,location,category,actor1,actor2,source,status,duplicate_of,sensitivity,description,tags
}

@test "list: --json is --format json, with exactly one JSON object per line" {
	assert_equal "$(ew list --json)" "$(ew list --format json)"
	ew list --include-confidential --json >"$BATS_TEST_TMPDIR/out.json"
	while IFS= read -r line; do
		run -0 jq -e 'type == "object"' <<<"$line"
	done <"$BATS_TEST_TMPDIR/out.json"
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/out.json")" 6
	assert_equal "$(jq -c . "$BATS_TEST_TMPDIR/out.json" | wc -l)" 6
}

@test "list: an unknown --format is a usage error" {
	run_split -2 ew list --format xml
	assert_stdout_empty
	assert_stderr_regex '^ew-list: '
}

@test "list: '-' filters CSV records from stdin instead of the repository" {
	run -0 bash -c "ew list --cercle niono | ew list - --min-severity 4 --fields id"
	assert_output "$(printf '%s\n' id $L1)"
	run -0 bash -c "ew list --json | ew list - --cercle niono --fields id"
	assert_output "$(printf '%s\n' id $L5 $L1)"
}

@test "list: '-' from a pipe shows each record on a terminal as soon as its line has come" {
	# the feed writes one record, waits (up to 10 s) for it to show in the
	# terminal session script(1) records, then writes the next one
	local ts=$BATS_TEST_TMPDIR/typescript seen=$BATS_TEST_TMPDIR/seen
	cat >"$BATS_TEST_TMPDIR/feed" <<-EOF
		printf 'event_date,cercle,category\n2026-11-20,Niono,attack\n'
		i=0
		while [ \$i -lt $((100 * EW_TEST_SLOW)) ] && ! grep -q 2026-11-20 "$ts"; do
			sleep 0.1; i=\$((i + 1))
		done
		grep -q 2026-11-20 "$ts" && echo yes >"$seen"
		printf '2026-11-21,San,clash\n'
	EOF
	run -0 script -qefc "sh '$BATS_TEST_TMPDIR/feed' | ew list - --format csv --fields event_date" "$ts"
	[[ -s $seen ]] || fail "the first record showed only when the input ended: $(cat "$ts")"
	grep -q 2026-11-21 "$ts" || fail "the second record is missing: $(cat "$ts")"
}

@test "list: '-' accepts a batch with only some columns, as ew add takes it" {
	printf 'event_date,cercle,category\n2026-11-20,Niono,attack\n2026-11-21,San,clash\n' >"$IN"
	run_split -0 ew list --count --where '.category == "attack"' - <"$IN"
	assert_output 1
}

@test "list: without '-' stdin is neither read nor consumed" {
	run -0 bash -c 'echo garbage | ew list --count'
	assert_output 5
	run -0 bash -c 'printf "keep me\n" | { ew list --count >/dev/null; cat; }'
	assert_output 'keep me'
	run -0 ew list --count </dev/null
	assert_output 5
}

@test "list: a reader that closes the pipe early is not an error" {
	run -0 bash -c 'ew list --json 2>"$1" | true; echo "${PIPESTATUS[0]}"' _ "$BATS_TEST_TMPDIR/err"
	[[ $output == 0 || $output == 141 ]] || fail "ew list exited $output when its reader went away"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ''
}

@test "list: EW_DIR and -C name the repository; -C wins" {
	mkdir "$BATS_TEST_TMPDIR/elsewhere"
	cd "$BATS_TEST_TMPDIR/elsewhere"
	EW_DIR=$BATS_FILE_TMPDIR/repo run -0 ew list --count
	assert_output 5
	run -0 ew list -C "$BATS_FILE_TMPDIR/repo" --count
	assert_output 5
}

@test "list: a subdirectory of the repository finds it" {
	cd "$BATS_FILE_TMPDIR/repo/reports/2026"
	run -0 ew list --count
	assert_output 5
}

@test "list: with -, --cercle and --commune match records spelt any way, in a repository or not" {
	printf 'event_date,cercle,commune,category\n2026-11-20,niono,DIABALY,attack\n2026-11-20,Niono,Sokolo,attack\n' >"$BATS_TEST_TMPDIR/in.csv"
	run -0 ew list --cercle Niono --commune Diabaly --count - <"$BATS_TEST_TMPDIR/in.csv"
	assert_output 1
	cd "$BATS_TEST_TMPDIR"
	run -0 ew list --cercle Niono --commune Diabaly --count - <"$BATS_TEST_TMPDIR/in.csv"
	assert_output 1
}

@test "list: jq's \$ followed by a space cannot reach \$ENV or \$__loc__" {
	run_split -2 ew list --count --where '$ ENV.HOME'
	assert_stderr "ew-list: jq program uses '\$ENV', which is not allowed here"
	run_split -2 ew list --count --where '$ __loc__ | .file == "<top-level>"'
	assert_stderr "ew-list: jq program uses '\$__loc__', which is not allowed here"
	# nor with a comment between them
	run_split -2 ew list --count --where $'$ # a comment\nENV.HOME'
	assert_stderr "ew-list: jq program uses '\$ENV', which is not allowed here"
}

@test "list: a --where program cannot close the parentheses that confine it" {
	run_split -2 ew list --count --where 'true) | (true'
	[[ $stderr == "ew-list: invalid jq program 'true) | (true': "* ]]
	# parentheses inside strings, and string interpolation, do not count
	run_split -0 ew list --count --where '"a)(" != "\(.cercle))"'
}

@test "list: a --where program that runs out of memory stops with exit 2, not a crash" {
	[[ ${EW_BIN:-} != *asan* ]] || skip "AddressSanitizer reserves more address space than the limit"
	# (under valgrind, copying the strings takes longer than the default 10 s)
	[[ -z ${EW_UNDER_VALGRIND:-} ]] || export EW_JQ_TIMEOUT=$((10 * EW_TEST_SLOW))
	run_split -2 bash -c 'ulimit -v 1500000; exec ew list --count --where "reduce range(40) as \$i (\"x\"; .+.) | length > 0"'
	assert_stderr "ew-list: jq program ran out of memory; stopped"
}

@test "list: a table aligns wide and combining characters by terminal columns" {
	cd "$BATS_TEST_TMPDIR" && new_repo
	add_one event_date=2026-11-01 description='会議 in 東京 ok'
	add_one event_date=2026-11-02 description="$(printf 'cafe\xcc\x81 x')"
	add_one event_date=2026-11-03 description="$(printf '%.0s東' {1..30})"
	# the table format is asked for, so stdout need not be a terminal
	run -0 ew list --format table --fields description,cercle
	assert_line --index 0 "description                              cercle"
	assert_line --index 1 "会議 in 東京 ok                          Niono"
	assert_line --index 2 "$(printf 'cafe\xcc\x81 x')                                   Niono"
	assert_line --index 3 "東東東東東東東東東東東東東東東東東東東…  Niono"
}
