#!/usr/bin/env bats
# CSV and NDJSON format conformance: the csv-spectrum corpus read by ew add,
# values that must come back byte for byte, the bytes of the shards.

load helpers

SPECTRUM=$BATS_TEST_DIRNAME/data/csv-spectrum
CHECK=$BATS_TEST_DIRNAME/csvcheck.py

setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	ew init -q "$BATS_FILE_TMPDIR/spectrum" || return 1
	mkdir "$BATS_FILE_TMPDIR/gen"
	"$PYTHON" "$CHECK" spectrum-all "$SPECTRUM" "$BATS_FILE_TMPDIR/gen" || return 1
	"$PYTHON" "$CHECK" tricky "$BATS_FILE_TMPDIR/gen" || return 1
}

setup() {
	ew_common_setup
	cd "$BATS_FILE_TMPDIR/spectrum"
	GEN=$BATS_FILE_TMPDIR/gen
}

# spectrum NAME: feed csv-spectrum case NAME to ew add twice, as raw rows and
# as one description per value (see csvcheck.py spectrum-raw and
# spectrum-values), and check that ew list --json and --format csv give
# back the values of the case's JSON.
spectrum() {
	local t=$BATS_TEST_TMPDIR ids=()
	run_split -0 ew add <"$GEN/raw-$1.csv"
	assert_stderr_empty
	ids=("${lines[@]}")
	run_split -0 ew add <"$GEN/values-$1.csv"
	assert_stderr_empty
	ids+=("${lines[@]}")
	printf '%s\n' "${ids[@]}" >"$t/ids"
	ew list --json "${ids[@]}" >"$t/out.json"
	ew list --format csv "${ids[@]}" >"$t/out.csv"
	run -0 "$PYTHON" "$CHECK" check "$GEN/both-$1.json" "$t/ids" json:"$t/out.json" csv:"$t/out.csv"
}

@test "csv-spectrum: comma_in_quotes is read as its JSON says, and its values round-trip as descriptions" {
	spectrum comma_in_quotes
}

@test "csv-spectrum: empty is read as its JSON says, and its values round-trip as descriptions" {
	spectrum empty
}

@test "csv-spectrum: empty_crlf is read as its JSON says (last line ends in a bare CR), and its values round-trip as descriptions" {
	spectrum empty_crlf
}

@test "csv-spectrum: escaped_quotes is read as its JSON says, and its values round-trip as descriptions" {
	spectrum escaped_quotes
}

@test "csv-spectrum: json is read as its JSON says, and its values round-trip as descriptions" {
	spectrum json
}

@test "csv-spectrum: newlines is read as its JSON says, and its values round-trip as descriptions" {
	spectrum newlines
}

@test "csv-spectrum: newlines_crlf is read as its JSON says (CRLF kept inside quotes), and its values round-trip as descriptions" {
	spectrum newlines_crlf
}

@test "csv-spectrum: quotes_and_newlines is read as its JSON says, and its values round-trip as descriptions" {
	spectrum quotes_and_newlines
}

@test "csv-spectrum: simple is read as its JSON says, and its values round-trip as descriptions" {
	spectrum simple
}

@test "csv-spectrum: simple_crlf is read as its JSON says, and its values round-trip as descriptions" {
	spectrum simple_crlf
}

@test "csv-spectrum: utf8 is read as its JSON says, and its values round-trip as descriptions" {
	spectrum utf8
}

@test "csv: the shards written for the csv-spectrum cases are canonical RFC 4180, sorted, LF-terminated" {
	# runs after the cases above, which all wrote to this repository
	[[ -e reports/2026/11.csv ]] || skip "no shards yet (run the whole file)"
	run -0 "$PYTHON" "$CHECK" canonical reports/2026/11.csv --sorted
	assert_clean_repo
}

# ---------------------------------------------------------------------------
# Round trip: quotes, commas, LF, CRLF, bare CR, tabs, leading = + - @,
# é ɛ ŋ, Arabic, CJK and emoji come back byte for byte.

