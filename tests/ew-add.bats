#!/usr/bin/env bats
# ew-add: adding records from arguments and from stdin (CSV and NDJSON),
# validation, error messages, commits.

load helpers

HEADER=$EW_COLUMNS

# Tests that only check rejections share one repository (they must leave
# it as it was; its snapshot is taken once); tests that write start with
# fresh_repo.
setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	shared_repo_init
}

shared_repo_init() {
	rm -rf "$BATS_FILE_TMPDIR/shared"
	ew init -q "$BATS_FILE_TMPDIR/shared" || return 1
	(cd "$BATS_FILE_TMPDIR/shared" && repo_snapshot >"$BATS_FILE_TMPDIR/shared.snapshot")
}

setup() {
	ew_common_setup
	cd "$BATS_FILE_TMPDIR/shared" || return 1
	load_snapshot "$BATS_FILE_TMPDIR/shared.snapshot"
}

# A failed test may have written to the shared repository: make a new one,
# so that one bug does not fail every later test.
teardown() {
	[[ -n ${BATS_TEST_COMPLETED:-} ]] || shared_repo_init
}

fresh_repo() {
	new_repo
	save_snapshot
}

# ---------------------------------------------------------------------------
# Success: one record, commits, shards

@test "add: one record from arguments prints its id, makes one commit and leaves a clean repository" {
	fresh_repo
	run_split ew add event_date=2026-11-20 cercle=Niono commune=Diabaly \
		category=attack severity=4 killed=2 \
		description='Armed men attacked the weekly market.'
	assert_equal "$status" 0
	assert_stderr_empty
	assert_output --regexp "^$ULID_RE\$"
	id=$output
	assert_equal "$(commit_count)" 2
	assert_clean_repo
	assert_equal "$(head_message)" "$(printf 'Add report %s (attack, Niono, severity 4)\n\nEw-Action: add\nEw-Record: %s' "$id" "$id")"
	assert_equal "$(head_trailers)" "$(printf 'Ew-Action: add\nEw-Record: %s' "$id")"
	assert_equal "$(git show --name-only --format= HEAD)" reports/2026/11.csv
	run -0 git show HEAD:reports/2026/11.csv
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 "$HEADER"
	assert_line -n 1 "$id,2026-11-20,1,2026-11-28T12:00:00Z,2026-11-28T12:00:00Z,,,Ségou,Niono,Diabaly,,14.25,-5.99,3,attack,4,2,0,0,0,,,,new,,restricted,Armed men attacked the weekly market.,"
}

@test "add: defaults are filled in: precision, times, region, gazetteer coordinates, counts, status, sensitivity" {
	fresh_repo
	add_one
	run -0 bash -c "ew list --json $ADDED_ID | jq -c '{date_precision,reported_at,updated_at,region,latitude,longitude,geo_precision,severity,killed,injured,abducted,displaced,status,duplicate_of,sensitivity,channel,tags}'"
	assert_output '{"date_precision":1,"reported_at":"2026-11-28T12:00:00Z","updated_at":"2026-11-28T12:00:00Z","region":"Ségou","latitude":14.25,"longitude":-5.99,"geo_precision":3,"severity":null,"killed":0,"injured":0,"abducted":0,"displaced":0,"status":"new","duplicate_of":"","sensitivity":"restricted","channel":"","tags":""}'
}

@test "add: given coordinates are kept as written, with geo_precision 1" {
	fresh_repo
	add_one latitude=13.5 longitude=-6.25
	run -0 bash -c "ew list --fields latitude,longitude,geo_precision $ADDED_ID"
	assert_output "$(printf 'latitude,longitude,geo_precision\n13.5,-6.25,1')"
}

@test "add: every field given on the command line is stored as given" {
	fresh_repo
	run_split -0 ew add event_date=2026-11-27 date_precision=2 reporter=M-017 channel=sms \
		cercle=San commune=Somo location='Somo market' latitude=13.3 longitude=-4.9 geo_precision=2 \
		category=armed-presence severity=3 killed=0 injured=1 abducted=2 displaced=40 \
		actor1='Unidentified armed group' actor2='Civilians (Mali)' source='phone call' \
		status=verified sensitivity=confidential description='Twelve men, six motorbikes' tags='market;night'
	id=$output
	run -0 ew list --include-confidential "$id"
	assert_line -n 1 "$id,2026-11-27,2,2026-11-28T12:00:00Z,2026-11-28T12:00:00Z,M-017,sms,Ségou,San,Somo,Somo market,13.3,-4.9,2,armed-presence,3,0,1,2,40,Unidentified armed group,Civilians (Mali),phone call,verified,,confidential,\"Twelve men, six motorbikes\",market;night"
	assert_clean_repo
}

@test "add: the author is --author, else EW_AUTHOR, else the git identity; the committer is the git identity; the time is EW_NOW" {
	fresh_repo
	add_one --author 'A B <a@b.org>'
	assert_equal "$(git log -1 --format='%an <%ae>|%cn <%ce>|%at %ct')" "A B <a@b.org>|Test Operator <ops@example.org>|$EW_TEST_NOW_EPOCH $EW_TEST_NOW_EPOCH"
	EW_AUTHOR='Field Office <fo@example.org>' add_one
	assert_equal "$(git log -1 --format='%an <%ae>|%cn <%ce>')" 'Field Office <fo@example.org>|Test Operator <ops@example.org>'
	EW_AUTHOR='Field Office <fo@example.org>' add_one --author 'A B <a@b.org>'
	assert_equal "$(git log -1 --format='%an <%ae>')" 'A B <a@b.org>'
	add_one
	assert_equal "$(git log -1 --format='%an <%ae>')" 'Test Operator <ops@example.org>'
	assert_clean_repo
}

