#!/usr/bin/env bats
# ew add --format acled|kobo|sms: records from partners' and field
# tools' formats, checked and committed as any other batch.

load helpers

setup() {
	ew_common_setup
	new_repo
}

# --- SMS ----------------------------------------------------------------

@test "sms: a message becomes a record, its id on stdout" {
	run --separate-stderr ew add --format sms <<<$'MON-NIO-01\tEW NIONO/DIABALY ATTAQUE S4 T2 B3 hommes armés à moto'
	assert_success
	assert_output --regexp "^$ULID_RE$"
	assert_stderr_empty
	local id=$output
	assert_field "$id" cercle Niono
	assert_field "$id" commune Diabaly
	assert_field "$id" category attack
	assert_field "$id" severity 4
	assert_field "$id" killed 2
	assert_field "$id" injured 3
	assert_field "$id" channel sms
	assert_field "$id" reporter MON-NIO-01
	assert_field "$id" event_date 2026-11-28
	assert_field "$id" description 'hommes armés à moto'
	assert_clean_repo
}

@test "sms: several messages, case, accents, order, misspellings, blank lines" {
	run --separate-stderr ew add --format sms <<'EOF2'
ew noino/diablay ataque t1 s3 j-2

E.W SEGOU/MARKALA menace S2 lettre au chef
EW: San/Sy Enlèvement E=3 S:4
EOF2
	assert_success
	assert_equal "${#lines[@]}" 3
	run ew list --fields cercle,commune,category,severity,killed,abducted,event_date
	# a count the message does not give is 0, as in any new record
	assert_line 'Niono,Diabaly,attack,3,1,0,2026-11-26'
	assert_line 'Ségou,Markala,threat,2,0,0,2026-11-28'
	assert_line 'San,Sy,abduction,4,0,3,2026-11-28'
	run head_message
	assert_line 'Add 3 reports'
}

