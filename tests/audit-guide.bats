#!/usr/bin/env bats
# audit-guide: the examples of the auditor's guide, man/ew-audit.7, run as
# the page shows them, so that the guide cannot drift from the tools.
#
# Every line of a literal block (.Bd -literal ... .Ed) of the page that
# starts with "$ " is a command; the lines under it, up to the next
# command or the end of the block, are what it prints (stdout and stderr
# together).  A command that ends in "# exits N" must exit N, every other
# one 0.  The commands run in order, in one shell, in the repository that
# the page describes under "The examples" (audit_fixture below).  Output
# is compared after commit ids, record and alert ids and key fingerprints,
# which differ from run to run, are replaced by placeholders, $HOME by the
# /home/awa the page shows, and blanks at the ends of lines are dropped.

load helpers

GUIDE=$EW_PROJECT_DIR/man/ew-audit.7

# The record the guide looks into ($ID), and the other one of the fixture.
ID=01M8K9ADVRCM9JD7GD6ZSAEKF4
ID2=01M8KCF2Q7W3N0Y5T8R6B4H1JD

# audit_fixture: the copy "segou" of the Ségou office that the guide
# describes, in $HOME, with an ssh key in ~/.ssh/id_ed25519 and Awa
# Coulibaly as git's identity; then cd into it.  Commits made with git get
# the time of EW_NOW, as ew's do.
audit_fixture() {
	git config --global user.name 'Awa Coulibaly'
	git config --global user.email awa@example.org
	export GIT_AUTHOR_DATE=$EW_TEST_NOW GIT_COMMITTER_DATE=$EW_TEST_NOW
	mkdir -m 700 "$HOME/.ssh"
	ssh-keygen -q -t ed25519 -N '' -C awa@example.org -f "$HOME/.ssh/id_ed25519" ||
		fail "ssh-keygen failed"
	cd "$HOME" || return 1
	EW_NOW=2026-11-18T08:00:00Z ew init -q segou || fail "ew init failed"
	cd segou || return 1
	EW_NOW=2026-11-20T09:14:03Z EW_AUTHOR=MON-NIO-01 ew add id=$ID \
		event_date=2026-11-20 reporter=MON-NIO-01 channel=phone \
		cercle=Niono commune=Diabaly category=attack severity=3 killed=1 \
		'description=Armed men attacked the weekly market.' >/dev/null ||
		fail "ew add $ID failed"
	EW_NOW=2026-11-20T10:02:00Z EW_AUTHOR=MON-SAN-03 ew add id=$ID2 \
		event_date=2026-11-19 reporter=MON-SAN-03 channel=sms cercle=San \
		category=threat severity=2 >/dev/null || fail "ew add $ID2 failed"
	EW_NOW=2026-11-21T16:40:00Z EW_AUTHOR='Ibrahim Traoré <ibrahim@example.org>' \
		ew update $ID severity=4 killed=2 status=verified >/dev/null ||
		fail "ew update failed"
	EW_NOW=2026-11-22T07:00:00Z EW_AUTHOR=ew-cron ew alert >/dev/null ||
		fail "ew alert raised nothing"
	export ID
}

# roff_text LINE: the text of a line of a literal block, its roff escapes
# undone (those the guide uses).
roff_text() {
	local s=$1
	s=${s//\\&/}
	s=${s//\\-/-}
	s=${s//\\(aq/\'}
	s=${s//\\(\'e/é}
	s=${s//\\e/\\}
	printf '%s' "$s"
}

# load_examples: the commands of the guide into CMDS, with their block in
# BLOCK, the exit status they must have in WANT_STATUS and what they must
# print in WANT_OUTPUT.
load_examples() {
	local line text in=0 block=0 n=-1 re='[[:space:]]#[[:space:]]*exits[[:space:]]+([0-9]+)[[:space:]]*$'
	CMDS=() BLOCK=() WANT_STATUS=() WANT_OUTPUT=()
	while IFS= read -r line || [[ -n $line ]]; do
		if [[ $line == .Bd\ -literal* ]]; then
			in=1
			block=$((block + 1))
			continue
		fi
		((in)) || continue
		if [[ $line == .Ed* ]]; then
			in=0
			continue
		fi
		text=$(roff_text "$line")
		if [[ $text == '$ '* ]]; then
			n=${#CMDS[@]}
			CMDS[n]=${text#\$ }
			BLOCK[n]=$block
			WANT_STATUS[n]=0
			[[ $text =~ $re ]] && WANT_STATUS[n]=${BASH_REMATCH[1]}
			WANT_OUTPUT[n]=
		elif ((n >= 0)) && [[ ${BLOCK[n]} == "$block" ]]; then
			WANT_OUTPUT[n]+=$text$'\n'
		fi
	done <"$GUIDE"
}

# normalise: stdin with what changes from run to run replaced.
normalise() {
	sed -E -e 's/[[:space:]]+$//' \
		-e "s|$HOME|/home/awa|g" \
		-e 's/\b[0-9a-f]{40}\b/<commit>/g' \
		-e 's/\b[0-9a-f]{12}\b/<commit>/g' \
		-e 's/\b[0-7][0-9A-HJKMNP-TV-Z]{25}\b/<id>/g' \
		-e 's|SHA256:[A-Za-z0-9+/]{43}|SHA256:<key>|g'
}

@test "audit guide: the page has examples to run, some of them checks that fail" {
	load_examples
	local b i nonzero=0
	local -A blocks=()
	((${#CMDS[@]} >= 20)) || fail "only ${#CMDS[@]} commands found in $GUIDE"
	for b in "${BLOCK[@]}"; do blocks[$b]=1; done
	((${#blocks[@]} >= 8)) || fail "only ${#blocks[@]} blocks with commands found in $GUIDE"
	for i in "${!CMDS[@]}"; do
		((WANT_STATUS[i] == 0)) || nonzero=$((nonzero + 1))
	done
	((nonzero >= 3)) || fail "expected the guide to show checks that fail (# exits N), found $nonzero"
}

@test "audit guide: the examples run in the fixture, exit as stated and print what the page shows" {
	command -v ssh-keygen >/dev/null || skip "ssh-keygen is not installed"
	load_examples
	audit_fixture
	local i got want status out=$BATS_TEST_TMPDIR/.example.out
	for i in "${!CMDS[@]}"; do
		status=0
		eval "${CMDS[i]}" >"$out" 2>&1 </dev/null || status=$?
		got=$(normalise <"$out")
		want=$(printf '%s' "${WANT_OUTPUT[i]}" | normalise)
		if ((status != WANT_STATUS[i])); then
			fail "$(printf 'block %s: %s\nexited %s, the guide says %s\n-- output --\n%s' \
				"${BLOCK[i]}" "${CMDS[i]}" "$status" "${WANT_STATUS[i]}" "$got")"
		fi
		if [[ $got != "$want" ]]; then
			fail "$(printf 'block %s: %s\nprinted other than the guide shows:\n%s' \
				"${BLOCK[i]}" "${CMDS[i]}" "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got"))")"
		fi
	done
}

@test "audit guide: the page renders without warnings" {
	command -v groff >/dev/null || skip "groff is not installed"
	run -0 groff -man -Tutf8 -ww -z "$GUIDE"
	assert_output ''
	if command -v man >/dev/null; then
		MANWIDTH=80 run -0 --separate-stderr man --warnings -l "$GUIDE"
		assert_equal "$stderr" ''
	fi
}
