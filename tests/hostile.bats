#!/usr/bin/env bats
# Hostile input: malformed CSV and NDJSON (unterminated and bare quotes,
# NUL bytes, invalid and overlong UTF-8, a 100 MB field, 10,000 columns,
# a million empty lines, byte order marks, mixed line endings) fed to
# ew add, and to ew update where it reads standard input.  Each case gets
# its exit status, the exact message (program, stdin:LINE, what is
# wrong), a repository left as it was (HEAD, index, work tree, objects)
# and a bounded peak resident size.  Then record values that could reach
# a commit message or a file name: none may.
#
# Memory: the peak resident size of the program (GNU time's %M) must stay
# within RSS_SLACK KiB of what the same program takes for a one-record
# input (measured once, so the bound holds under AddressSanitizer, whose
# own overhead is in both).  An input of 100 MB held in memory, or a
# million lines kept, would be far past it.  The large inputs are made at
# test time in $BATS_TEST_TMPDIR.

load helpers

R1=01JQ0000000000000000000001

# 40 MiB: a reader bounded to a 1 MiB record stays well within it.
RSS_SLACK=$((40 * 1024))

# The CSV rows of a record whose description is a (one line) and a valid
# one on either side.
HEADER=event_date,cercle,category,description

setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	ew init -q "$BATS_FILE_TMPDIR/shared" || return 1
	printf 'id,event_date,cercle,category,severity\n%s,2026-11-20,Niono,attack,3\n' $R1 |
		ew add -C "$BATS_FILE_TMPDIR/shared" >/dev/null || return 1
	(cd "$BATS_FILE_TMPDIR/shared" && repo_snapshot >"$BATS_FILE_TMPDIR/shared.snapshot" &&
		objects >"$BATS_FILE_TMPDIR/shared.objects") || return 1
	# the resident size of each program on a small input
	local t=$BATS_FILE_TMPDIR/rss
	printf '%s\n2026-11-20,Niono,attack,x\n' $HEADER >"$t.csv"
	(cd "$BATS_FILE_TMPDIR/shared" &&
		/usr/bin/time -q -f %M -o "$t.add" ew add -n <"$t.csv" >/dev/null &&
		printf '%s\n' $R1 | /usr/bin/time -q -f %M -o "$t.update" ew update -n status=verified >/dev/null &&
		/usr/bin/time -q -f %M -o "$t.list" ew list - <"$t.csv" >/dev/null) || return 1
}

setup() {
	ew_common_setup
	cd "$BATS_FILE_TMPDIR/shared" || return 1
	load_snapshot "$BATS_FILE_TMPDIR/shared.snapshot"
}

# A failed test may have written to the shared repository: make it again.
teardown() {
	if [[ -z ${BATS_TEST_COMPLETED:-} ]]; then
		rm -rf "$BATS_FILE_TMPDIR/shared"
		setup_file
	fi
}

# objects: every file under .git/objects, sorted (a failed command must
# not leave a blob behind).
objects() {
	(cd .git/objects && find . -type f | LC_ALL=C sort)
}

fresh_repo() {
	new_repo
	save_snapshot
}

# run_rss [-N] CMD...: run_split [-N] CMD..., with the peak resident size
# of CMD in $rss (KiB).
run_rss() {
	local -a want=()
	if [[ $1 =~ ^-[0-9]+$ ]]; then
		want=("$1")
		shift
	fi
	run_split "${want[@]}" /usr/bin/time -q -f %M -o "$BATS_TEST_TMPDIR/.rss" "$@"
	rss=$(tail -n 1 "$BATS_TEST_TMPDIR/.rss")
}

# assert_bounded PROG: $rss is within RSS_SLACK of PROG's small-input size.
assert_bounded() {
	local base
	base=$(<"$BATS_FILE_TMPDIR/rss.$1")
	[[ $rss =~ ^[0-9]+$ ]] || fail "no resident size measured: '$rss'"
	((rss < base + RSS_SLACK)) ||
		fail "peak resident size $rss KiB, more than $base KiB + $RSS_SLACK KiB: the input was held in memory"
}