@test "sms: a rejected message gets a reply, on stderr and in --replies, and nothing is added" {
	save_snapshot
	run --separate-stderr ew add --format sms --replies "$BATS_TEST_TMPDIR/replies" <<'EOF2'
EW NIONO ATTAQUE S4
EW NIOOONO ATTAQUE
bonjour
EW SOMO PILLAGE
EOF2
	assert_failure 2
	assert_output ''
	assert_stderr_regex "^ew-add: stdin:2: Unknown place 'NIOOONO': did you mean NIONO\\?"
	assert_stderr_regex "stdin:3: "
	assert_stderr_regex "stdin:4: Commune SOMO is in cercles BAROUELI and SAN"
	assert_repo_unchanged
	# one line for each rejected message: LINE<TAB>REPLY, the reply without prefix
	run cat "$BATS_TEST_TMPDIR/replies"
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --regexp $'^2\tUnknown place \'NIOOONO\': did you mean NIONO\\? Send: EW '
	assert_line --index 1 --regexp $'^3\t.+'
	assert_line --index 2 --regexp $'^4\tCommune SOMO is in cercles BAROUELI and SAN'
	local l
	for l in "${lines[@]}"; do
		l=${l#*$'\t'}
		((${#l} <= 160)) || fail "reply longer than an SMS: $l"
	done
}

@test "sms: --replies is emptied when every message is added" {
	echo stale >"$BATS_TEST_TMPDIR/replies"
	run ew add --format sms --replies "$BATS_TEST_TMPDIR/replies" <<<'EW BLA DEPLACEMENT D150 familles'
	assert_success
	[[ ! -s $BATS_TEST_TMPDIR/replies ]] || fail "replies: $(cat "$BATS_TEST_TMPDIR/replies")"
	assert_field "$output" displaced 150
}

@test "sms: a gazetteer edited into a commune without its cercle: the message still gets a reply" {
	echo 'commune,Zanfina,Nowhere,,,' >>places.csv
	run --separate-stderr ew add --format sms --replies "$BATS_TEST_TMPDIR/replies" <<<'EW ZANFINA ATTAQUE'
	assert_failure 2
	assert_stderr_regex '^ew-add: stdin:1: '
	run cat "$BATS_TEST_TMPDIR/replies"
	assert_equal "${#lines[@]}" 1
	assert_line --index 0 --regexp $'^1\tCommune ZANFINA has no cercle in the gazetteer'
	refute_line --index 0 --partial 'stdin:'
}

@test "sms: a message that cannot be read at all still gets a reply" {
	printf 'EW NIONO ATTAQUE\nEW NIONO\0 ATTAQUE\n' >"$BATS_TEST_TMPDIR/sms"
	run --separate-stderr ew add --format sms --replies "$BATS_TEST_TMPDIR/replies" <"$BATS_TEST_TMPDIR/sms"
	assert_failure 2
	run cat "$BATS_TEST_TMPDIR/replies"
	assert_equal "${#lines[@]}" 1
	assert_line --index 0 --regexp $'^2\t.*EW CERCLE/COMMUNE TYPE'
}

@test "sms: --replies and --mapping are for their formats only; --format with arguments is refused" {
	run --separate-stderr ew add --replies r.txt <<<'x'
	assert_failure 2
	assert_stderr_regex '^ew-add: --replies is for --format sms'$'\n''usage: '
	run --separate-stderr ew add --format acled --mapping kobo <<<'x'
	assert_failure 2
	assert_stderr_regex '^ew-add: --mapping is for --format kobo'$'\n''usage: '
	run --separate-stderr ew add --format sms event_date=2026-11-20
	assert_failure 2
	assert_stderr_regex 'cannot be used with FIELD=VALUE arguments'
	run --separate-stderr ew add --format xml <<<'x'
	assert_failure 2
	assert_stderr_regex "^ew-add: unknown format 'xml' \\(expected csv, json, acled, kobo or sms\\)"$'\n'
	[[ ! -e r.txt ]]
}

@test "sms: a replies file that cannot be written stops before anything is added" {
	save_snapshot
	run --separate-stderr ew add --format sms --replies /nonexistent/dir/r <<<'EW NIONO ATTAQUE'
	assert_failure 2
	assert_stderr_regex '^ew-add: cannot write the replies to /nonexistent/dir/r: '
	assert_repo_unchanged
}

@test "sms: --dry-run checks the messages and adds nothing" {
	save_snapshot
	run ew add -n --format sms <<<'EW NIONO ATTAQUE S4'
	assert_success
	assert_output --regexp "^$ULID_RE$"
	assert_repo_unchanged
}

# --- ACLED --------------------------------------------------------------

ACLED_HEADER=event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp

# The columns an ACLED row carries back (ew-list(1), ACLED).
ACLED_MAPPED=id,event_date,date_precision,actor1,actor2,region,cercle,commune,location,latitude,longitude,geo_precision,source,description,killed,tags,updated_at,category

@test "acled: export then import gives back every mapped field, for every category" {
	local cats c n=0
	cats=$(tail -n +2 "$EW_SHAREDIR/categories.csv" | cut -d, -f1)
	local total=$(($(wc -l <<<"$cats") + 1))
	{
		echo 'event_date,date_precision,cercle,commune,location,latitude,longitude,category,killed,actor1,actor2,source,description,tags'
		for c in $cats; do
			n=$((n + 1))
			echo "2026-11-$((n + 10)),$((n % 3 + 1)),Niono,Diabaly,Marché $n,14.68,-6.01,$c,$((n % 4)),Groupe armé $n,Civils,témoin,\"Récit $n, avec virgule\",tag$n"
		done
		echo '2026-10-02,1,San,,,,,threat,0,,,,,'
	} | ew add >/dev/null
	ew list --include-confidential --format acled >"$BATS_TEST_TMPDIR/acled.csv"
	ew list --include-confidential --fields "$ACLED_MAPPED" | sort >"$BATS_TEST_TMPDIR/before"
	new_repo "$BATS_TEST_TMPDIR/b"
	run --separate-stderr ew add --format acled <"$BATS_TEST_TMPDIR/acled.csv"
	assert_success
	assert_equal "${#lines[@]}" "$total"
	ew list --include-confidential --fields "$ACLED_MAPPED" | sort >"$BATS_TEST_TMPDIR/after"
	run diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	assert_success
	# the same file again: the ids are there already
	run --separate-stderr ew add --format acled <"$BATS_TEST_TMPDIR/acled.csv"
	assert_failure 2
	assert_stderr_regex "id '$ULID_RE' already exists"
}

@test "acled: rows written in ACLED's own format for Ségou events" {
	{
		echo "$ACLED_HEADER"
		echo "MLI32671,2024-03-05,2024,1,Political violence,Violence against civilians,Attack,JNIM: Jama'at Nusrat al-Islam wal Muslimin,,2,Civilians (Mali),,7,27,Civilian targeting,466,Western Africa,Mali,Segou,Niono,Diabaly,Diabaly,14.6832,-6.0139,1,Undisclosed Source,Local partner-Other,\"On 5 March 2024, JNIM militants attacked the weekly market of Diabaly, killing 2 traders.\",2,,1710172800"
		echo "MLI32702,12 March 2024,2024,1,Political violence,Battles,Armed clash,Military Forces of Mali (2021-),,1,JNIM: Jama'at Nusrat al-Islam wal Muslimin,,2,12,,466,Western Africa,Mali,SEGOU,macina,Kokry Centre,Kokry,13.9833,-5.5167,2,Studio Tamani,National,Clash near Kokry.,5,,1710777600"
		echo "MLI32750,2024-03-20,2024,2,Strategic developments,Strategic developments,Other,Dan na Ambassagou,,3,,,,30,,466,Western Africa,Mali,Ségou,San,,San,13.3,-4.9,3,Local sources,Local partner-Other,Threats against villagers.,0,ew-category=threat,1711000000"
	} >"$BATS_TEST_TMPDIR/rows.csv"
	run --separate-stderr ew add --format acled <"$BATS_TEST_TMPDIR/rows.csv"
	assert_success
	assert_equal "${#lines[@]}" 3
	run ew list --fields event_date,cercle,commune,category,killed,actor1,tags --since 2024-01-01
	assert_line "2024-03-05,Niono,Diabaly,attack,2,JNIM: Jama'at Nusrat al-Islam wal Muslimin,acled:MLI32671"
	assert_line '2024-03-12,Macina,Kokry centre,clash,5,Military Forces of Mali (2021-),acled:MLI32702'
	assert_line '2024-03-20,San,,threat,0,Dan na Ambassagou,acled:MLI32750'
	run ew list --fields description,updated_at --where '.tags == "acled:MLI32671"'
	assert_line --partial 'attacked the weekly market of Diabaly'
	assert_line --partial '2024-03-11T16:00:00Z'
}

@test "acled: an unknown place is reported with a suggestion, never guessed; nothing is added" {
	save_snapshot
	{
		echo "$ACLED_HEADER"
		echo "MLI1,2024-03-05,2024,1,Political violence,Violence against civilians,Attack,,,,,,,,,466,Western Africa,Mali,Segou,Nionoo,,,,,,,,,0,,"
		echo "MLI2,2024-03-05,2024,1,Political violence,Violence against civilians,Attack,,,,,,,,,466,Western Africa,Mali,Mopti,Bandiagara,,,,,,,,,0,,"
		echo "MLI3,2024-03-05,2024,1,Strategic developments,Strategic developments,Other,,,,,,,,,466,Western Africa,Mali,Segou,San,,,,,,,,,0,,"
	} >"$BATS_TEST_TMPDIR/rows.csv"
	run --separate-stderr ew add --format acled <"$BATS_TEST_TMPDIR/rows.csv"
	assert_failure 2
	assert_stderr_regex "stdin:2: unknown cercle 'Nionoo' in admin2 \\(did you mean 'Niono'\\?\\)"
	assert_stderr_regex "stdin:3: admin1 'Mopti' is not a region of the gazetteer"
	assert_stderr_regex "stdin:4: event_type 'Strategic developments' and sub_event_type 'Other' fit several categories: threat, "
	assert_repo_unchanged
}

@test "acled: a file that is not ACLED's is refused at its header" {
	run --separate-stderr ew add --format acled <<<$'event_date,cercle,category\n2026-11-20,Niono,attack'
	assert_failure 2
	assert_stderr_regex "^ew-add: stdin:1: no column 'event_type'"
}

# --- Kobo ---------------------------------------------------------------

@test "kobo: a KoboToolbox export through the default mapping" {
	run --separate-stderr ew add --format kobo <"$EW_PROJECT_DIR/tests/data/kobo-export.csv"
	assert_success
	local n=${#lines[@]}
	((n >= 8)) || fail "only $n records"
	run ew list --include-confidential --since 2000-01-01 --fields event_date,cercle,commune,category,killed,injured,channel,reporter \
		--where '.tags | contains("kobo:4f6c2a1e-8b3d-4c9a-9e21-7d5b0c3a1f42")'
	assert_line '2024-03-05,Niono,Diabaly,attack,2,1,form,MON-NIO-01'
	# a description over two lines is kept whole
	run ew list --include-confidential --since 2000-01-01 --format json --where '.tags | contains("kobo:4f6c2a1e")'
	assert_output --partial 'vers 10 h.\nDeux commerçants'
	assert_clean_repo
}

@test "kobo: the semicolon export gives the same records" {
	ew add --format kobo <"$EW_PROJECT_DIR/tests/data/kobo-export.csv" >/dev/null
	ew list --include-confidential --since 2000-01-01 --fields event_date,cercle,commune,category,severity,killed,description,tags | sort >"$BATS_TEST_TMPDIR/a"
	new_repo "$BATS_TEST_TMPDIR/b"
	ew add --format kobo <"$EW_PROJECT_DIR/tests/data/kobo-export-semicolon.csv" >/dev/null
	ew list --include-confidential --since 2000-01-01 --fields event_date,cercle,commune,category,severity,killed,description,tags | sort >"$BATS_TEST_TMPDIR/b.out"
	run diff "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b.out"
	assert_success
}

@test "kobo: a mapping that names a column the export lacks, or a missing mapping, stops before anything is added" {
	save_snapshot
	printf 'event_date = date_incident\ncercle = nope/cercle\ncategory = categorie\n' >"$BATS_TEST_TMPDIR/my.conf"
	run --separate-stderr ew add --format kobo --mapping "$BATS_TEST_TMPDIR/my.conf" <"$EW_PROJECT_DIR/tests/data/kobo-export.csv"
	assert_failure 2
	assert_stderr_regex "stdin:1: no column 'nope/cercle', which $BATS_TEST_TMPDIR/my.conf:2 maps to cercle"
	run --separate-stderr ew add --format kobo --mapping nosuch <"$EW_PROJECT_DIR/tests/data/kobo-export.csv"
	assert_failure 2
	assert_stderr_regex "mapping 'nosuch': cannot read .*the mappings in .* are: kobo, odk"
	assert_repo_unchanged
}