@test "add: EW_AUTHOR may be a name without an email" {
	fresh_repo
	EW_AUTHOR='Awa Coulibaly' add_one
	assert_equal "$(git log -1 --format='%an')" 'Awa Coulibaly'
	assert_clean_repo
}

@test "add: without a git identity the author is also the committer" {
	fresh_repo
	git config --global --unset user.name
	git config --global --unset user.email
	EW_AUTHOR='Awa Coulibaly <awa@example.org>' add_one
	assert_equal "$(git log -1 --format='%an <%ae>|%cn <%ce>')" 'Awa Coulibaly <awa@example.org>|Awa Coulibaly <awa@example.org>'
	assert_clean_repo
}

@test "add: a CSV batch on stdin is one commit; ids are printed in input order and increase" {
	fresh_repo
	cat >"$IN" <<-'EOF'
		event_date,commune,category,severity,channel
		2026-11-27,N'Goa,threat,2,sms
		2026-11-28,Kolongo,displacement,3,phone
		2026-11-01,Sokolo,attack,,
	EOF
	run_split -0 ew add <"$IN"
	assert_stderr_empty
	assert_equal "${#lines[@]}" 3
	for l in "${lines[@]}"; do [[ $l =~ ^$ULID_RE$ ]] || fail "not an id: '$l'"; done
	assert_equal "$(printf '%s\n' "${lines[@]}" | LC_ALL=C sort -u)" "$(printf '%s\n' "${lines[@]}")"
	assert_equal "$(commit_count)" 2
	assert_equal "$(head_message)" "$(printf 'Add 3 reports\n\nEw-Action: add\nEw-Record: %s\nEw-Record: %s\nEw-Record: %s' "${lines[@]}")"
	ids=("${lines[@]}")
	run -0 ew list --fields id,cercle,commune,category,severity,channel "${ids[0]}" "${ids[1]}" "${ids[2]}"
	assert_output "$(printf '%s\n' 'id,cercle,commune,category,severity,channel' \
		"${ids[2]},Niono,Sokolo,attack,," \
		"${ids[0]},San,N'Goa,threat,2,sms" \
		"${ids[1]},Macina,Kolongo,displacement,3,phone")"
	assert_clean_repo
}

@test "add: '-' reads the records from stdin" {
	fresh_repo
	printf 'event_date,cercle,category\n2026-11-20,Bla,looting\n' >"$IN"
	run_split -0 ew add - <"$IN"
	assert_output --regexp "^$ULID_RE\$"
	assert_field "$output" cercle Bla
	assert_clean_repo
}

@test "add: NDJSON input is detected (after blank lines) and takes numbers or strings" {
	fresh_repo
	printf '\n  \n{"event_date":"2026-11-20","cercle":"Niono","category":"attack","severity":4,"killed":2}\n{"event_date":"2026-11-21","commune":"Markala","category":"threat","severity":"2","latitude":13.7,"longitude":-6.07}\n' >"$IN"
	run_split -0 ew add <"$IN"
	assert_stderr_empty
	assert_equal "${#lines[@]}" 2
	run -0 bash -c "ew list --json ${lines[0]} ${lines[1]} | jq -c '[.cercle,.commune,.severity,.killed,.latitude,.longitude,.geo_precision]'"
	assert_output "$(printf '%s\n' '["Niono","",4,2,14.25,-5.99,3]' '["Ségou","Markala",2,0,13.7,-6.07,1]')"
	assert_equal "$(head_message | head -1)" 'Add 2 reports'
	assert_clean_repo
}

@test "add: NDJSON null is an empty field" {
	fresh_repo
	printf '{"event_date":"2026-11-20","cercle":"Niono","category":"attack","severity":null,"description":null,"killed":null}\n' >"$IN"
	run -0 ew add <"$IN"
	run -0 bash -c "ew list --json $output | jq -c '[.severity,.description,.killed]'"
	assert_output '[null,"",0]'
}

@test "add: a UTF-8 byte order mark is skipped and CRLF line ends are accepted" {
	fresh_repo
	printf '\xef\xbb\xbfevent_date,cercle,category\r\n2026-11-20,Niono,attack\r\n2026-11-21,San,clash\r\n' >"$IN"
	run_split -0 ew add <"$IN"
	assert_equal "${#lines[@]}" 2
	run -0 ew list --fields event_date,cercle,category
	assert_output "$(printf '%s\n' event_date,cercle,category 2026-11-20,Niono,attack 2026-11-21,San,clash)"
	assert_clean_repo
}

@test "add: empty input adds nothing, says so, and exits 0" {
	run_split -0 ew add </dev/null
	assert_stderr 'ew-add: stdin: no records to add'
	assert_stdout_empty
	assert_repo_unchanged
	printf 'event_date,cercle,category\n' >"$IN"
	run_split -0 ew add <"$IN"
	assert_stderr 'ew-add: stdin: no records to add'
	assert_stdout_empty
	assert_repo_unchanged
}

