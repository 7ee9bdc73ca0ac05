#!/usr/bin/env bats
# ew-update: changing fields of existing records.

load helpers

R1=01JQ1111111111111111111111
R2=01JQ2222222222222222222222
R3=01JQ2223333333333333333333

setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	ew init -q "$BATS_FILE_TMPDIR/fixture" || return 1
	cat >"$BATS_FILE_TMPDIR/fixture.csv" <<-EOF
		id,event_date,cercle,commune,category,severity,description
		$R1,2026-11-20,Niono,Diabaly,attack,3,market attacked
		$R2,2026-11-21,San,,clash,2,
		$R3,2026-10-10,Macina,,threat,,threat letter
	EOF
	ew add -C "$BATS_FILE_TMPDIR/fixture" <"$BATS_FILE_TMPDIR/fixture.csv" >/dev/null || return 1
	(cd "$BATS_FILE_TMPDIR/fixture" && repo_snapshot >"$BATS_FILE_TMPDIR/fixture.snapshot")
}

# Each test gets its own copy of the fixture repository.
setup() {
	ew_common_setup
	cp -a "$BATS_FILE_TMPDIR/fixture" "$BATS_TEST_TMPDIR/repo"
	cd "$BATS_TEST_TMPDIR/repo"
	load_snapshot "$BATS_FILE_TMPDIR/fixture.snapshot"
}

@test "update: one field of one record: prints the id, one commit with trailers, updated_at set to now" {
	EW_NOW=2026-11-28T13:00:00Z run_split -0 ew update $R1 status=verified
	assert_output $R1
	assert_stderr_empty
	assert_equal "$(commit_count)" 3
	assert_equal "$(head_message)" "$(printf 'Update report %s (status)\n\nEw-Action: update\nEw-Record: %s' $R1 $R1)"
	assert_equal "$(head_trailers)" "$(printf 'Ew-Action: update\nEw-Record: %s' $R1)"
	assert_equal "$(git log -1 --format=%ct)" "$((EW_TEST_NOW_EPOCH + 3600))"
	assert_equal "$(git show --name-only --format= HEAD)" reports/2026/11.csv
	run -0 ew list --fields id,status,reported_at,updated_at $R1
	assert_output "$(printf '%s\n' id,status,reported_at,updated_at "$R1,verified,2026-11-28T12:00:00Z,2026-11-28T13:00:00Z")"
	assert_clean_repo
}

@test "update: the other records are left exactly as they were" {
	before=$(ew list $R2 $R3)
	run -0 ew update $R1 severity=4
	assert_equal "$(ew list $R2 $R3)" "$before"
	assert_equal "$(git diff --stat HEAD~1 HEAD | tail -1)" ' 1 file changed, 1 insertion(+), 1 deletion(-)'
}

@test "update: a unique prefix, in lower case, names the record" {
	run_split -0 ew update 01jq1 severity=5
	assert_output $R1
	assert_field $R1 severity 5
	run -0 ew update 01jq2223 severity=1
	assert_output $R3
	assert_clean_repo
}

@test "update: an ambiguous prefix is rejected and writes nothing" {
	run_split -2 ew update 01JQ222 status=closed
	assert_rejected_regex "^ew-update: ([a-z]+(:[0-9]+)?: )?'01JQ222' is ambiguous \(matches 2 records\)\$"
}

@test "update: an id that matches no record is rejected and writes nothing" {
	run_split -2 ew update 01JQ9 status=closed
	assert_rejected_regex "^ew-update: ([a-z]+(:[0-9]+)?: )?no record matches '01JQ9'\$"
	run_split -2 ew update $R1 01JQ9 status=closed
	assert_rejected_regex "^ew-update: ([a-z]+(:[0-9]+)?: )?no record matches '01JQ9'\$"
}

@test "update: id, reported_at and updated_at cannot be changed" {
	for f in id reported_at updated_at; do
		case $f in
		id) v=01JQ9999999999999999999999 ;;
		*) v=2026-11-01T00:00:00Z ;;
		esac
		run_split -2 ew update $R1 "$f=$v"
		assert_rejected_msg_regex "^ew-update: ([a-z]+(:[0-9]+)?: )?field '$f' cannot be changed\$"
	done
	assert_repo_unchanged
}

@test "update: an unknown field is rejected" {
	run_split -2 ew update $R1 foo=1
	assert_rejected_regex "^ew-update: .*unknown (column|field) 'foo'"
}