# tricky_check: every tricky record is in the repository, byte for byte, in
# CSV, NDJSON and TSV; $BATS_TEST_TMPDIR/ids holds their ids in order.
tricky_check() {
	local t=$BATS_TEST_TMPDIR
	mapfile -t ids <"$t/ids"
	ew list --format csv "${ids[@]}" >"$t/out.csv"
	ew list --json "${ids[@]}" >"$t/out.json"
	ew list --format tsv "${ids[@]}" >"$t/out.tsv"
	run -0 "$PYTHON" "$CHECK" check "$GEN/tricky.json" "$t/ids" csv:"$t/out.csv" json:"$t/out.json" tsv:"$t/out.tsv"
	# and jq -j reads the first description back byte for byte
	jq -j 'select(.event_date == "2026-11-01") | .description' "$t/out.json" >"$t/desc.out"
	jq -j '.[0].description' "$GEN/tricky.json" >"$t/desc.want"
	cmp "$t/desc.want" "$t/desc.out"
	assert_clean_repo
}

@test "round trip: tricky values given as FIELD=VALUE arguments come back byte for byte" {
	new_repo
	: >"$BATS_TEST_TMPDIR/ids"
	args=()
	while IFS= read -r -d '' a; do
		if [[ -z $a ]]; then
			ew add "${args[@]}" >>"$BATS_TEST_TMPDIR/ids" || fail "ew add ${args[*]@Q} failed"
			args=()
		else
			args+=("$a")
		fi
	done <"$GEN/tricky.args"
	tricky_check
}

@test "round trip: tricky values in CSV with CRLF line ends come back byte for byte" {
	new_repo
	run_split -0 ew add <"$GEN/tricky.csv"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/ids"
	tricky_check
}

@test "round trip: tricky values in NDJSON, raw UTF-8 or \\u escapes, come back byte for byte" {
	new_repo
	run_split -0 ew add <"$GEN/tricky.ndjson"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/ids"
	tricky_check
	new_repo "$BATS_TEST_TMPDIR/repo2"
	run_split -0 ew add <"$GEN/tricky-ascii.ndjson"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/ids"
	tricky_check
}

@test "round trip: ew list --format csv | ew add into a second repository reproduces every record and every shard byte" {
	new_repo
	ew add <"$GEN/tricky.csv" >/dev/null
	EW_NOW=2026-11-28T13:30:00Z ew update "$(ew list --fields id --since 2026-11-03 --until 2026-11-03 | tail -1)" status=verified >/dev/null
	printf 'event_date,cercle,category\n2026-10-31,San,clash\n2025-01-01,Bla,threat\n' | ew add >/dev/null
	new_repo "$BATS_TEST_TMPDIR/copy"
	cd "$BATS_TEST_TMPDIR/repo"
	EW_NOW=2026-11-28T18:00:00Z run_split -0 bash -c 'ew list --format csv | ew add -C "$1"' _ "$BATS_TEST_TMPDIR/copy"
	assert_equal "${#lines[@]}" 18
	cmp <(ew list --format csv) <(ew list -C "$BATS_TEST_TMPDIR/copy" --format csv)
	cmp <(ew list --json) <(ew list -C "$BATS_TEST_TMPDIR/copy" --json)
	assert_equal "$(git -C "$BATS_TEST_TMPDIR/copy" ls-tree -r HEAD reports)" "$(git ls-tree -r HEAD reports)"
	assert_clean_repo "$BATS_TEST_TMPDIR/copy"
}