@test "add: --dry-run and -n check and print ids but write nothing" {
	run_split -0 ew add --dry-run event_date=2026-11-20 cercle=Niono category=attack
	assert_output --regexp "^$ULID_RE\$"
	assert_stderr_empty
	assert_repo_unchanged
	printf 'event_date,cercle,category\n2026-11-20,Niono,attack\n2026-11-21,San,clash\n' >"$IN"
	run_split -0 ew add -n <"$IN"
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 --regexp "^$ULID_RE\$"
	assert_line -n 1 --regexp "^$ULID_RE\$"
	assert_repo_unchanged
}

@test "add: --dry-run still reports errors with exit 2" {
	run_split -2 ew add -n event_date=2026-11-20 cercle=Nionoo category=attack
	assert_rejected "ew-add: arguments: unknown cercle 'Nionoo' (did you mean 'Niono'?)"
}

@test "add: -C DIR adds to that repository from anywhere" {
	fresh_repo
	mkdir "$BATS_TEST_TMPDIR/elsewhere"
	cd "$BATS_TEST_TMPDIR/elsewhere"
	run -0 ew add -C "$BATS_TEST_TMPDIR/repo" event_date=2026-11-20 cercle=Niono category=attack
	assert_output --regexp "^$ULID_RE\$"
	assert_equal "$(commit_count "$BATS_TEST_TMPDIR/repo")" 2
	assert_clean_repo "$BATS_TEST_TMPDIR/repo"
}

@test "add: records go to the shard of their event_date month, sorted by event_date then id" {
	fresh_repo
	cat >"$IN" <<-'EOF'
		event_date,cercle,category
		2026-11-20,Niono,attack
		2026-11-05,Niono,attack
		2026-10-31,San,clash
		2025-12-31,Bla,threat
		2026-11-12,Niono,attack
		2026-11-12,Niono,ied
	EOF
	run -0 ew add <"$IN"
	ids=("${lines[@]}")
	assert_equal "$(git ls-tree -r --name-only HEAD reports)" "$(printf '%s\n' reports/2025/12.csv reports/2026/10.csv reports/2026/11.csv)"
	run -0 bash -c 'git show HEAD:reports/2026/11.csv | cut -d, -f1,2'
	assert_output "$(printf '%s\n' id,event_date "${ids[1]},2026-11-05" "${ids[4]},2026-11-12" "${ids[5]},2026-11-12" "${ids[0]},2026-11-20")"
	run -0 bash -c 'git show HEAD:reports/2025/12.csv | cut -d, -f1,2'
	assert_output "$(printf '%s\n' id,event_date "${ids[3]},2025-12-31")"
	assert_clean_repo
}

@test "add: a later batch is merged into the existing shard in (event_date, id) order" {
	fresh_repo
	add_one event_date=2026-11-20
	a=$ADDED_ID
	add_one event_date=2026-11-02
	b=$ADDED_ID
	add_one event_date=2026-11-25
	c=$ADDED_ID
	run -0 bash -c 'git show HEAD:reports/2026/11.csv | cut -d, -f1'
	assert_output "$(printf '%s\n' id "$b" "$a" "$c")"
	assert_equal "$(commit_count)" 4
	assert_clean_repo
}

@test "add: the plain git client reads the shard that was committed" {
	fresh_repo
	add_one description='seen from git'
	run -0 git show HEAD:reports/2026/11.csv
	assert_line -n 0 "$HEADER"
	assert_line -n 1 --partial "$ADDED_ID,2026-11-20,"
	assert_line -n 1 --partial ',seen from git,'
	cmp reports/2026/11.csv <(git show HEAD:reports/2026/11.csv)
}

# ---------------------------------------------------------------------------
# Gazetteer: canonical names

@test "add: accent-free and upper-case cercle names are stored canonically (segou → Ségou, BAROUELI → Barouéli)" {
	fresh_repo
	add_one cercle=segou severity=1
	assert_field "$ADDED_ID" cercle Ségou
	assert_field "$ADDED_ID" region Ségou
	assert_equal "$(head_message | head -1)" "Add report $ADDED_ID (attack, Ségou, severity 1)"
	add_one cercle=BAROUELI
	assert_field "$ADDED_ID" cercle Barouéli
	assert_clean_repo
}

@test "add: a cercle alias is stored canonically (Massina → Macina)" {
	fresh_repo
	add_one cercle=Massina severity=2
	assert_field "$ADDED_ID" cercle Macina
	assert_equal "$(head_message | head -1)" "Add report $ADDED_ID (attack, Macina, severity 2)"
}

@test "add: a commune written with a space for its hyphen is stored canonically (Kala Siguida → Kala-Siguida) and gives its cercle" {
	fresh_repo
	run -0 ew add event_date=2026-11-20 category=attack 'commune=Kala Siguida'
	id=$output
	run -0 ew list --fields region,cercle,commune "$id"
	assert_output "$(printf '%s\n' region,cercle,commune 'Ségou,Niono,Kala-Siguida')"
}

@test "add: apostrophes and case are ignored in commune names (ngara → N'Gara)" {
	fresh_repo
	add_one cercle=segou commune=ngara
	run -0 ew list --fields cercle,commune "$ADDED_ID"
	assert_output "$(printf '%s\n' cercle,commune "Ségou,N'Gara")"
}

