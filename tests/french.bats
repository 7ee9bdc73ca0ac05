#!/usr/bin/env bats
# ew in French: LANG=fr_FR.UTF-8 gives French messages, help, table
# headers, SMS replies and report, and po/fr.po translates every message
# of the sources.

load helpers

# Words of English messages that French ones never hold (a value quoted
# in '...', an option, a path, a field name or a command is not looked
# at: see english_words).
ENGLISH='the|cannot|expected|unknown|missing|invalid|usage|with|without|is|are|and|of|to|from|for|this|that|did|mean|give|use|records?|reports?|repository|found|given|must|only|should|was|were|has|have|not|no|line|alerts?|Send|Unknown|Incidents by|Weekly|Casualties|Open alerts|Headline'

setup() {
	ew_common_setup
	new_repo
	add_one commune=Diabaly severity=4 killed=2 event_date=2026-11-27 description='attaque du marché'
}

# fr COMMAND...: runs COMMAND with French messages (LC_ALL unset, as a
# user's environment has it), stdout and stderr in $output.
fr() {
	run env -u LC_ALL -u LANGUAGE LANG=fr_FR.UTF-8 "$@"
}

# english_words TEXT: prints the English words left in TEXT, once the
# parts that are not prose are taken out: HTML markup and style, quoted
# values, options, FIELD=VALUE, paths, ids, names with '_', the commands
# of a help and the names of ew verify's checks (identifiers, as in its
# JSON).
english_words() {
	"$PYTHON" - "$ENGLISH" "$1" <<'PY'
import re, sys
words, text = sys.argv[1], sys.argv[2]
text = re.sub(r"(?s)<style>.*?</style>", " ", text)
text = re.sub(r"(?s)<[^>]*>", " ", text)
for pat in [r"'[^'\n]*'", r'"[^"\n]*"', r"`[^`\n]*`",
            r"(?m)^ +[a-z]+ {2,}", r"< [a-z]+", r"\(contrôles : [^)]*\)",
            r"--?[a-zA-Z][a-zA-Z-]*(=\S*)?", r"\S*[=/_]\S*",
            r"\bew(-[a-z]+)?( [a-z]+)?\b", r"[0-9A-HJKMNP-TV-Z]{26}"]:
    text = re.sub(pat, " ", text)
found = sorted(set(re.findall(r"\b(?:%s)\b" % words, text)))
print(" ".join(found))
PY
}

# assert_french: $output is French: no English word outside values.
assert_french() {
	local left
	left=$(english_words "$output")
	[[ -z $left ]] || fail "English in the French output ($left): $output"
}

@test "french: the catalogue translates every message the sources have" {
	local pot=$BATS_TEST_TMPDIR/ew.pot
	make -s -C "$EW_PROJECT_DIR" --no-print-directory pot POT="$pot" >/dev/null
	[[ -s $pot ]] || fail "no template made"
	run msgmerge -q -o "$BATS_TEST_TMPDIR/fr.po" "$EW_PROJECT_DIR/po/fr.po" "$pot"
	assert_success
	run msgfmt --check --statistics -o /dev/null "$BATS_TEST_TMPDIR/fr.po"
	assert_success
	assert_output --regexp '^[0-9]+ translated messages\.$'
	# and the compiled catalogue the programs read is the current one
	[[ ! "$EW_PROJECT_DIR/po/fr.po" -nt "$EW_PROJECT_DIR/share/locale/fr/LC_MESSAGES/ew.mo" ]] ||
		fail "share/locale/fr/LC_MESSAGES/ew.mo is older than po/fr.po: run make"
}

@test "french: --help of every program" {
	local p
	for p in ew ew-add ew-update ew-list ew-alert ew-sync ew-clone ew-merge ew-log ew-verify ew-init ew-report; do
		fr "$p" --help
		assert_success
		assert_line --index 0 --regexp '^utilisation :'
		assert_french
	done
}

