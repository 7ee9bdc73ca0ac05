#!/usr/bin/env bats
# ew list --format acled, hxl and geojson: the exports for partners.
#
# Most tests read one fixture repository made once for the file and do not
# write to it; those that edit a shard or the gazetteer make their own.

load helpers

X1=01JQ0000000000000000000001 # 2026-11-27 Niono/Diabaly attack 4 verified public, killed 2, updated an hour later
X2=01JQ0000000000000000000002 # 2026-11-19 Ségou/Markala ied 3, week precision, tricky description
X3=01JQ0000000000000000000003 # 2026-11-28 Macina/Kolongo abduction 5 confidential, abducted 3
X4=01JQ0000000000000000000004 # 2026-10-15 San/Somo threat, no severity, actor1 a formula

# The description of X2: a quote, a comma, a tab, a LF and a backslash.
X2_DESCRIPTION=$'IED on the "Markala" road, a truck hit\tone\nsecond line \\ end'

ACLED_HEADER=event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp

# X1's updated_at, 2026-11-28T13:00:00Z, in Unix seconds.
X1_UPDATED=$((EW_TEST_NOW_EPOCH + 3600))

# What every hashtag of the HXL row must look like.
HXL_TAG_RE='^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$'

setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	ew init -q "$BATS_FILE_TMPDIR/repo" || return 1
	{
		echo 'id,event_date,date_precision,cercle,commune,location,category,severity,killed,injured,abducted,actor1,source,status,sensitivity,description,tags'
		echo "$X1,2026-11-27,1,Niono,Diabaly,Diabaly market,attack,4,2,1,,JNIM,phone,new,public,\"Armed men on motorbikes, market burnt\",market;motorbikes"
		printf '%s,2026-11-19,2,Ségou,Markala,,ied,3,,,,,radio,new,restricted,"%s",\n' $X2 "${X2_DESCRIPTION//\"/\"\"}"
		echo "$X3,2026-11-28,1,Macina,Kolongo,,abduction,5,,,3,,,new,confidential,Secret,"
		echo "$X4,2026-10-15,3,San,Somo,,threat,,,,,=cmd|calc,,closed,public,,"
	} >"$BATS_FILE_TMPDIR/fixture.csv"
	ew add -C "$BATS_FILE_TMPDIR/repo" <"$BATS_FILE_TMPDIR/fixture.csv" >/dev/null || return 1
	EW_NOW=2026-11-28T13:00:00Z ew update -C "$BATS_FILE_TMPDIR/repo" $X1 status=verified 'source=phone call'
}

setup() {
	ew_common_setup
	cd "$BATS_FILE_TMPDIR/repo"
}

# csv_rows < CSV: each row of the CSV on stdin as one line, its fields
# parted by US (0x1f), newlines within fields shown as \n.
csv_rows() {
	"$PYTHON" -c '
import csv, io, sys
for row in csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline="")):
    print("\x1f".join(f.replace("\n", "\\n") for f in row))
'
}

# new_export_repo: a repository of its own in $BATS_TEST_TMPDIR/repo, cd there.
new_export_repo() {
	ew init -q "$BATS_TEST_TMPDIR/repo" || fail "ew init failed"
	cd "$BATS_TEST_TMPDIR/repo" || return 1
}

# blank_coordinates ID...: empties latitude and longitude of the records
# ID in their shard by hand, and commits the shard with git.
blank_coordinates() {
	local id
	for id in "$@"; do
		"$PYTHON" - "$id" reports/2026/11.csv <<-'EOF' || fail "cannot edit the shard"
			import csv, io, sys
			path = sys.argv[2]
			with open(path, encoding="utf-8", newline="") as f:
			    rows = list(csv.reader(f))
			for r in rows[1:]:
			    if r[0] == sys.argv[1]:
			        r[11] = r[12] = ""
			out = io.StringIO()
			csv.writer(out, lineterminator="\n").writerows(rows)
			open(path, "w", encoding="utf-8", newline="").write(out.getvalue())
		EOF
	done
	git commit -q -am 'Coordinates removed by hand' || fail "cannot commit the shard"
}