# assert_untouched: what save_snapshot saw, and no new object in .git.
assert_untouched() {
	assert_repo_unchanged
	assert_equal "$(objects)" "$(<"$BATS_FILE_TMPDIR/shared.objects")"
}

# rejected_by_add MESSAGE < input: ew add exits 2 with exactly MESSAGE
# and prints nothing, within bounded memory.  (Each test checks once, at
# its end, that the repository is untouched.)
rejected_by_add() {
	run_rss -2 ew add
	assert_stdout_empty
	assert_stderr "$1"
	assert_bounded add
}

# $IN.csv and $IN.json: scratch inputs.
csv_in=$IN.csv
json_in=$IN.json

# ---------------------------------------------------------------------------
# Quotes

@test "hostile: an unterminated quoted field is rejected at the line where it opens; so is an NDJSON string never closed" {
	printf '%s\n2026-11-20,Niono,attack,ok\n2026-11-21,Niono,attack,"never closed\n2026-11-22,Niono,attack,x\n' $HEADER >"$csv_in"
	rejected_by_add 'ew-add: stdin:3: unterminated quoted field' <"$csv_in"
	printf '{"event_date":"2026-11-20","cercle":"Niono","category":"attack","description":"never closed}\n' >"$json_in"
	run_rss -2 ew add <"$json_in"
	assert_stdout_empty
	assert_stderr_regex '^ew-add: stdin:1: invalid JSON: Unfinished string'
	assert_equal "${#stderr_lines[@]}" 1
	assert_bounded add
	assert_untouched
	# ew update reads ids: it names the line and quotes it
	run_rss -2 ew update status=verified <"$csv_in"
	assert_stdout_empty
	assert_stderr "ew-update: stdin:1: invalid id 'event_date,cercle,category,description' (expected one record id per line; ids are ULIDs: digits and letters, 26 at most)"
	assert_bounded update
	assert_untouched
}

@test "hostile: a quote left open before 3 MB of lines stops at the record limit, not at the end of the input" {
	"$PYTHON" -c '
import sys
w = sys.stdout.write
w("event_date,cercle,category,description\n2026-11-20,Niono,attack,\"opened\n")
w("2026-11-21,Niono,attack,x\n" * 120000)
' >"$csv_in"
	rejected_by_add 'ew-add: stdin:2: record longer than 1 MiB (the most one record may take); is a quoted field left open?' <"$csv_in"
	assert_untouched
}

@test "hostile: bare quotes in CSV and in NDJSON are rejected with the line" {
	local row
	for row in '2026-11-20,Niono,attack,say "hi"' '2026-11-20,Niono,attack,"closed"then' '2026-11-20,Niono,attack,"a"""b"c'; do
		printf '%s\n%s\n' $HEADER "$row" >"$csv_in"
		rejected_by_add 'ew-add: stdin:2: malformed quoting (a quote inside an unquoted field, or text after a closing quote)' <"$csv_in"
	done
	printf '{"event_date":"2026-11-20","cercle":"Niono","category":"attack"}\n{"event_date":"2026-11-20","cercle":"Niono","category":"attack","description":"say "hi""}\n' >"$json_in"
	run_rss -2 ew add <"$json_in"
	assert_stdout_empty
	assert_stderr_regex '^ew-add: stdin:2: invalid JSON: '
	assert_equal "${#stderr_lines[@]}" 1
	assert_untouched
	printf '"%s"\n' $R1 >"$IN"
	run_rss -2 ew update status=verified <"$IN"
	assert_stderr "ew-update: stdin:1: invalid id '\"$R1\"' (expected one record id per line; ids are ULIDs: digits and letters, 26 at most)"
	assert_untouched
}

# ---------------------------------------------------------------------------
# NUL bytes