@test "add: a commune alone identifies its cercle" {
	fresh_repo
	run -0 ew add event_date=2026-11-20 category=attack commune=diabaly
	run -0 ew list --fields cercle,commune "$output"
	assert_output "$(printf '%s\n' cercle,commune Niono,Diabaly)"
}

@test "add: the ambiguous commune Somo is accepted with its cercle" {
	fresh_repo
	add_one cercle=San commune=Somo
	run -0 ew list --fields cercle,commune "$ADDED_ID"
	assert_output "$(printf '%s\n' cercle,commune San,Somo)"
	add_one cercle=baroueli commune=somo
	run -0 ew list --fields cercle,commune "$ADDED_ID"
	assert_output "$(printf '%s\n' cercle,commune Barouéli,Somo)"
}

# ---------------------------------------------------------------------------
# Bad input: exit 2, the message, nothing written

@test "add: an unknown cercle is rejected, with a suggestion when one is close, and writes nothing" {
	run_split -2 ew add event_date=2026-11-20 cercle=Nionoo category=attack
	assert_rejected "ew-add: arguments: unknown cercle 'Nionoo' (did you mean 'Niono'?)"
	printf 'event_date,cercle,category\n2026-11-20,Niono,attack\n2026-11-20,Nionoo,attack\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:3: unknown cercle 'Nionoo' (did you mean 'Niono'?)"
	run_split -2 ew add event_date=2026-11-20 cercle=Timbuktu category=attack
	assert_rejected_regex "^ew-add: arguments: unknown cercle 'Timbuktu'"
}

@test "add: an unknown commune is rejected and writes nothing" {
	run_split -2 ew add event_date=2026-11-20 cercle=Niono commune=Xyzzyville category=attack
	assert_rejected_regex "^ew-add: arguments: unknown commune 'Xyzzyville'"
}

@test "add: the commune Somo alone is ambiguous and asks for cercle=" {
	printf 'event_date,commune,category\n2026-11-20,Diabaly,attack\n2026-11-20,Markala,attack\n2026-11-20,Somo,attack\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:4: commune 'Somo' is ambiguous (in Barouéli, San): give cercle= too"
}

@test "add: a commune in the wrong cercle is rejected, naming its cercle" {
	printf 'event_date,cercle,commune,category\n2026-11-20,Niono,Diabaly,attack\n2026-11-20,San,Diabaly,attack\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:3: commune 'Diabaly' is not in cercle 'San' (it is in Niono)"
}

@test "add: an unknown category is rejected with a suggestion" {
	printf 'event_date,cercle,category\n2026-11-20,Niono,attack\n2026-11-20,Niono,atack\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:3: unknown category 'atack' (did you mean 'attack'?)"
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=displacment
	assert_rejected "ew-add: arguments: unknown category 'displacment' (did you mean 'displacement'?)"
}

@test "add: every category of the taxonomy is accepted" {
	fresh_repo
	{
		echo event_date,cercle,category
		for c in attack clash ied abduction sexual-violence threat armed-presence looting displacement \
			intercommunal-tension hate-speech recruitment arrest protest peace-initiative; do
			echo "2026-11-20,Niono,$c"
		done
	} >"$IN"
	run_split -0 ew add <"$IN"
	assert_equal "${#lines[@]}" 15
	assert_clean_repo
}

@test "add: a missing event_date, category or cercle (and no commune) is rejected" {
	printf 'event_date,cercle,category\n,Niono,attack\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected 'ew-add: stdin:2: missing event_date'
	run_split -2 ew add cercle=Niono category=attack
	assert_rejected 'ew-add: arguments: missing event_date'
	run_split -2 ew add event_date=2026-11-20 cercle=Niono
	assert_rejected_regex "^ew-add: arguments: missing category"
	run_split -2 ew add event_date=2026-11-20 category=attack
	assert_rejected_regex "^ew-add: arguments: missing cercle"
}

@test "add: impossible or badly written dates are rejected" {
	for d in 2023-02-30 2025-02-29 2026-13-01 2026-00-10 2026-11-00 2026-11-31 2026-11-5 20261120 2026/11/20 \
		yesterday 26-11-20 ' 2026-11-20' '2026-11-20x'; do
		run_split -2 ew add "event_date=$d" cercle=Niono category=attack
		assert_rejected_msg "ew-add: arguments: invalid event_date '$d' (expected a date YYYY-MM-DD)"
	done
	assert_repo_unchanged
}

@test "add: dates in the future are rejected; tomorrow and leap days are accepted" {
	fresh_repo
	run_split -2 ew add event_date=2026-11-30 cercle=Niono category=attack
	assert_rejected "ew-add: arguments: event_date '2026-11-30' is in the future"
	printf 'event_date,cercle,category\n2031-01-01,Niono,attack\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:2: event_date '2031-01-01' is in the future"
	printf 'event_date,cercle,category\n2026-11-29,Niono,attack\n2024-02-29,Niono,attack\n2026-11-28,Niono,attack\n' >"$IN"
	run -0 ew add <"$IN"
	assert_equal "${#lines[@]}" 3
	assert_clean_repo
}

@test "add: the future is judged from EW_NOW" {
	fresh_repo
	EW_NOW=2031-01-01T00:00:00Z run -0 ew add event_date=2030-12-31 cercle=Niono category=attack
	assert_equal "$(git log -1 --format=%at)" "$(date -u -d 2031-01-01T00:00:00Z +%s)"
	assert_field "$output" reported_at 2031-01-01T00:00:00Z
}