# --- ACLED -------------------------------------------------------------

@test "acled: the header is ACLED's columns in ACLED's order" {
	run_split -0 ew list --format acled
	assert_stderr_empty
	assert_equal "${lines[0]}" "$ACLED_HEADER"
	run_split -1 ew list --format acled --since 2026-11-29
	assert_output "$ACLED_HEADER"
}

@test "acled: an attack in Niono/Diabaly is one row of mapped values" {
	run_split -0 ew list --format acled $X1
	assert_stderr_empty
	assert_output "$(printf '%s\n' "$ACLED_HEADER" "$X1,2026-11-27,2026,1,Political violence,Violence against civilians,Attack,JNIM,,,,,,,Civilian targeting,466,Western Africa,Mali,Ségou,Niono,Diabaly,Diabaly market,14.25,-5.99,3,phone call,,\"Armed men on motorbikes, market burnt\",2,market;motorbikes,$X1_UPDATED")"
}

@test "acled: types come from the taxonomy, time_precision from date_precision, civilian_targeting only for violence against civilians" {
	ew list --format acled >"$BATS_TEST_TMPDIR/acled.csv"
	# IED: another event type, no civilian targeting, week precision
	run -0 "$PYTHON" -c '
import csv, sys
rows = {r["event_id_cnty"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline=""))}
for id in sys.argv[2:]:
    r = rows[id]
    print("|".join([r["disorder_type"], r["event_type"], r["sub_event_type"], r["time_precision"], r["civilian_targeting"], r["year"], r["admin1"], r["admin2"], r["admin3"], r["fatalities"], r["notes"].replace("\n", "\\n")]))
' "$BATS_TEST_TMPDIR/acled.csv" $X1 $X2 $X4
	assert_output "$(printf '%s\n' "Political violence|Violence against civilians|Attack|1|Civilian targeting|2026|Ségou|Niono|Diabaly|2|Armed men on motorbikes, market burnt" \
		"Political violence|Explosions/Remote violence|Remote explosive/landmine/IED|2||2026|Ségou|Ségou|Markala|0|${X2_DESCRIPTION//$'\n'/\\n}" \
		"Strategic developments|Strategic developments|Other|3||2026|Ségou|San|Somo|0|")"
}