@test "hostile: NUL bytes are rejected in CSV, raw or escaped in NDJSON, in a key, and in the ids ew update reads" {
	printf '%s\n2026-11-20,Niono,attack,a\0b\n' $HEADER >"$csv_in"
	rejected_by_add 'ew-add: stdin:2: NUL byte in input' <"$csv_in"
	# a first line of nothing but a NUL is not taken for a blank line
	printf '\0\n%s\n2026-11-20,Niono,attack,x\n' $HEADER >"$csv_in"
	rejected_by_add 'ew-add: stdin:1: NUL byte in input' <"$csv_in"
	# NDJSON: each line is reported ("description\u0000x" must not pass
	# for "description")
	local o='{"event_date":"2026-11-20","cercle":"Niono","category":"attack"'
	printf '%s,"description":"a\0b"}\n%s,"description":"a\\u0000b"}\n%s,"description\\u0000x":"a"}\n' "$o" "$o" "$o" >"$json_in"
	rejected_by_add "$(printf '%s\n' 'ew-add: stdin:1: NUL byte in input' \
		"ew-add: stdin:2: NUL character in 'description'" \
		'ew-add: stdin:3: NUL character in a key')" <"$json_in"
	# an id followed by a NUL and more must not pass for the id
	printf '%s\0junk\n' $R1 >"$IN"
	run_rss -2 ew update status=verified <"$IN"
	assert_stdout_empty
	assert_stderr 'ew-update: stdin:1: NUL byte in input'
	assert_bounded update
	assert_untouched
}

# ---------------------------------------------------------------------------
# UTF-8