@test "update: an invalid value is rejected with the same message as ew add" {
	run_split -2 ew update $R1 severity=9
	assert_rejected_msg_regex "^ew-update: .*invalid severity '9' \(expected an integer from 1 to 5\)\$"
	run_split -2 ew update $R1 killed=-1
	assert_rejected_msg_regex "^ew-update: .*invalid killed '-1' \(expected a whole number, 0 or more\)\$"
	run_split -2 ew update $R1 event_date=2023-02-30
	assert_rejected_msg_regex "^ew-update: .*invalid event_date '2023-02-30' \(expected a date YYYY-MM-DD\)\$"
	run_split -2 ew update $R1 event_date=2026-12-01
	assert_rejected_msg_regex "^ew-update: .*event_date '2026-12-01' is in the future\$"
	run_split -2 ew update $R1 category=atack
	assert_rejected_msg_regex "^ew-update: .*unknown category 'atack' \(did you mean 'attack'\?\)\$"
	run_split -2 ew update $R1 "description=$(printf 'a\xffb')"
	assert_rejected_msg_regex "^ew-update: .*invalid UTF-8 in description\$"
	assert_repo_unchanged
}

@test "update: the whole record is checked again: a cercle that does not hold its commune is rejected" {
	run_split -2 ew update $R1 cercle=San
	assert_rejected_regex "^ew-update: .*commune 'Diabaly' is not in cercle 'San' \(it is in Niono\)\$"
}

@test "update: status=duplicate needs duplicate_of, which is not the record itself" {
	run_split -2 ew update $R1 status=duplicate
	assert_rejected_regex "^ew-update: .*duplicate_of"
	run_split -2 ew update $R1 status=duplicate duplicate_of=$R1
	assert_rejected_regex "^ew-update: .*duplicate"
	run -0 ew update $R1 status=duplicate duplicate_of=$R2
	assert_output $R1
	run -0 ew list --fields status,duplicate_of $R1
	assert_output "$(printf '%s\n' status,duplicate_of duplicate,$R2)"
	assert_equal "$(head_message | head -1)" "Update report $R1 (status, duplicate_of)"
	assert_clean_repo
}

@test "update: place names are stored canonically" {
	run -0 ew update $R2 cercle=massina
	assert_field $R2 cercle Macina
	run -0 ew update $R2 'commune=kokry centre'
	assert_field $R2 commune 'Kokry centre'
	assert_clean_repo
}

@test "update: a value equal to the current one (even spelt differently) is no change" {
	run_split -0 ew update $R1 status=new
	assert_stderr 'ew-update: nothing to change'
	assert_stdout_empty
	assert_repo_unchanged
	run_split -0 ew update $R1 cercle=niono severity=3
	assert_stderr 'ew-update: nothing to change'
	assert_stdout_empty
	assert_repo_unchanged
}

@test "update: a new event_date in another month moves the record to that shard" {
	run_split -0 ew update $R1 event_date=2026-10-03
	assert_output $R1
	run -0 git show HEAD:reports/2026/11.csv
	refute_output --partial $R1
	assert_output --partial $R2
	run -0 bash -c 'git show HEAD:reports/2026/10.csv | cut -d, -f1,2'
	assert_output "$(printf '%s\n' id,event_date $R1,2026-10-03 $R3,2026-10-10)"
	assert_equal "$(head_message | head -1)" "Update report $R1 (event_date)"
	assert_equal "$(ew list --count)" 3
	assert_clean_repo
}

@test "update: moving the only record of a shard leaves no record in the old shard" {
	run -0 ew update $R3 event_date=2026-09-30
	run -0 bash -c 'git show HEAD:reports/2026/09.csv | cut -d, -f1'
	assert_output "$(printf '%s\n' id $R3)"
	if git cat-file -e HEAD:reports/2026/10.csv 2>/dev/null; then
		assert_equal "$(git show HEAD:reports/2026/10.csv)" "$EW_COLUMNS"
	fi
	assert_equal "$(ew list --count)" 3
	assert_clean_repo
}

@test "update: a new date in the same month keeps the shard sorted" {
	run -0 ew update $R1 event_date=2026-11-25
	run -0 bash -c 'git show HEAD:reports/2026/11.csv | cut -d, -f1,2'
	assert_output "$(printf '%s\n' id,event_date $R2,2026-11-21 $R1,2026-11-25)"
	assert_clean_repo
}