@test "acled: every row carries the record's fields as documented, so it can be read back" {
	ew list --format csv >"$BATS_TEST_TMPDIR/ew.csv"
	ew list --format acled >"$BATS_TEST_TMPDIR/acled.csv"
	run -0 "$PYTHON" -c '
import csv, sys, datetime
ew = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
acled = list(csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")))
tax = {r["code"]: r for r in csv.DictReader(open(sys.argv[3], encoding="utf-8", newline=""))}
assert len(ew) == len(acled) == 3, (len(ew), len(acled))
same = {"event_id_cnty": "id", "event_date": "event_date", "time_precision": "date_precision",
        "actor1": "actor1", "actor2": "actor2", "admin1": "region", "admin2": "cercle",
        "admin3": "commune", "location": "location", "latitude": "latitude",
        "longitude": "longitude", "geo_precision": "geo_precision", "source": "source",
        "notes": "description", "fatalities": "killed"}
# the types a category shares with another one
types = lambda t: (t["acled_event_type"].lower(), t["acled_sub_event_type"].lower())
shared = {c for c, t in tax.items() if sum(types(u) == types(t) for u in tax.values()) > 1}
for e, a in zip(ew, acled):
    for k, v in same.items():
        assert a[k] == e[v], (k, a[k], e[v])
    # a category whose types are shared is named in tags, after the tags
    tags = e["tags"]
    if e["category"] in shared:
        tags = (tags + "; " if tags else "") + "ew-category=" + e["category"]
    assert a["tags"] == tags, (a["tags"], tags)
    t = tax[e["category"]]
    assert (a["disorder_type"], a["event_type"], a["sub_event_type"]) == (t["acled_disorder_type"], t["acled_event_type"], t["acled_sub_event_type"])
    assert a["year"] == e["event_date"][:4]
    assert int(a["timestamp"]) == int(datetime.datetime.strptime(e["updated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp())
    assert (a["iso"], a["region"], a["country"]) == ("466", "Western Africa", "Mali")
    for k in ("assoc_actor_1", "inter1", "assoc_actor_2", "inter2", "interaction", "source_scale"):
        assert a[k] == "", k
print("ok")
' "$BATS_TEST_TMPDIR/ew.csv" "$BATS_TEST_TMPDIR/acled.csv" "$BATS_FILE_TMPDIR/repo/categories.csv"
	assert_output ok
}

@test "acled: --spreadsheet quotes formula cells and keeps numbers; --fields is refused" {
	run_split -0 ew list --format acled --spreadsheet $X4
	assert_line -n 1 "$X4,2026-10-15,2026,3,Strategic developments,Strategic developments,Other,'=cmd|calc,,,,,,,,466,Western Africa,Mali,Ségou,San,Somo,,13.3,-4.9,3,,,,0,ew-category=threat,$EW_TEST_NOW_EPOCH"
	run_split -0 ew list --format acled $X4
	assert_line -n 1 --partial ",=cmd|calc,"
	run_split -2 ew list --format acled --fields id,killed
	assert_stdout_empty
	assert_stderr "ew-list: --format acled prints ACLED's columns, always the same; it cannot be used with --fields (use --format csv or hxl to choose columns)"
}

@test "acled: a category the taxonomy does not have is an error that says how to fix it" {
	ew list --format csv $X1 | sed 's/,attack,/,attak,/' >"$IN"
	run_split -2 ew list - --format acled <"$IN"
	assert_output "$ACLED_HEADER"
	assert_stderr "ew-list: record $X1 has category 'attak', which is not in the taxonomy (categories.csv), so it has no ACLED event type; add the category to categories.csv or correct the record"
}

@test "acled: outside a repository, records from stdin are mapped through the share directory's taxonomy" {
	ew list --format csv $X1 >"$IN"
	cd "$BATS_TEST_TMPDIR"
	run_split -0 ew list - --format acled <"$IN"
	assert_equal "$output" "$(cd "$BATS_FILE_TMPDIR/repo" && ew list --format acled $X1)"
	EW_SHAREDIR=$BATS_TEST_TMPDIR/nowhere run_split -2 ew list - --format acled <"$IN"
	assert_stdout_empty
	assert_stderr_regex "^ew-list: .*categories\.csv"
}

# --- HXL ---------------------------------------------------------------

@test "hxl: the header is ew's columns and the next row a well-formed hashtag for each" {
	run_split -0 ew list --format hxl
	assert_stderr_empty
	assert_equal "${lines[0]}" "$EW_COLUMNS"
	IFS=, read -ra tags <<<"${lines[1]}"
	IFS=, read -ra cols <<<"$EW_COLUMNS"
	assert_equal "${#tags[@]}" "${#cols[@]}"
	for t in "${tags[@]}"; do
		[[ $t =~ $HXL_TAG_RE ]] || fail "'$t' is not a well-formed HXL hashtag"
	done
	assert_equal "${lines[1]}" "#event+code,#date+occurred,#meta+date_precision,#date+reported,#date+updated,#meta+reporter,#meta+channel,#adm1+name,#adm2+name,#adm3+name,#loc+name,#geo+lat,#geo+lon,#meta+geo_precision,#event+type,#severity,#affected+killed,#affected+injured,#affected+abducted,#affected+displaced,#group+name+first,#group+name+second,#meta+source,#status,#meta+duplicate_of,#meta+sensitivity,#description,#meta+tags"
}

@test "hxl: under the hashtag row, one data row per record, as --format csv has them" {
	ew list --format hxl >"$BATS_TEST_TMPDIR/hxl.csv"
	ew list --format csv >"$BATS_TEST_TMPDIR/plain.csv"
	# the CSV with the hashtag row taken out, byte for byte
	assert_equal "$(csv_rows <"$BATS_TEST_TMPDIR/hxl.csv" | sed 2d)" "$(csv_rows <"$BATS_TEST_TMPDIR/plain.csv")"
	assert_equal "$(($(csv_rows <"$BATS_TEST_TMPDIR/hxl.csv" | wc -l) - 2))" "$(ew list --count)"
	run -0 "$PYTHON" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
print(len(rows) - 2, rows[1][0], rows[2][0], rows[3][0], rows[4][0])
' "$BATS_TEST_TMPDIR/hxl.csv"
	assert_output "3 #event+code $X4 $X2 $X1"
}

@test "hxl: --fields chooses the columns and their hashtags" {
	run_split -0 ew list --format hxl --fields killed,id,cercle,description $X1 $X2
	assert_output "$(printf '%s\n' killed,id,cercle,description '#affected+killed,#event+code,#adm2+name,#description' \
		"0,$X2,Ségou,\"${X2_DESCRIPTION//\"/\"\"}\"" "2,$X1,Niono,\"Armed men on motorbikes, market burnt\"")"
	run_split -2 ew list --format hxl --fields id,nope
	assert_stdout_empty
	assert_stderr "ew-list: unknown field 'nope' in --fields (see ew-data(5) for the columns)"
}

@test "hxl: an extra column is tagged #meta+ its name" {
	new_export_repo
	git config -f ew.conf record.extra-columns 'village_code, phone_area'
	git commit -q -am 'Declare extra columns'
	add_one village_code=SG-042
	run_split -0 ew list --format hxl
	assert_equal "${lines[0]}" "$EW_COLUMNS,village_code,phone_area"
	assert_equal "${lines[1]##*#meta+tags,}" "#meta+village_code,#meta+phone_area"
	IFS=, read -ra tags <<<"${lines[1]}"
	for t in "${tags[@]}"; do
		[[ $t =~ $HXL_TAG_RE ]] || fail "'$t' is not a well-formed HXL hashtag"
	done
	assert_equal "${lines[2]##*,}" ""
	assert_line -n 2 --partial ",SG-042,"
}

@test "hxl: --spreadsheet quotes formula cells, as with csv" {
	run_split -0 ew list --format hxl --spreadsheet --fields id,actor1,longitude $X4
	assert_output "$(printf '%s\n' id,actor1,longitude '#event+code,#group+name+first,#geo+lon' "$X4,'=cmd|calc,-4.9")"
}

# --- GeoJSON -----------------------------------------------------------

@test "geojson: a FeatureCollection that jq parses, one feature per record" {
	run_split -0 ew list --format geojson
	assert_stderr_empty
	run -0 jq -r '.type, (.features | length), ([.features[].type] | unique | join(",")), ([.features[].geometry.type] | unique | join(","))' <<<"$output"
	assert_output "$(printf '%s\n' FeatureCollection "$(ew list --count)" Feature Point)"
	run -0 bash -c 'ew list --format geojson --category attack | jq ".features | length"'
	assert_output "$(ew list --count --category attack)"
}

@test "geojson: a feature is a Point at [longitude, latitude] with the record's fields as properties, numbers as numbers" {
	run -0 bash -c "ew list --format geojson | jq -c '.features[] | select(.id == \"$X1\") | .geometry'"
	assert_output '{"type":"Point","coordinates":[-5.99,14.25]}'
	# the properties are what --format json gives
	assert_equal "$(ew list --format geojson $X1 | jq -S -c '.features[0].properties')" "$(ew list --json $X1 | jq -S -c .)"
	run -0 bash -c "ew list --format geojson $X1 $X4 | jq -c '.features[] | [.id, .properties.killed, .properties.severity, .properties.latitude, .properties.commune]'"
	assert_output "$(printf '%s\n' "[\"$X4\",0,null,13.3,\"Somo\"]" "[\"$X1\",2,4,14.25,\"Diabaly\"]")"
	run -0 bash -c "ew list --format geojson $X2 | jq -r '.features[0].properties.description'"
	assert_output "$X2_DESCRIPTION"
}

@test "geojson: python's json module loads it, and it streams one feature a line" {
	run_split -0 ew list --format geojson
	run -0 "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
assert d["type"] == "FeatureCollection"
for f in d["features"]:
    assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
    lon, lat = f["geometry"]["coordinates"]
    assert isinstance(lon, float) and isinstance(lat, float)
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert lat == f["properties"]["latitude"] and lon == f["properties"]["longitude"]
print(len(d["features"]))
' <<<"$output"
	assert_output 3
	run_split -0 ew list --format geojson
	assert_equal "${#lines[@]}" 5
	assert_equal "${lines[0]}" '{"type":"FeatureCollection","features":['
	assert_equal "${lines[4]}" ']}'
	for i in 1 2 3; do
		jq -e '.type == "Feature"' <<<"${lines[i]%,}" >/dev/null || fail "line $i is not a feature: ${lines[i]}"
	done
}

@test "geojson: an empty selection is a valid empty FeatureCollection, exit 1" {
	run_split -1 ew list --format geojson --category protest
	assert_stderr_empty
	run -0 jq -c '[.type, .features]' <<<"$output"
	assert_output '["FeatureCollection",[]]'
}

@test "geojson: an error part way leaves the collection open, so it cannot pass for a whole one" {
	{
		ew list --format csv $X4 $X1
		echo "$X2,2026-11-19,1,,,,,,,Ségou,Markala,,,,,,,,,,,,,,,,,"
	} >"$IN"
	run_split -2 ew list - --format geojson <"$IN"
	assert_stderr "ew-list: stdin:4: missing category"
	assert_equal "${#lines[@]}" 3
	assert_equal "${lines[2]}" "${lines[2]%,}"
	run jq . <<<"$output"
	((status != 0)) || fail "jq took a cut collection for a whole one"
	assert_no_crash
}

@test "geojson: --fields restricts the properties; the geometry stays" {
	run -0 bash -c "ew list --format geojson --fields id,killed $X1 | jq -c '.features[0] | [.geometry.coordinates, .properties]'"
	assert_output "[[-5.99,14.25],{\"id\":\"$X1\",\"killed\":2}]"
}

@test "geojson: a record without coordinates takes its commune's from the gazetteer, else its cercle's, else no geometry" {
	new_export_repo
	# Diabaly gets coordinates in the gazetteer; Sokolo has none
	sed -i 's/^commune,Diabaly,Niono,,,/commune,Diabaly,Niono,14.68,-6.02,/' places.csv
	grep -q '^commune,Diabaly,Niono,14.68,-6.02,' places.csv || fail "cannot edit places.csv"
	git commit -q -am 'Coordinates for Diabaly'
	add_one commune=Diabaly
	a=$ADDED_ID
	add_one commune=Sokolo
	b=$ADDED_ID
	add_one commune=Diabaly latitude=14.7 longitude=-6.1
	c=$ADDED_ID
	d=$(ew add event_date=2026-11-20 cercle=Bla category=attack) || fail "ew add failed"
	blank_coordinates "$a" "$b" "$d"
	# a cercle the gazetteer does not know, by hand too
	sed -i "s/^\($d,.*\),Bla,/\1,Nowhere,/" reports/2026/11.csv
	git commit -q -am 'A cercle by hand'
	assert_equal "$(ew list --fields latitude,longitude "$a" "$b" | tail -n +2)" "$(printf ',\n,\n')"
	run -0 bash -c "ew list --format geojson | jq -c '.features[] | [.id, .geometry]'"
	assert_line "[\"$a\",{\"type\":\"Point\",\"coordinates\":[-6.02,14.68]}]"
	assert_line "[\"$b\",{\"type\":\"Point\",\"coordinates\":[-5.99,14.25]}]"
	assert_line "[\"$c\",{\"type\":\"Point\",\"coordinates\":[-6.1,14.7]}]"
	assert_line "[\"$d\",null]"
	# the properties keep the record's own (empty) values
	run -0 bash -c "ew list --format geojson $a | jq -c '.features[0].properties | [.latitude, .longitude]'"
	assert_output '[null,null]'
}

@test "geojson: coordinates that are not numbers are not written as numbers" {
	new_export_repo
	add_one commune=Diabaly
	sed -i "s/^\($ADDED_ID,.*\),14\.25,-5\.99,/\1,14.25x,-5.99,/" reports/2026/11.csv
	git commit -q -am 'A broken latitude by hand'
	run_split -0 ew list --format geojson
	run -0 jq -c '.features[0] | [.geometry.coordinates, .properties.latitude, .properties.longitude]' <<<"$output"
	assert_output '[[-5.99,14.25],"14.25x",-5.99]'
}

@test "geojson: --spreadsheet is refused, as with json" {
	run_split -2 ew list --format geojson --spreadsheet
	assert_stdout_empty
	assert_stderr "ew-list: --spreadsheet makes CSV and TSV safe to open in a spreadsheet; it cannot be used with --format geojson (use csv, tsv, acled or hxl)"
}

@test "geojson: outside a repository, records from stdin are placed with the share directory's gazetteer" {
	ew list --format csv $X1 $X4 >"$IN"
	"$PYTHON" - "$IN" <<-'EOF'
		import csv, sys
		rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
		for r in rows[1:]:
		    r[11] = r[12] = ""
		with open(sys.argv[1], "w", encoding="utf-8", newline="") as f:
		    csv.writer(f, lineterminator="\n").writerows(rows)
	EOF
	cd "$BATS_TEST_TMPDIR"
	run -0 bash -c "ew list - --format geojson <'$IN' | jq -c '[.features[].geometry.coordinates]'"
	assert_output '[[-4.9,13.3],[-5.99,14.25]]'
}

# --- all three ---------------------------------------------------------

@test "exports: confidential records are left out unless --include-confidential" {
	# the rows before the records: ACLED's header; HXL's header and hashtags
	for f in acled:1 hxl:2; do
		run_split -0 ew list --format ${f%:*}
		refute_output --partial $X3
		refute_output --partial Secret
		assert_equal "$(($(csv_rows <<<"$output" | wc -l) - ${f#*:}))" 3
		run_split -0 ew list --format ${f%:*} --include-confidential
		assert_output --partial $X3
		assert_equal "$(($(csv_rows <<<"$output" | wc -l) - ${f#*:}))" 4
	done
	run_split -0 ew list --format geojson
	refute_output --partial $X3
	refute_output --partial Secret
	run -0 bash -c 'ew list --format geojson --include-confidential | jq -r ".features[] | select(.properties.sensitivity == \"confidential\") | .id, .properties.abducted"'
	assert_output "$(printf '%s\n' $X3 3)"
	run_split -1 ew list --format geojson $X3
	run -0 jq '.features | length' <<<"$output"
	assert_output 0
}

@test "exports: --help and the usage name the formats; misuse is an error that says what to use" {
	run -0 ew list --help
	assert_output --partial '[--format csv|tsv|json|table|acled|hxl|geojson]'
	run_split -2 ew list --format kml
	assert_stdout_empty
	assert_stderr "ew-list: unknown format 'kml' (expected csv, tsv, json, table, acled, hxl or geojson)"
	run_split -2 ew list --format hxl --group-by cercle
	assert_stdout_empty
	assert_stderr "ew-list: --group-by prints counts, not records; it cannot be used with --format hxl (use csv, tsv, json or table)"
	run_split -2 ew list --conflicts --format geojson
	assert_stdout_empty
	assert_stderr "ew-list: --conflicts prints conflicts, not records; it cannot be used with --format geojson (use csv, tsv, json or table)"
	for f in acled hxl geojson; do
		run_split -0 ew list --format $f --count
		assert_output 3
	done
}