@test "hostile: invalid and overlong UTF-8 is rejected, naming the field in CSV and the line in NDJSON" {
	# a lone continuation byte, 0xff, overlong '/' in 2, 3 and 4 bytes,
	# a UTF-16 surrogate, beyond U+10FFFF, a 5-byte form, a truncated one
	local -a bad=('\x80' '\xff' '\xc0\xaf' '\xe0\x80\xaf' '\xf0\x80\x80\xaf' '\xed\xa0\x80'
		'\xf4\x90\x80\x80' '\xf8\x88\x80\x80\x80' '\xe2\x82')
	local b i want_csv= want_json=
	{
		echo $HEADER
		for b in "${bad[@]}"; do printf "2026-11-20,Niono,attack,x${b}y\n"; done
	} >"$csv_in"
	for b in "${bad[@]}"; do
		printf "{\"event_date\":\"2026-11-20\",\"cercle\":\"Niono\",\"category\":\"attack\",\"location\":\"x${b}y\"}\n"
	done >"$json_in"
	for ((i = 1; i <= ${#bad[@]}; i++)); do
		want_csv+="ew-add: stdin:$((i + 1)): invalid UTF-8 in description"$'\n'
		want_json+="ew-add: stdin:$i: invalid UTF-8"$'\n'
	done
	rejected_by_add "${want_csv%$'\n'}" <"$csv_in"
	rejected_by_add "${want_json%$'\n'}" <"$json_in"
	# in a header name: reported as an unknown column, on one line
	printf 'event_date,cercle,cat\xc0\xafegory\n2026-11-20,Niono,attack\n' >"$csv_in"
	run_split -2 ew add <"$csv_in"
	assert_stderr_regex "^ew-add: stdin:1: unknown column 'cat.+egory' \(declare it in ew.conf as \[record\] extra-columns, or remove it\)\$"
	assert_equal "${#stderr_lines[@]}" 1
	# an escaped lone surrogate is not valid JSON text
	printf '{"event_date":"2026-11-20","cercle":"Niono","category":"attack","description":"\\ud800"}\n' >"$json_in"
	run_split -2 ew add <"$json_in"
	assert_stdout_empty
	assert_stderr_regex '^ew-add: stdin:1: invalid JSON: .*surrogate'
	# an id with an overlong byte sequence: one line, the bytes escaped
	printf '%s\n01JQ\xc0\xaf\n' $R1 >"$IN"
	run_split -2 ew update status=verified <"$IN"
	assert_stdout_empty
	assert_stderr_regex "^ew-update: stdin:2: invalid id '01JQ[^']+' \(expected one record id per line; ids are ULIDs: digits and letters, 26 at most\)\$"
	[[ $stderr != *$'\xc0'* ]] || fail "a raw invalid byte in the message"
	assert_untouched
}

# ---------------------------------------------------------------------------
# Size

@test "hostile: a 100 MB field is rejected after 1 MiB, in CSV and NDJSON, without holding it" {
	"$PYTHON" -c '
import sys
x = "x" * (1 << 20)
with open(sys.argv[1], "w") as f:
    f.write("event_date,cercle,category,description\n2026-11-20,Niono,attack,")
    for i in range(100): f.write(x)
    f.write("\n")
with open(sys.argv[2], "w") as f:
    f.write("{\"event_date\":\"2026-11-20\",\"cercle\":\"Niono\",\"category\":\"attack\",\"description\":\"")
    for i in range(100): f.write(x)
    f.write("\"}\n")
' "$csv_in" "$json_in"
	rejected_by_add 'ew-add: stdin:2: record longer than 1 MiB (the most one record may take)' <"$csv_in"
	rejected_by_add 'ew-add: stdin:1: record longer than 1 MiB (the most one record may take)' <"$json_in"
	# ew update reads a line of ids, no more
	tail -c +40 "$csv_in" >"$IN"
	run_rss -2 ew update status=verified <"$IN"
	assert_stdout_empty
	assert_stderr 'ew-update: stdin:1: expected one record id per line, found a line of more than 4096 bytes'
	assert_bounded update
	assert_untouched
	# the other readers of records on stdin stop as early
	run_rss -2 ew list - <"$csv_in"
	assert_stderr 'ew-list: stdin:2: record longer than 1 MiB (the most one record may take)'
	assert_bounded list
	run_rss -2 ew alert --dry-run - <"$json_in"
	assert_stdout_empty
	assert_stderr 'ew-alert: stdin:1: record longer than 1 MiB (the most one record may take)'
	assert_bounded list
	assert_untouched
}

@test "hostile: a 100 MB field spread over many lines inside quotes is stopped at the limit too" {
	"$PYTHON" -c '
import sys
line = "y" * 1023 + "\n"
with open(sys.argv[1], "w") as f:
    f.write("event_date,cercle,category,description\n2026-11-20,Niono,attack,\"")
    for i in range(100 * 1024): f.write(line)
    f.write("\"\n")
' "$csv_in"
	rejected_by_add 'ew-add: stdin:2: record longer than 1 MiB (the most one record may take); is a quoted field left open?' <"$csv_in"
	assert_untouched
}

@test "hostile: a record of exactly 1 MiB is accepted, one byte more is not (CSV and NDJSON)" {
	local size
	for size in 1048576 1048577; do
		"$PYTHON" -c '
import sys
n = int(sys.argv[1])
head = "2026-11-20,Niono,attack,"
with open(sys.argv[2], "w") as f:
    f.write("event_date,cercle,category,description\n" + head + "x" * (n - len(head) - 1) + "\n")
head = "{\"event_date\":\"2026-11-20\",\"cercle\":\"Niono\",\"category\":\"attack\",\"description\":\""
with open(sys.argv[3], "w") as f:
    f.write(head + "x" * (n - len(head) - 3) + "\"}\n")
' "$size" "$csv_in" "$json_in"
		assert_equal "$(wc -c <"$json_in")" "$size"
		if ((size == 1048576)); then
			run_split -0 ew add -n <"$csv_in"
			assert_output --regexp "^$ULID_RE\$"
			run_split -0 ew add -n <"$json_in"
			assert_output --regexp "^$ULID_RE\$"
		else
			rejected_by_add 'ew-add: stdin:2: record longer than 1 MiB (the most one record may take)' <"$csv_in"
			rejected_by_add 'ew-add: stdin:1: record longer than 1 MiB (the most one record may take)' <"$json_in"
		fi
	done
	assert_untouched
}

@test "hostile: 10,000 columns: in the header, in a row, and as NDJSON keys" {
	"$PYTHON" -c '
import sys
cols = ["c%d" % i for i in range(10000)]
open(sys.argv[1], "w").write(",".join(cols) + "\n" + ",".join("x" * 10000) + "\n")
open(sys.argv[2], "w").write("event_date,cercle,category," + ",".join(cols[3:]) + "\n")
open(sys.argv[3], "w").write("event_date,cercle,category\n2026-11-20,Niono,attack" + ",x" * 9997 + "\n")
open(sys.argv[4], "w").write("{" + ",".join("\"%s\":1" % c for c in cols) + "}\n")
' "$IN.1" "$IN.2" "$IN.3" "$IN.4"
	rejected_by_add 'ew-add: stdin:1: no header row (the first line must name the columns, e.g. event_date,cercle,category)' <"$IN.1"
	rejected_by_add "ew-add: stdin:1: unknown column 'c3' (declare it in ew.conf as [record] extra-columns, or remove it)" <"$IN.2"
	rejected_by_add 'ew-add: stdin:2: expected 3 fields, found 10000' <"$IN.3"
	rejected_by_add "ew-add: stdin:1: unknown column 'c0' (declare it in ew.conf as [record] extra-columns, or remove it)" <"$IN.4"
	run_rss -2 ew update status=verified <"$IN.1"
	assert_stderr 'ew-update: stdin:1: expected one record id per line, found a line of more than 4096 bytes'
	assert_bounded update
	assert_untouched
}

# ---------------------------------------------------------------------------
# Blank lines

@test "hostile: a million empty lines alone add nothing, exit 0 and take no memory" {
	"$PYTHON" -c 'import sys; sys.stdout.write("\n" * 1000000)' >"$IN"
	run_rss -0 ew add <"$IN"
	assert_stdout_empty
	assert_stderr 'ew-add: stdin: no records to add'
	assert_bounded add
	assert_untouched
	run_rss -2 ew update status=verified <"$IN"
	assert_stderr 'ew-update: no record ids given (as arguments or one per line on standard input)'
	assert_bounded update
	assert_untouched
}

@test "hostile: a million blank lines before and between records are skipped and counted in line numbers" {
	# CSV: 1,000,000 empty lines and 1,000 of blanks, the header, a record,
	# a million CRLF lines, then a bad record
	"$PYTHON" -c '
import sys
w = sys.stdout.write
w("\n" * 1000000 + " \t \n" * 1000)
w("event_date,cercle,category\n2026-11-20,Niono,attack\n")
w("\r\n" * 1000000)
w("2026-11-20,Niono,atack\n")
' >"$csv_in"
	rejected_by_add "ew-add: stdin:2001003: unknown category 'atack' (did you mean 'attack'?)" <"$csv_in"
	"$PYTHON" -c '
import sys
w = sys.stdout.write
w("\n" * 1000000)
w("{\"event_date\":\"2026-11-20\",\"cercle\":\"Niono\",\"category\":\"attack\"}\n")
w("  \n" * 1000000)
w("{\"event_date\":\"2026-11-20\",\"cercle\":\"Niono\",\"category\":\"atack\"}\n")
' >"$json_in"
	rejected_by_add "ew-add: stdin:2000002: unknown category 'atack' (did you mean 'attack'?)" <"$json_in"
	assert_untouched
}

# ---------------------------------------------------------------------------
# Byte order marks and line endings (documented as accepted)

@test "hostile: a UTF-8 byte order mark at the start is skipped: the records land once, without it (CSV, NDJSON, ids)" {
	fresh_repo
	printf '\xef\xbb\xbf%s\n2026-11-20,Niono,attack,first\n' $HEADER >"$csv_in"
	run_split -0 ew add <"$csv_in"
	local a=$output
	printf '\xef\xbb\xbf{"event_date":"2026-11-21","cercle":"San","category":"clash","description":"second"}\n' >"$json_in"
	run_split -0 ew add <"$json_in"
	local b=$output
	run -0 ew list --fields id,event_date,cercle,category,description
	assert_output "$(printf '%s\n' id,event_date,cercle,category,description "$a,2026-11-20,Niono,attack,first" "$b,2026-11-21,San,clash,second")"
	assert_equal "$(head -c 3 reports/2026/11.csv)" id,
	[[ $(<reports/2026/11.csv) != *$'\xef\xbb\xbf'* ]] || fail "the byte order mark was stored"
	# and before a list of ids
	printf '\xef\xbb\xbf%s\n' "$a" >"$IN"
	run_split -0 ew update status=verified <"$IN"
	assert_output "$a"
	assert_field "$a" status verified
	# jq skips a byte order mark that starts a JSON text, so one that
	# starts any NDJSON line
	printf '{"event_date":"2026-11-22","cercle":"Bla","category":"threat"}\n\xef\xbb\xbf{"event_date":"2026-11-23","cercle":"Bla","category":"threat"}\n' >"$json_in"
	run_split -0 ew add <"$json_in"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(ew list --count --cercle Bla)" 2
	[[ $(<reports/2026/11.csv) != *$'\xef\xbb\xbf'* ]] || fail "the byte order mark was stored"
	assert_equal "$(commit_count)" 5
	assert_clean_repo
}

@test "hostile: a byte order mark anywhere else in CSV is a character of the value, and rejected as such" {
	# (shown as it is, or escaped)
	local bom="("$'\xef\xbb\xbf'"|\\\\ufeff)"
	printf '\xef\xbb\xbf\xef\xbb\xbf%s\n2026-11-20,Niono,attack,x\n' $HEADER >"$csv_in"
	run_split -2 ew add <"$csv_in"
	assert_rejected_msg_regex "^ew-add: stdin:1: unknown column '${bom}event_date' \(declare it in ew.conf"
	printf '%s\n\xef\xbb\xbf2026-11-20,Niono,attack,x\n' $HEADER >"$csv_in"
	run_split -2 ew add <"$csv_in"
	assert_rejected_msg_regex "^ew-add: stdin:2: invalid event_date '${bom}2026-11-20' \(expected a date YYYY-MM-DD\)\$"
	# a byte order mark and nothing else is an empty input
	printf '\xef\xbb\xbf' >"$IN"
	run_split -0 ew add <"$IN"
	assert_stdout_empty
	assert_stderr 'ew-add: stdin: no records to add'
	assert_untouched
}

@test "hostile: CSV with LF, CRLF and CR line ends mixed is accepted, each record once, and stored with LF" {
	fresh_repo
	printf 'event_date,cercle,category,description\r\n2026-11-20,Niono,attack,lf\n2026-11-21,San,clash,cr\r2026-11-22,Bla,threat,crlf\r\n2026-11-23,Macina,looting,"two\r\nlines"\n' >"$csv_in"
	run_split -0 ew add <"$csv_in"
	assert_equal "${#lines[@]}" 4
	run -0 ew list --format tsv --fields event_date,cercle,description
	assert_output "$(printf '%s\t%s\t%s\n' event_date cercle description 2026-11-20 Niono lf 2026-11-21 San cr 2026-11-22 Bla crlf 2026-11-23 Macina 'two\r\nlines')"
	# the shard's own line ends are LF; the one CR kept is the value's
	assert_equal "$(tr -cd '\r' <reports/2026/11.csv | wc -c)" 1
	assert_equal "$(wc -l <reports/2026/11.csv)" 6
	assert_clean_repo
}

@test "hostile: NDJSON with LF and CRLF mixed is accepted; a lone CR does not end an NDJSON line" {
	fresh_repo
	local o='{"event_date":"2026-11-2%d","cercle":"Niono","category":"attack"}'
	printf "$o\r\n$o\n$o\r\n" 1 2 3 >"$json_in"
	run_split -0 ew add <"$json_in"
	assert_equal "${#lines[@]}" 3
	assert_equal "$(ew list --count)" 3
	assert_clean_repo
	save_snapshot
	printf "$o\n$o\r$o\n" 4 5 6 >"$json_in"
	run_split -2 ew add <"$json_in"
	assert_rejected_regex '^ew-add: stdin:2: invalid JSON: Unexpected extra JSON values'
	assert_equal "${#stderr_lines[@]}" 1
	# ids with CRLF line ends
	ew list --fields id | tail -n +2 | sed 's/$/\r/' >"$IN"
	run_split -0 ew update status=closed <"$IN"
	assert_equal "${#lines[@]}" 3
	assert_equal "$(ew list --count --status closed)" 3
	assert_clean_repo
}

# ---------------------------------------------------------------------------
# Values that could reach commit messages and file names

# The hostile text: path climbing, a line break, an escape sequence, a
# right-to-left override and lines that look like trailers.
hostile_text() {
	printf '../../../etc/passwd\n\nEw-Action: delete\nEw-Record: 01JQ0000000000000000000009\n\e[31m\e]0;title\a\xe2\x80\xaemoc.live\r\nSigned-off-by: Mallory <m@example.org>'
}

# assert_no_hostile_text: no commit message of the history, and no path
# of HEAD's tree, carries any part of the hostile text.
assert_no_hostile_text() {
	local msgs paths
	msgs=$(git log --format=%B)
	paths=$(git ls-tree -r --name-only HEAD)
	local bad
	for bad in '../' passwd delete 01JQ0000000000000000000009 $'\e' $'\a' $'\r' $'\xe2\x80\xae' moc.live Signed-off-by Mallory; do
		[[ $msgs != *"$bad"* ]] || fail "$(printf 'a commit message carries %q:\n%s' "$bad" "$msgs")"
		[[ $paths != *"$bad"* ]] || fail "$(printf 'a path carries %q:\n%s' "$bad" "$paths")"
	done
	# every commit's trailers are ew's own
	local c
	for c in $(git rev-list HEAD); do
		git log -1 --format=%B "$c" | git interpret-trailers --parse | grep -v -E '^Ew-(Action|Record|Alert|Count): [A-Za-z0-9-]+$' &&
			fail "commit $c has trailers of its own"
		true
	done
}

@test "hostile: description, location and actors with ../, line breaks, escapes, bidi overrides and trailer lines never reach commit messages or paths" {
	fresh_repo
	local before text
	before=$(git ls-tree -r --name-only HEAD)
	text=$(hostile_text)
	# one-line fields refuse control characters, and say which field; the
	# text spans 6 lines, so the records start on lines 2, 8, 14...
	"$PYTHON" -c '
import csv, sys
fields = ["location", "actor1", "actor2", "source", "reporter", "tags"]
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["event_date", "cercle", "category"] + fields)
for f in fields:
    w.writerow(["2026-11-20", "Niono", "attack"] + [sys.argv[1] if g == f else "" for g in fields])
' "$text" >"$csv_in"
	run_split -2 ew add <"$csv_in"
	assert_rejected "$(printf 'ew-add: stdin:%s: %s must be one line without control characters\n' \
		2 location 8 actor1 14 actor2 20 source 26 reporter 32 tags)"
	# what they accept (path climbing, an override) and any description
	"$PYTHON" -c '
import json, sys
t = sys.argv[1]
print(json.dumps({"event_date": "2026-11-20", "cercle": "Niono", "category": "attack", "severity": 3,
    "description": t, "location": "../../../etc/passwd \u202emoc.live", "actor1": "Ew-Action: delete",
    "actor2": "Signed-off-by: Mallory <m@example.org>", "source": "../", "reporter": "Mallory", "tags": "Ew-Record: 01JQ0000000000000000000009"}))
' "$text" >"$json_in"
	run_split -0 ew add <"$json_in"
	local id=$output
	assert_equal "$(head_message)" "$(printf 'Add report %s (attack, Niono, severity 3)\n\nEw-Action: add\nEw-Record: %s' "$id" "$id")"
	assert_equal "$(head_trailers)" "$(printf 'Ew-Action: add\nEw-Record: %s' "$id")"
	assert_equal "$(git ls-tree -r --name-only HEAD)" "$(printf '%s\nreports/2026/11.csv' "$before" | LC_ALL=C sort)"
	# the values themselves are kept byte for byte in the shard
	local -a descs
	mapfile -d '' -t descs < <(git show HEAD:reports/2026/11.csv | csv_field description)
	assert_equal "${descs[0]}" "$text"
	# a batch of them, and an update of the description
	printf '%s\n' "$(<"$json_in")" "$(<"$json_in")" >"$IN"
	run_split -0 ew add <"$IN"
	assert_equal "$(head_message | head -1)" 'Add 2 reports'
	run_split -0 ew update "$id" "description=$text" "location=../$(printf '\xe2\x80\xae')x"
	assert_equal "$(head_message)" "$(printf 'Update report %s (description, location)\n\nEw-Action: update\nEw-Record: %s' "$id" "$id")"
	assert_no_hostile_text
	assert_clean_repo
}

@test "hostile: the values that make the subject line and the shard path are checked: hostile ones are refused, on one line" {
	fresh_repo
	"$PYTHON" -c '
import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["id", "event_date", "cercle", "category", "severity"])
for row in [
        ["", "../../../etc/passwd", "Niono", "attack", ""],
        ["", "2026-11-20/../../x", "Niono", "attack", ""],
        ["", "2026-11-20\nEw-Action: delete", "Niono", "attack", ""],
        ["", "2026-11-20", "Niono", "attack\n\nEw-Action: delete", ""],
        ["", "2026-11-20", "Niono", "../../attack", ""],
        ["", "2026-11-20", "Niono\x1b[2J", "attack", ""],
        ["", "2026-11-20", "Niono", "attack", "3\nEw-Action: delete"],
        ["../../x", "2026-11-20", "Niono", "attack", ""]]:
    w.writerow(row)
' >"$csv_in"
	run_split -2 ew add <"$csv_in"
	assert_rejected "$(printf '%s\n' \
		"ew-add: stdin:2: invalid event_date '../../../etc/passwd' (expected a date YYYY-MM-DD)" \
		"ew-add: stdin:3: invalid event_date '2026-11-20/../../x' (expected a date YYYY-MM-DD)" \
		"ew-add: stdin:4: invalid event_date '2026-11-20\\nEw-Action: delete' (expected a date YYYY-MM-DD)" \
		"ew-add: stdin:6: category must be one line without control characters" \
		"ew-add: stdin:9: unknown category '../../attack' (did you mean 'attack'?)" \
		"ew-add: stdin:10: cercle must be one line without control characters" \
		"ew-add: stdin:11: invalid severity '3\\nEw-Action: delete' (expected an integer from 1 to 5)" \
		"ew-add: stdin:13: invalid id '../../x' (expected a ULID of 26 characters)")"
	# ew update as well
	add_one
	save_snapshot
	run_split -2 ew update "$ADDED_ID" 'event_date=../../../etc/passwd'
	assert_rejected "ew-update: $ADDED_ID: invalid event_date '../../../etc/passwd' (expected a date YYYY-MM-DD)"
	# a cercle is matched by its letters and stored as the gazetteer spells it
	run_split -0 ew add event_date=2026-11-20 'cercle=../NIONO/..' category=ATTACK severity=2
	assert_equal "$(head_message | head -1)" "Add report $output (attack, Niono, severity 2)"
	assert_no_hostile_text
	assert_clean_repo
}

@test "hostile: an alert grouped by a hostile description is acknowledged and resolved under a one-line subject, with ew's trailers only" {
	fresh_repo
	printf '[rule "by-text"]\n\tlevel = red\n\twhere = .category == \\"attack\\"\n\twindow = 7d\n\tgroup-by = description\n' >rules.conf
	git commit -q -m 'A rule grouped by description' rules.conf
	"$PYTHON" -c '
import json, sys
print(json.dumps({"event_date": "2026-11-25", "cercle": "Niono", "category": "attack", "description": sys.argv[1]}))
' "$(hostile_text)" >"$json_in"
	ew add <"$json_in" >/dev/null
	run_split -0 ew alert
	local aid
	aid=$(git show HEAD:alerts.csv | csv_field alert | tr -d '\0')
	[[ $aid =~ ^$ULID_RE$ ]] || fail "no alert raised: $output"
	# the group as the subject shows it: its first 64 bytes, escaped
	local group='../../../etc/passwd\n\nEw-Action: delete\nEw-Record: 01JQ0000000000...'
	run_split -0 ew alert ack "$aid"
	assert_equal "$(head_message)" "$(printf 'Acknowledge alert %s (by-text %s)\n\nEw-Action: ack\nEw-Alert: %s' "$aid" "$group" "$aid")"
	assert_equal "$(head_trailers)" "$(printf 'Ew-Action: ack\nEw-Alert: %s' "$aid")"
	run_split -0 ew alert resolve "$aid"
	assert_equal "$(head_message)" "$(printf 'Resolve alert %s (by-text %s)\n\nEw-Action: resolve\nEw-Alert: %s' "$aid" "$group" "$aid")"
	assert_equal "$(head_trailers)" "$(printf 'Ew-Action: resolve\nEw-Alert: %s' "$aid")"
	local msgs
	msgs=$(git log --format=%B)
	[[ $msgs != *[$'\e\a\r']* ]] || fail "a control character in a commit message"
	[[ $msgs != *$'\xe2\x80\xae'* ]] || fail "a bidi override in a commit message"
	assert_clean_repo
}