@test "round trip: ew list --json | ew add into a second repository reproduces every record and every shard byte" {
	new_repo
	ew add <"$GEN/tricky.ndjson" >/dev/null
	add_one latitude=13.123456 longitude=-5.5 severity=3 killed=4
	# coordinates from the gazetteer (San: 13.30,-4.90) and unusual spellings
	add_one cercle=San
	add_one latitude=+014.50 longitude=-005.0 severity=03
	new_repo "$BATS_TEST_TMPDIR/copy"
	cd "$BATS_TEST_TMPDIR/repo"
	run_split -0 bash -c 'ew list --json | ew add -C "$1"' _ "$BATS_TEST_TMPDIR/copy"
	cmp <(ew list --format csv) <(ew list -C "$BATS_TEST_TMPDIR/copy" --format csv)
	assert_equal "$(git -C "$BATS_TEST_TMPDIR/copy" ls-tree -r HEAD reports)" "$(git ls-tree -r HEAD reports)"
	assert_clean_repo "$BATS_TEST_TMPDIR/copy"
}

@test "csv: numbers are stored in their shortest plain form, the form JSON gives back" {
	new_repo
	id=$(ew add event_date=2026-11-20 cercle=San category=attack severity=05 killed=007)
	id2=$(ew add event_date=2026-11-20 cercle=Bla category=attack latitude=+014.50 longitude=-0.0 injured=-0)
	run -0 ew list --fields latitude,longitude,geo_precision,severity,killed "$id"
	assert_output "latitude,longitude,geo_precision,severity,killed
13.3,-4.9,3,5,7"
	run -0 ew list --fields latitude,longitude,geo_precision,injured "$id2"
	assert_output "latitude,longitude,geo_precision,injured
14.5,0,1,0"
	assert_clean_repo
}

@test "round trip: importing the same records again is refused (ids already exist)" {
	new_repo
	add_one
	ew list --format csv >"$IN"
	save_snapshot
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:2: id '$ADDED_ID' already exists"
}

@test "csv: shards and ew list CSV output are canonical: header, RFC 4180 quoting only where needed, LF, sorted" {
	new_repo
	ew add <"$GEN/tricky.csv" >/dev/null
	printf 'event_date,cercle,category\n2026-11-05,San,clash\n2026-10-31,San,clash\n' | ew add >/dev/null
	for f in reports/*/*.csv; do
		run -0 head -1 "$f"
		assert_output "$EW_COLUMNS"
		run -0 "$PYTHON" "$CHECK" canonical "$f" --sorted
	done
	ew list --format csv >"$BATS_TEST_TMPDIR/list.csv"
	run -0 "$PYTHON" "$CHECK" canonical "$BATS_TEST_TMPDIR/list.csv"
	# the shard holds what the plain git client sees
	run -0 git show HEAD:reports/2026/11.csv
	cmp <(git show HEAD:reports/2026/11.csv) reports/2026/11.csv
}

@test "csv: a description with a leading = + - @ is stored as is, not escaped against spreadsheet injection" {
	new_repo
	i=0
	for d in '=1+1' '+1' '-1' '@x'; do
		i=$((i + 1))
		add_one "event_date=2026-11-0$i" "description=$d"
		assert_equal "$(json_field "$ADDED_ID" description)" "$d"
	done
	run -0 bash -c 'git show HEAD:reports/2026/11.csv | tail -n +2 | awk -F, "{print \$27}"'
	assert_output "$(printf '%s\n' '=1+1' '+1' '-1' '@x')"
}

@test "csv: a quoted header and quoted plain fields are read" {
	new_repo
	printf '"event_date","cercle","category","description"\r\n"2026-11-20","Niono","attack","plain"\r\n' >"$IN"
	run -0 ew add <"$IN"
	assert_equal "$(ew list --fields event_date,cercle,category,description | tail -1)" 2026-11-20,Niono,attack,plain
	assert_clean_repo
}

@test "csv: input columns may come in any order and any subset" {
	new_repo
	printf 'description,category,killed,cercle,event_date\nx,clash,3,Tominian,2026-11-20\n' >"$IN"
	run -0 ew add <"$IN"
	run -0 ew list --fields event_date,cercle,category,killed,description "$output"
	assert_output "$(printf '%s\n' event_date,cercle,category,killed,description 2026-11-20,Tominian,clash,3,x)"
}