@test "french: ew add's errors, and nothing English in them" {
	fr ew add event_date=2026-11-20 cercle=Nionoo category=atack
	assert_failure 2
	assert_output --partial 'Niono'
	assert_french
	fr ew add event_date=2099-01-01 cercle=Niono category=attack
	assert_failure 2
	assert_french
	fr ew add bogus
	assert_failure 2
	assert_french
	fr ew add --format xml
	assert_failure 2
	assert_french
	fr ew add cercle=Niono
	assert_failure 2
	assert_french
}

@test "french: the other programs' errors" {
	fr ew list --format kml
	assert_failure 2
	assert_french
	fr ew list --since nonsense
	assert_failure 2
	assert_french
	fr ew update 01ZZZZZZZZZZZZZZZZZZZZZZZZ status=verified
	assert_failure 2
	assert_french
	fr ew update "$ADDED_ID" severity=9
	assert_failure 2
	assert_french
	fr ew alert ack 01ZZZZZZZZZZZZZZZZZZZZZZZZ
	assert_failure 2
	assert_french
	fr ew sync
	assert_failure 2
	assert_french
	fr ew sync nosuchremote
	assert_failure 2
	assert_french
	fr ew clone /nonexistent/hub.git "$BATS_TEST_TMPDIR/office"
	assert_failure 2
	assert_french
	fr ew log 01ZZZZZZZZZZZZZZZZZZZZZZZZ
	assert_failure 2
	assert_french
	fr ew report --since 2026-11-28 --until 2026-11-01
	assert_failure 2
	assert_french
	fr ew init "$PWD"
	assert_failure 2
	assert_french
	fr ew nosuchcommand
	assert_failure
	assert_french
	cd "$BATS_TEST_TMPDIR"
	fr ew list
	assert_failure 2
	assert_french
}

@test "french: table headers, alerts and their table, verify" {
	fr ew list --format table --fields event_date,cercle,category,severity,killed
	assert_success
	assert_line --index 0 --regexp '^date +cercle +catégorie +gravité +tués'
	fr ew alert --format table
	assert_success
	assert_french
	fr ew alert list --format table
	assert_success
	assert_french
	fr ew verify
	assert_success
	assert_french
	# what programs read stays as it is
	fr ew list --format csv --fields event_date,severity
	assert_line --index 0 event_date,severity
	fr ew alert --nagios
	assert_output --regexp '^EW (OK|WARNING|CRITICAL) - '
}

@test "french: an SMS gets its reply in French, within 160 bytes" {
	printf 'EW NIOOONO ATTAQUE\nEW NIONO ATTAQUE S9\nbonjour\nEW SOMO PILLAGE\nEW NIONO ATTAQUE 30/12/2099\n' >"$BATS_TEST_TMPDIR/sms"
	run env -u LC_ALL LANG=fr_FR.UTF-8 ew add --format sms --replies "$BATS_TEST_TMPDIR/replies" <"$BATS_TEST_TMPDIR/sms"
	assert_failure 2
	assert_french
	local line reply n=0
	while IFS=$'\t' read -r line reply; do
		n=$((n + 1))
		output=$reply
		assert_french
		(($(printf '%s' "$reply" | wc -c) <= 160)) || fail "reply of line $line over 160 bytes: $reply"
	done <"$BATS_TEST_TMPDIR/replies"
	assert_equal "$n" 5
	run cat "$BATS_TEST_TMPDIR/replies"
	assert_output --partial 'NIONO'
}

@test "french: the report is in French, with French category labels" {
	fr ew report
	assert_success
	assert_output --partial '<html lang="fr">'
	assert_output --partial 'Attaque'
	refute_output --partial '>Attack<'
	assert_french
	fr ew report --format markdown
	assert_success
	assert_french
	# the same in English
	run ew report
	assert_output --partial '<html lang="en">'
	assert_output --partial 'Attack'
}

@test "french: bash completion still reads the programs' options" {
	export LANG=fr_FR.UTF-8
	unset LC_ALL
	run bash -c "source '$EW_PROJECT_DIR/share/bash-completion/completions/ew'
		COMP_WORDS=(ew add --dr); COMP_CWORD=2; COMP_LINE='ew add --dr'; COMP_POINT=\${#COMP_LINE}
		_ew; printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_success
	assert_output --dry-run
}