@test "add: negative, fractional and non-numeric counts are rejected" {
	for kv in killed=-1 injured=1.5 abducted=abc displaced=1e3 killed=+2 injured=0x10; do
		f=${kv%%=*} v=${kv#*=}
		run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack "$kv"
		assert_rejected_msg "ew-add: arguments: invalid $f '$v' (expected a whole number, 0 or more)"
	done
	printf 'event_date,cercle,category,killed\n2026-11-20,Niono,attack,-1\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:2: invalid killed '-1' (expected a whole number, 0 or more)"
}

@test "add: a severity outside 1-5 is rejected; an empty severity is accepted" {
	fresh_repo
	for v in 0 6 7 -1 2.5 x; do
		run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack "severity=$v"
		assert_rejected_msg "ew-add: arguments: invalid severity '$v' (expected an integer from 1 to 5)"
	done
	assert_repo_unchanged
	add_one severity=
	assert_field "$ADDED_ID" severity ''
	add_one severity=5
	assert_field "$ADDED_ID" severity 5
}

@test "add: values outside the enumerations are rejected" {
	for kv in channel=fax status=open sensitivity=secret date_precision=4 date_precision=0; do
		f=${kv%%=*} v=${kv#*=}
		run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack "$kv"
		assert_rejected_msg_regex "^ew-add: arguments: invalid $f '$v'"
	done
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack latitude=14 longitude=-6 geo_precision=4
	assert_rejected_regex "^ew-add: arguments: invalid geo_precision '4'"
}

@test "add: every value of the enumerations is accepted" {
	fresh_repo
	{
		echo event_date,cercle,category,channel,status,sensitivity,date_precision
		for ch in sms phone in-person radio web email form other ''; do
			echo "2026-11-20,Niono,attack,$ch,new,public,1"
		done
		for st in new verified false closed; do
			echo "2026-11-20,Niono,attack,,$st,restricted,2"
		done
		for se in public restricted confidential; do
			echo "2026-11-20,Niono,attack,,,$se,3"
		done
	} >"$IN"
	run_split -0 ew add <"$IN"
	assert_equal "${#lines[@]}" 16
	assert_clean_repo
}

@test "add: coordinates must come in pairs and lie on the globe" {
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack latitude=14
	assert_rejected_regex "^ew-add: arguments: .*(latitude|longitude)"
	for kv in latitude=91 latitude=-90.5 latitude=north; do
		v=${kv#*=}
		run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack "$kv" longitude=0
		assert_rejected_msg_regex "^ew-add: arguments: invalid latitude '$v'"
	done
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack latitude=0 longitude=180.01
	assert_rejected_regex "^ew-add: arguments: invalid longitude '180.01'"
}

@test "add: status=duplicate requires duplicate_of, and duplicate_of requires status=duplicate" {
	fresh_repo
	add_one
	first=$ADDED_ID
	save_snapshot
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack status=duplicate
	assert_rejected_regex "^ew-add: arguments: .*duplicate_of"
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack "duplicate_of=$first"
	assert_rejected_regex "^ew-add: arguments: .*duplicate"
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack status=duplicate duplicate_of=not-an-id
	assert_rejected_regex "^ew-add: arguments: .*duplicate_of"
	add_one status=duplicate "duplicate_of=$first"
	assert_field "$ADDED_ID" duplicate_of "$first"
	assert_clean_repo
}

@test "add: a record cannot be a duplicate of itself" {
	id=01JQ0000000000000000000001
	printf 'id,event_date,cercle,category,status,duplicate_of\n%s,2026-11-20,Niono,attack,duplicate,%s\n' $id $id >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected_regex "^ew-add: stdin:2: .*duplicate"
}

@test "add: one-line fields reject newlines and other control characters" {
	for kv in $'location=a\nb' $'reporter=M\t17' $'actor1=x\ry' $'source=\e[31m' $'tags=a;\nb' $'actor2=\x7f'; do
		f=${kv%%=*}
		run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack "$kv"
		assert_rejected_msg_regex "^ew-add: arguments: .*$f"
	done
	printf 'event_date,cercle,category,location\n2026-11-20,Niono,attack,"two\nlines"\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected_regex "^ew-add: stdin:2: .*location"
}

@test "add: an unknown column (CSV header, argument or NDJSON key) is rejected, pointing at ew.conf" {
	printf 'event_date,cercle,category,foo\n2026-11-20,Niono,attack,x\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:1: unknown column 'foo' (declare it in ew.conf as [record] extra-columns, or remove it)"
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack foo=x
	assert_rejected_regex "^ew-add: arguments: unknown (column|field) 'foo'"
	printf '{"event_date":"2026-11-20","cercle":"Niono","category":"attack"}\n{"event_date":"2026-11-20","cercle":"Niono","category":"attack","foo":1}\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:2: unknown column 'foo' (declare it in ew.conf as [record] extra-columns, or remove it)"
}

@test "add: columns declared in ew.conf are accepted and stored after the standard columns" {
	fresh_repo
	git config -f ew.conf record.extra-columns 'village_code, phone_area'
	git commit -q -am 'Declare extra columns'
	save_snapshot
	add_one village_code=SG-042
	run -0 git show HEAD:reports/2026/11.csv
	assert_line -n 0 "$HEADER,village_code,phone_area"
	assert_line -n 1 --regexp "^$ADDED_ID,.*,SG-042,\$"
	run -0 bash -c "ew list --json $ADDED_ID | jq -r '.village_code, .phone_area'"
	assert_output "$(printf 'SG-042\n')"
	assert_clean_repo
	save_snapshot
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack village=x
	assert_rejected_regex "^ew-add: arguments: unknown (column|field) 'village'"
}

@test "add: a data row in place of the header is rejected at line 1" {
	printf '2026-11-20,Niono,attack\n2026-11-21,San,clash\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_stdout_empty
	assert_repo_unchanged
	# the brief expects "unknown column '2026-11-20' ..."; a message that
	# says the header row is missing is as good
	assert_stderr_regex "^ew-add: stdin:1: (unknown column '2026-11-20'|no header row)"
	for l in "${stderr_lines[@]}"; do
		[[ $l == "ew-add: stdin:1: "* ]] || fail "unexpected error line: $l"
	done
}

@test "add: an unterminated quoted field and a row with too many or too few fields are rejected" {
	printf 'event_date,cercle,category,description\n2026-11-20,Niono,attack,ok\n2026-11-20,Niono,attack,"never closed\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected 'ew-add: stdin:3: unterminated quoted field'
	printf 'event_date,cercle,category\n2026-11-20,Niono,attack,extra\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected 'ew-add: stdin:2: expected 3 fields, found 4'
	printf 'event_date,cercle,category\n2026-11-20,Niono\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected 'ew-add: stdin:2: expected 3 fields, found 2'
}

@test "add: invalid UTF-8 is rejected, naming the field" {
	printf 'event_date,cercle,category,description\n2026-11-20,Niono,attack,caf\xff\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected 'ew-add: stdin:2: invalid UTF-8 in description'
	run_split -2 ew add event_date=2026-11-20 cercle=Niono category=attack "description=$(printf 'a\xffb')"
	assert_rejected 'ew-add: arguments: invalid UTF-8 in description'
	# overlong encoding, UTF-16 surrogate, beyond U+10FFFF, truncated sequence
	for bad in '\xc0\xaf' '\xed\xa0\x80' '\xf4\x90\x80\x80' '\xe2\x82'; do
		printf "event_date,cercle,category,location\n2026-11-20,Niono,attack,x${bad}y\n" >"$IN"
		run_split -2 ew add <"$IN"
		assert_rejected_msg 'ew-add: stdin:2: invalid UTF-8 in location'
	done
	assert_repo_unchanged
}

@test "add: a NUL byte in the input is rejected, also as a JSON \\u0000 escape" {
	printf 'event_date,cercle,category,description\n2026-11-20,Niono,attack,a\0b\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected 'ew-add: stdin:2: NUL byte in input'
	# a JSON escape must not smuggle one in (nor cut the value short)
	printf '{"event_date":"2026-11-20","cercle":"Niono","category":"attack","description":"a\\u0000b"}\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected_regex '^ew-add: stdin:1: .*NUL'
}

@test "add: in a batch of 5 where the 4th record is bad nothing is written and line 5 is named" {
	cat >"$IN" <<-'EOF'
		event_date,cercle,category,severity
		2026-11-20,Niono,attack,1
		2026-11-21,Niono,attack,2
		2026-11-22,Niono,attack,3
		2026-11-23,Niono,attack,9
		2026-11-24,Niono,attack,5
	EOF
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:5: invalid severity '9' (expected an integer from 1 to 5)"
}

@test "add: an error names the line where its record starts, after multi-line fields" {
	printf 'event_date,cercle,category,description\n2026-11-20,Niono,attack,"one\ntwo\nthree"\n2026-11-20,Niono,atack,x\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:5: unknown category 'atack' (did you mean 'attack'?)"
}

@test "add: every bad record of a batch is reported, each on its own line" {
	cat >"$IN" <<-'EOF'
		event_date,cercle,category,killed
		2026-11-20,Nionoo,attack,0
		2026-11-21,Niono,attack,1
		2026-11-22,Niono,attack,-1
	EOF
	run_split -2 ew add <"$IN"
	assert_rejected "$(printf '%s\n' "ew-add: stdin:2: unknown cercle 'Nionoo' (did you mean 'Niono'?)" "ew-add: stdin:4: invalid killed '-1' (expected a whole number, 0 or more)")"
}

@test "add: NDJSON errors name the line of the record; a line that is not a JSON object is rejected" {
	printf '{"event_date":"2026-11-20","cercle":"Niono","category":"attack"}\n\n{"event_date":"2026-11-20","cercle":"Niono","category":"atack"}\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:3: unknown category 'atack' (did you mean 'attack'?)"
	printf '{"event_date":"2026-11-20","cercle":"Niono","category":"attack"}\n{"event_date": 2026-11-20\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected_regex "^ew-add: stdin:2: "
	# one error, one line: the message must not carry the input's newline
	assert_equal "${#stderr_lines[@]}" 1
	printf '{"event_date":"2026-11-20","cercle":"Niono","category":"attack"}\n[1,2]\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected_regex "^ew-add: stdin:2: "
}

# ---------------------------------------------------------------------------
# Ids

@test "add: a given id is kept, lower case is upper-cased, and reported_at is kept" {
	fresh_repo
	printf 'id,event_date,reported_at,cercle,category\n01jq0000000000000000000abc,2026-11-20,2026-11-21T08:30:00Z,Niono,attack\n' >"$IN"
	run_split -0 ew add <"$IN"
	assert_output 01JQ0000000000000000000ABC
	run -0 ew list --fields id,reported_at,updated_at
	assert_output "$(printf '%s\n' id,reported_at,updated_at 01JQ0000000000000000000ABC,2026-11-21T08:30:00Z,2026-11-28T12:00:00Z)"
	assert_equal "$(head_trailers)" "$(printf 'Ew-Action: add\nEw-Record: 01JQ0000000000000000000ABC')"
	assert_clean_repo
}

@test "add: an id that already exists is rejected" {
	fresh_repo
	printf 'id,event_date,cercle,category\n01JQ0000000000000000000001,2026-11-20,Niono,attack\n' >"$IN"
	run -0 ew add <"$IN"
	save_snapshot
	run_split -2 ew add <"$IN"
	assert_rejected "ew-add: stdin:2: id '01JQ0000000000000000000001' already exists"
}

@test "add: the same id twice in one batch is rejected" {
	printf 'id,event_date,cercle,category\n01JQ0000000000000000000001,2026-11-20,Niono,attack\n01JQ0000000000000000000001,2026-11-21,Niono,attack\n' >"$IN"
	run_split -2 ew add <"$IN"
	assert_rejected_regex "^ew-add: stdin:3: .*'01JQ0000000000000000000001'"
}

@test "add: malformed ids and times are rejected" {
	for id in hello 01JQ000000000000000000000 01JQ0000000000000000000001X 01JQ000000000000000000000U; do
		printf 'id,event_date,cercle,category\n%s,2026-11-20,Niono,attack\n' "$id" >"$IN"
		run_split -2 ew add <"$IN"
		assert_rejected_msg_regex "^ew-add: stdin:2: invalid id '$id'"
	done
	for t in 2026-11-20 '2026-11-20 10:00:00' 2026-11-20T25:00:00Z; do
		printf 'event_date,cercle,category,reported_at\n2026-11-20,Niono,attack,%s\n' "$t" >"$IN"
		run_split -2 ew add <"$IN"
		assert_rejected_msg_regex "^ew-add: stdin:2: invalid reported_at '$t'"
	done
	assert_repo_unchanged
}

# ---------------------------------------------------------------------------
# Concurrency

@test "add: concurrent writers are serialised: every add is its own commit" {
	fresh_repo
	for i in 1 2 3 4 5; do
		ew add event_date=2026-11-2$i cercle=Niono category=attack >"$BATS_TEST_TMPDIR/out.$i" 2>&1 &
		pids+=($!)
	done
	for i in 0 1 2 3 4; do
		wait "${pids[$i]}" || fail "writer $((i + 1)) failed: $(cat "$BATS_TEST_TMPDIR/out.$((i + 1))")"
	done
	assert_equal "$(commit_count)" 6
	assert_equal "$(ew list --count)" 5
	assert_clean_repo
}

@test "add: something staged with git add is refused, not committed under ew's message" {
	fresh_repo
	echo 'a note' >notes.txt
	git add notes.txt
	save_snapshot
	run_split -2 ew add event_date=2026-11-21 cercle=Niono category=attack
	assert_rejected "ew-add: the index has staged changes ('notes.txt'); commit them, or unstage them with 'git reset', first"
	git reset -q
	rm notes.txt
	add_one
	assert_equal "$(git show --format= --name-only HEAD)" "reports/2026/11.csv"
	assert_clean_repo
}

@test "add: a hand edit of the shard is refused, even one that keeps the file's size and times" {
	fresh_repo
	add_one
	f=reports/2026/11.csv
	# an index written well after the file: its entry is not racily clean
	touch -d '-1 minute' "$f"
	git update-index -q --refresh
	cp -p "$f" "$BATS_TEST_TMPDIR/orig"
	before=$(stat -c %i.%s.%Y "$f")
	# the same inode, size and modification time: only the change time tells
	sed 's/,Niono,/,NIONO,/' "$f" >"$BATS_TEST_TMPDIR/edited"
	cat "$BATS_TEST_TMPDIR/edited" >"$f"
	touch -r "$BATS_TEST_TMPDIR/orig" "$f"
	assert_equal "$(stat -c %i.%s.%Y "$f")" "$before"
	save_snapshot
	run_split -2 ew add event_date=2026-11-21 cercle=Niono category=attack
	assert_rejected "ew-add: '$f' has uncommitted changes; commit them or discard them with 'git checkout -- $f'"
	# (git, comparing the times in whole seconds, may not see the edit)
	cat "$BATS_TEST_TMPDIR/orig" >"$f"
	add_one
	assert_equal "$(ew list --count)" 2
	assert_clean_repo
}

@test "add: a shard deleted from the work tree is refused, and restored it is used" {
	fresh_repo
	add_one
	rm reports/2026/11.csv
	save_snapshot
	run_split -2 ew add event_date=2026-11-21 cercle=Niono category=attack
	assert_rejected "ew-add: 'reports/2026/11.csv' is committed but missing from the work tree; restore it with 'git checkout -- reports/2026/11.csv'"
	git checkout -q -- reports/2026/11.csv
	add_one
	assert_equal "$(ew list --count)" 2
	assert_clean_repo
}

@test "add: a shard whose times changed but not its bytes is read and written as usual" {
	fresh_repo
	add_one
	first=$ADDED_ID
	touch -d '2001-01-01' reports/2026/11.csv
	add_one
	assert_equal "$(git show --format= --stat HEAD | head -1)" " reports/2026/11.csv | 1 +"
	assert_equal "$(list_ids | sort)" "$(printf '%s\n' "$first" "$ADDED_ID" | sort)"
	assert_clean_repo
}

@test "add: the index keeps the new file's stat data, so git sees it clean without reading it" {
	fresh_repo
	add_one
	add_one
	# diff-files compares stat data only, and does not refresh the index
	run -0 git diff-files --name-only
	assert_output ''
	run -0 git ls-files --debug reports/2026/11.csv
	assert_output --partial "size: $(stat -c %s reports/2026/11.csv)"
}

@test "add: new rows go into the committed bytes; a hand-made line stays as it is, and the diff is the added rows" {
	fresh_repo
	add_one description='x, y'
	first=$ADDED_ID
	f=reports/2026/11.csv
	sed -i 's/,Niono,/,"Niono",/' "$f"
	git commit -q -am 'quote a cercle by hand'
	cp "$f" "$BATS_TEST_TMPDIR/before"
	run_split -0 ew add event_date=2026-11-01 cercle=Niono category=attack
	early=$output
	run_split -0 ew add event_date=2026-11-27 cercle=Niono category=attack
	late=$output
	assert_equal "$(git diff --numstat HEAD~2 HEAD)" "$(printf '2\t0\t%s' "$f")"
	# the header, the early row, the hand-made line as it was, the late row
	assert_equal "$(sed -n 3p "$f")" "$(sed -n 2p "$BATS_TEST_TMPDIR/before")"
	assert_equal "$(sed -n 2p "$f" | cut -d, -f1)" "${early%$'\n'}"
	assert_equal "$(sed -n 4p "$f" | cut -d, -f1)" "${late%$'\n'}"
	assert_equal "$(wc -l <"$f")" 4
	assert_equal "$(list_ids)" "$(printf '%s\n' "$first" "${early%$'\n'}" "${late%$'\n'}" | LC_ALL=C sort)"
	assert_clean_repo
}

@test "add: with ids in the input every shard is read to check them, and a hand-made line is written in ew's form" {
	fresh_repo
	add_one
	f=reports/2026/11.csv
	sed -i 's/,Niono,/,"Niono",/' "$f"
	git commit -q -am 'quote a cercle by hand'
	run_split -0 ew add id=01KQ0000000000000000000000 event_date=2026-11-21 cercle=Niono category=attack
	run grep -c '"Niono"' "$f"
	assert_output 0
	assert_equal "$(git diff --numstat HEAD~1 HEAD)" "$(printf '2\t1\t%s' "$f")"
	assert_clean_repo
}

@test "add: a shard with CRLF line ends is read and written whole, in ew's form" {
	fresh_repo
	add_one
	first=$ADDED_ID
	f=reports/2026/11.csv
	sed -i 's/$/\r/' "$f"
	git commit -q -am 'CRLF line ends'
	add_one
	run grep -c $'\r' "$f"
	assert_output 0
	assert_equal "$(wc -l <"$f")" 3
	assert_equal "$(list_ids)" "$(printf '%s\n' "$first" "$ADDED_ID" | LC_ALL=C sort)"
	assert_clean_repo
}

@test "add: NDJSON numbers in exponent form are stored as plain decimals" {
	fresh_repo
	printf '{"event_date":"2026-11-01","cercle":"Niono","category":"attack","latitude":1e-05,"longitude":-2.5E-3,"killed":1e1}\n' >"$BATS_TEST_TMPDIR/in.ndjson"
	run_split -0 ew add <"$BATS_TEST_TMPDIR/in.ndjson"
	run -0 ew list --fields latitude,longitude,killed,geo_precision
	assert_output "latitude,longitude,killed,geo_precision
0.00001,-0.0025,10,1"
}

@test "add: past 100 errors it stops, reports it, and leaks nothing" {
	{
		echo 'event_date,cercle,category'
		for i in $(seq 300); do echo '2026-11-03,Nionoo,atack'; done
	} >"$BATS_TEST_TMPDIR/bad.csv"
	run_split -2 ew add <"$BATS_TEST_TMPDIR/bad.csv"
	assert_stdout_empty
	assert_repo_unchanged
	assert_equal "${#stderr_lines[@]}" 101
	assert_equal "${stderr_lines[100]}" "ew-add: stopped after 100 errors; nothing was added"
}

@test "add: bytes of a message that are not UTF-8 are shown as U+FFFD" {
	printf 'event_date,cercle,category,n\xffm\n2026-11-03,Niono,attack,x\n' >"$BATS_TEST_TMPDIR/in.csv"
	run_split -2 ew add <"$BATS_TEST_TMPDIR/in.csv"
	assert_rejected "$(printf 'ew-add: stdin:1: unknown column '"'"'n\357\277\275m'"'"' (declare it in ew.conf as [record] extra-columns, or remove it)')"
}