@test "update: several ids are updated in one commit" {
	run_split -0 ew update $R1 $R3 status=closed
	assert_output "$(printf '%s\n' $R1 $R3)"
	assert_equal "$(commit_count)" 3
	assert_equal "$(head_message)" "$(printf 'Update 2 reports (status)\n\nEw-Action: update\nEw-Record: %s\nEw-Record: %s' $R1 $R3)"
	assert_equal "$(list_ids --status closed)" "$(printf '%s\n' $R1 $R3)"
	assert_clean_repo
}

@test "update: with no id on the command line the ids are read from stdin" {
	printf '%s\n%s\n' $R1 $R2 >"$IN"
	run_split -0 ew update status=verified <"$IN"
	assert_output "$(printf '%s\n' $R1 $R2)"
	assert_equal "$(list_ids --status verified)" "$(printf '%s\n' $R1 $R2)"
	assert_equal "$(head_message | head -1)" 'Update 2 reports (status)'
	assert_clean_repo
}

@test "update: '-' reads the ids from stdin, as ew list --fields id prints them" {
	ew list --cercle Niono --fields id | tail -n +2 >"$IN"
	run_split -0 ew update - status=closed <"$IN"
	assert_output $R1
	assert_equal "$(list_ids --status closed)" $R1
	assert_clean_repo
}

@test "update: -n checks and prints the ids but writes nothing" {
	run_split -0 ew update -n $R1 status=verified
	assert_output $R1
	assert_repo_unchanged
}

@test "update: --author, then EW_AUTHOR, then the git identity is the author" {
	run -0 ew update --author 'A B <a@b.org>' $R1 severity=4
	assert_equal "$(git log -1 --format='%an <%ae>|%cn <%ce>')" 'A B <a@b.org>|Test Operator <ops@example.org>'
	EW_AUTHOR='Field Office <fo@example.org>' run -0 ew update $R1 severity=5
	assert_equal "$(git log -1 --format='%an <%ae>')" 'Field Office <fo@example.org>'
	run -0 ew update $R1 severity=1
	assert_equal "$(git log -1 --format='%an <%ae>')" 'Test Operator <ops@example.org>'
}

@test "update: a multi-line description is stored; an empty value clears a field or restores its default" {
	run -0 ew update $R1 "description=$(printf 'line one\nline two')" sensitivity=public
	run -0 ew update $R1 description= severity= sensitivity=
	run -0 bash -c "ew list --json $R1 | jq -c '[.description,.severity,.sensitivity]'"
	assert_output '["",null,"restricted"]'
	run -0 ew update $R1 "description=$(printf 'line one\nline two')"
	assert_equal "$(json_field $R1 description)" "$(printf 'line one\nline two')"
	assert_clean_repo
}

@test "update: two fields in one record are both named in the commit" {
	run -0 ew update $R1 severity=4 status=verified
	assert_equal "$(head_message | head -1)" "Update report $R1 (severity, status)"
}

@test "update: -C DIR updates that repository from anywhere" {
	mkdir "$BATS_TEST_TMPDIR/elsewhere"
	cd "$BATS_TEST_TMPDIR/elsewhere"
	run -0 ew update -C "$BATS_TEST_TMPDIR/repo" $R1 status=verified
	assert_output $R1
	assert_clean_repo "$BATS_TEST_TMPDIR/repo"
}

@test "update: ids without any FIELD=VALUE is a usage error" {
	run_split -2 ew update $R1
	assert_stdout_empty
	[[ -n $stderr ]] || fail "no message on stderr"
	assert_repo_unchanged
}

@test "update: clearing given coordinates takes the gazetteer's again, with their precision" {
	run_split -0 ew update $R1 latitude=14.7 longitude=-6.1
	run -0 ew list --fields latitude,longitude,geo_precision $R1
	assert_output $'latitude,longitude,geo_precision\n14.7,-6.1,1'
	run_split -0 ew update $R1 latitude= longitude=
	run -0 ew list --fields latitude,longitude,geo_precision $R1
	assert_output $'latitude,longitude,geo_precision\n14.25,-5.99,3'
	# coordinates from the gazetteer follow a new cercle
	run_split -0 ew update $R1 cercle=San commune=
	run -0 ew list --fields cercle,commune,latitude,longitude,geo_precision $R1
	assert_output $'cercle,commune,latitude,longitude,geo_precision\nSan,,13.3,-4.9,3'
	assert_clean_repo
}

@test "update: something staged with git add is refused" {
	echo 'a note' >notes.txt
	git add notes.txt
	save_snapshot
	run_split -2 ew update $R1 status=verified
	assert_rejected "ew-update: the index has staged changes ('notes.txt'); commit them, or unstage them with 'git reset', first"
}
