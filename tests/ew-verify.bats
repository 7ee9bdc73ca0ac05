#!/usr/bin/env bats
# ew-verify: a clean repository passes; each kind of damage (a malformed
# row, a bad value, a duplicate id, a misplaced or unsorted record, a hand
# edit, a dirty work tree, a corrupt object, a rewritten history, an
# unsigned commit, an alert naming a missing record) is reported on a line
# 'where: what' and makes the exit status 1.

load helpers

R1=01JQ1111111111111111111111
R2=01JQ2222222222222222222222
R3=01JQ3333333333333333333333

CLEAN='0 problems (checked files, shards, ids, alerts, worktree, objects, history)'

# The fixture: ew init; R3 (October) added; R1 (November, 2 killed) added;
# R2 (November) added; ew alert raises the killings alert for R1. So
# HEAD~2 is the add of R1, whose November shard (R1 alone) no later commit
# has.
setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	local f=$BATS_FILE_TMPDIR/fixture
	ew init -q "$f" || return 1
	printf '%s\n' id,event_date,cercle,category "$R3,2026-10-10,Macina,threat" |
		ew -C "$f" add >/dev/null || return 1
	printf '%s\n' id,event_date,cercle,commune,category,severity,killed \
		"$R1,2026-11-27,Niono,Diabaly,attack,3,2" | ew -C "$f" add >/dev/null || return 1
	printf '%s\n' id,event_date,cercle,category,description \
		"$R2,2026-11-21,San,clash,two groups" | ew -C "$f" add >/dev/null || return 1
	ew -C "$f" alert >/dev/null || return 1
}

# Each test gets its own copy of the fixture; git's own commits get a
# fixed date.
setup() {
	ew_common_setup
	cp -a "$BATS_FILE_TMPDIR/fixture" "$BATS_TEST_TMPDIR/repo"
	cd "$BATS_TEST_TMPDIR/repo"
	export GIT_AUTHOR_DATE=2026-11-28T12:30:00Z GIT_COMMITTER_DATE=2026-11-28T12:30:00Z
}

# hand_commit SUBJECT: commits every change of the work tree with git.
hand_commit() {
	git commit -q -a -m "$1" || fail "hand_commit: git commit failed"
	HAND=$(git rev-parse --short=12 HEAD)
}

# hand_edit_line PATHS SUBJECT: the problem ew verify reports for the hand
# commit $HAND that changed PATHS.
hand_edit_line() {
	printf 'commit %s: changed %s without an Ew-Action trailer (a hand edit by Test Operator <ops@example.org> on 2026-11-28T12:30:00Z: "%s")' \
		"$HAND" "$1" "$2"
}

# problems N: the last line of a report with N problems.
problems() {
	local s=s
	(($1 != 1)) || s=
	printf '%s problem%s (checked files, shards, ids, alerts, worktree, objects, history%s)' "$1" "$s" "${2:+, $2}"
}

# row ID [SHARD]: the line of record ID in SHARD (default November's).
row() {
	grep "^$1," "${2:-reports/2026/11.csv}"
}

@test "ew verify: the fixture is what the tests expect" {
	assert_equal "$(git rev-list --count HEAD)" 5
	assert_equal "$(git log --format=%s HEAD~2 -1)" "Add report $R1 (attack, Niono, severity 3)"
	assert_equal "$(git show HEAD:alerts.csv | tail -n +2 | cut -d, -f3,4,6,9)" "killings,Niono,raised,$R1"
	assert_equal "$(git ls-tree -r --name-only HEAD reports)" "$(printf '%s\n' reports/2026/10.csv reports/2026/11.csv)"
}

@test "ew verify: a clean repository: exit 0 and one line, 0 problems and the checks made" {
	run_split -0 ew verify
	assert_output "$CLEAN"
	assert_stderr_empty
	run_split -0 ew verify --quick
	assert_output "$CLEAN"
	run_split -0 ew verify --format text --allow-hand-edits
	assert_output "$CLEAN"
	# a commit by hand of a file that holds no records is not a hand edit
	echo '# reviewed' >>rules.conf
	hand_commit 'Review the rules'
	echo 'notes' >notes.txt
	run_split -0 ew verify
	assert_output "$CLEAN"
	cd "$BATS_TEST_TMPDIR"
	run_split -0 ew verify -C repo
	assert_output "$CLEAN"
	# ew verify changes nothing
	cd repo
	save_snapshot
	run_split -0 ew verify
	assert_repo_unchanged
}

@test "ew verify: two offices after sync merges (and a conflict) are both clean" {
	ew sync -q --init-remote "$BATS_TEST_TMPDIR/hub.git" hub
	cd ..
	ew clone -q "$BATS_TEST_TMPDIR/hub.git" b
	cd b
	EW_NOW=2026-11-28T13:00:00Z ew update $R2 severity=2 injured=1 >/dev/null
	EW_NOW=2026-11-28T13:00:00Z ew add event_date=2026-11-26 cercle=Bla category=threat >/dev/null
	ew sync -q
	cd ../repo
	EW_NOW=2026-11-28T13:30:00Z ew update $R2 severity=4 status=verified >/dev/null
	EW_NOW=2026-11-28T13:30:00Z ew add event_date=2026-11-25 cercle=Macina category=looting >/dev/null
	run_split -0 ew sync hub
	assert_output "hub: received 2 records, sent 2; 1 field changed on both sides kept the later update ('ew list --conflicts' shows them)"
	assert_equal "$(git log -1 --format=%P | wc -w)" 2
	cd ../b
	ew sync -q
	for d in repo b; do
		cd "$BATS_TEST_TMPDIR/$d"
		run_split -0 ew verify
		assert_output "$CLEAN"
		assert_stderr_empty
	done
}

@test "ew verify: a merge made with git (the ew merge driver) is what ew's merge makes: clean" {
	git switch -q -c side HEAD~1
	EW_NOW=2026-11-28T13:00:00Z ew update $R2 injured=3 >/dev/null
	git switch -q main
	EW_NOW=2026-11-28T14:00:00Z ew update $R2 killed=1 >/dev/null
	git merge -q --no-ff -m 'Merge side' side
	assert_equal "$(git log -1 --format=%P | wc -w)" 2
	run -0 ew list --fields injured,killed $R2
	assert_output "$(printf '%s\n' injured,killed 3,1)"
	run_split -0 ew verify
	assert_output "$CLEAN"
}

@test "ew verify: a merge made with git and then edited is a hand edit in a merge" {
	git switch -q -c side HEAD~1
	EW_NOW=2026-11-28T13:00:00Z ew update $R2 injured=3 >/dev/null
	git switch -q main
	EW_NOW=2026-11-28T14:00:00Z ew update $R2 killed=1 >/dev/null
	git merge -q --no-ff --no-commit side
	sed -i "s/,two groups,/,edited in the merge,/" reports/2026/11.csv
	hand_commit 'Merge side'
	run_split -1 ew verify
	assert_output "$(printf '%s\n' \
		"commit $HAND: a merge by Test Operator <ops@example.org> on 2026-11-28T12:30:00Z whose reports/2026/11.csv is not the merge of its parents (a hand edit in a merge)" \
		"$(problems 1)")"
}

@test "ew verify: a malformed row (too few fields) committed by hand" {
	echo "01JQ4444444444444444444444,2026-11-22,San,clash" >>reports/2026/11.csv
	hand_commit 'Add a row by hand'
	run_split -1 ew verify
	assert_output "$(printf '%s\n' \
		'reports/2026/11.csv:4: expected 28 fields, found 4' \
		"$(hand_edit_line reports/2026/11.csv 'Add a row by hand')" \
		"$(problems 2)")"
	assert_stderr_empty
}

@test "ew verify: a bad value (severity 9) in a committed shard" {
	local r
	r=$(row $R1)
	sed -i "s/^\($R1,.*,attack,\)3,/\19,/" reports/2026/11.csv
	assert_equal "$(row $R1)" "${r/,attack,3,/,attack,9,}"
	hand_commit 'Raise the severity'
	run_split -1 ew verify
	assert_output "$(printf '%s\n' \
		"reports/2026/11.csv:3: invalid severity '9' (expected an integer from 1 to 5)" \
		"$(hand_edit_line reports/2026/11.csv 'Raise the severity')" \
		"$(problems 2)")"
}

@test "ew verify: a duplicate id: the same record in two shards" {
	# the copy dated in October, so that it sits in its own month's shard
	row $R1 | sed 's/,2026-11-27,/,2026-10-27,/' >>reports/2026/10.csv
	hand_commit 'Copy a report'
	run_split -1 ew verify
	assert_output "$(printf '%s\n' \
		"reports/2026/11.csv:3: id $R1 appears again (also at reports/2026/10.csv:3)" \
		"$(hand_edit_line reports/2026/10.csv 'Copy a report')" \
		"$(problems 2)")"
}

@test "ew verify: a record in the wrong shard" {
	row $R1 >>reports/2026/10.csv
	sed -i "/^$R1,/d" reports/2026/11.csv
	hand_commit 'Move a report'
	run_split -1 ew verify
	assert_output "$(printf '%s\n' \
		"reports/2026/10.csv:3: record $R1 has event_date 2026-11-27, so it belongs in reports/2026/11.csv" \
		"$(hand_edit_line 'reports/2026/10.csv, reports/2026/11.csv' 'Move a report')" \
		"$(problems 2)")"
}

@test "ew verify: an unsorted shard" {
	{
		head -1 reports/2026/11.csv
		row $R1
		row $R2
	} >"$IN"
	cp "$IN" reports/2026/11.csv
	hand_commit 'Reorder'
	run_split -1 ew verify
	assert_output "$(printf '%s\n' \
		"reports/2026/11.csv:3: not sorted: record $R2 comes after $R1 (shards are sorted by event_date, then id)" \
		"$(hand_edit_line reports/2026/11.csv 'Reorder')" \
		"$(problems 2)")"
}

@test "ew verify: a shard with CRLF line endings is not in the form ew writes" {
	sed -i 's/$/\r/' reports/2026/10.csv
	hand_commit 'Windows line endings'
	run_split -1 ew verify
	assert_output "$(printf '%s\n' \
		'reports/2026/10.csv: not in the form ew writes (quoting, line endings or a trailing line differ)' \
		"$(hand_edit_line reports/2026/10.csv 'Windows line endings')" \
		"$(problems 2)")"
}

@test "ew verify: a valid hand edit without an Ew-Action trailer is a problem; --allow-hand-edits makes it a note" {
	sed -i "s/,two groups,/,three groups,/" reports/2026/11.csv
	hand_commit 'Fix a description'
	run -0 ew list --fields description $R2
	assert_output "$(printf '%s\n' description 'three groups')"
	run_split -1 ew verify
	assert_output "$(printf '%s\n' \
		"$(hand_edit_line reports/2026/11.csv 'Fix a description')" \
		"$(problems 1)")"
	[[ $HAND =~ ^[0-9a-f]{12}$ ]]
	run_split -0 ew verify --allow-hand-edits
	assert_output "$(printf '%s\n' \
		"note: $(hand_edit_line reports/2026/11.csv 'Fix a description')" \
		"$CLEAN")"
	assert_stderr_empty
	run_split -0 ew verify --allow-hand-edits --json
	run -0 jq -c '[.ok, .problems, (.found | map([.check, .where, .counted]))]' <<<"$output"
	assert_output "[true,0,[[\"history\",\"commit $HAND\",false]]]"
}

@test "ew verify: a hand edit of alerts.csv is a hand edit too" {
	sed -i 's/,raised,/,acknowledged,/' alerts.csv
	hand_commit 'Acknowledge by hand'
	run_split -1 ew verify
	assert_line --index 0 "$(hand_edit_line alerts.csv 'Acknowledge by hand')"
}

@test "ew verify: a modified work tree: a changed shard and an untracked shard" {
	sed -i "s/,two groups,/,three groups,/" reports/2026/11.csv
	mkdir -p reports/2025
	cp reports/2026/10.csv reports/2025/09.csv
	echo 'notes' >notes.txt
	run_split -1 ew verify
	assert_output "$(printf '%s\n' \
		'reports/2025/09.csv: a file of records that is not in a commit' \
		'reports/2026/11.csv: changed in the work tree, not in a commit (git diff shows how)' \
		"$(problems 2)")"
	assert_stderr_empty
}

@test "ew verify: a staged change, a deleted shard and an untracked alerts file" {
	sed -i "s/,two groups,/,three groups,/" reports/2026/11.csv
	git add reports/2026/11.csv
	rm reports/2026/10.csv
	git rm -q --cached alerts.csv
	run_split -1 ew verify
	assert_output "$(printf '%s\n' \
		'alerts.csv: staged but not committed' \
		'reports/2026/10.csv: deleted from the work tree, not in a commit' \
		'reports/2026/11.csv: staged but not committed' \
		"$(problems 3)")"
}

# corrupt_old_blob: makes the loose object of the November shard of HEAD~2
# (R1 alone, in no later commit) unreadable: different zlib data. Sets
# $BLOB and $IN_COMMIT (the 12 hex of HEAD~2).
corrupt_old_blob() {
	BLOB=$(git rev-parse HEAD~2:reports/2026/11.csv)
	IN_COMMIT=$(git rev-parse --short=12 HEAD~2)
	run -0 git rev-list --objects HEAD~2
	assert_line --partial "$BLOB reports/2026/11.csv"
	run -1 grep -c "$BLOB" <(git ls-tree -r HEAD~1; git ls-tree -r HEAD)
	local f=.git/objects/${BLOB:0:2}/${BLOB:2}
	[[ -f $f ]] || fail "$BLOB is not a loose object"
	chmod u+w "$f"
	"$PYTHON" -c 'import sys, zlib; open(sys.argv[1], "wb").write(zlib.compress(b"blob 6\0hello\n"))' "$f"
	OBJECT_FILE=$f
}

@test "ew verify: a corrupted object (an old blob of a shard) is reported; --quick does not read blobs" {
	corrupt_old_blob
	run_split -1 ew verify
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp "^object $BLOB: file [0-9a-f]{12}:[^ ]*11\.csv is missing or corrupt \(.+\)\$"
	assert_line --index 1 "$(problems 1)"
	assert_stderr_empty
	run_split -0 ew verify --quick
	assert_output "$CLEAN"
	# garbage, not zlib
	printf 'garbage' >"$OBJECT_FILE"
	run_split -1 ew verify
	assert_line --index 0 --regexp "^object $BLOB: file [0-9a-f]{12}:[^ ]*11\.csv is missing or corrupt \(.+\)\$"
	assert_equal "${#lines[@]}" 2
	run_split -0 ew verify --quick
	assert_output "$CLEAN"
}

@test "ew verify: a corrupted object's message names the commit and the file's path in it" {
	corrupt_old_blob
	run_split -1 ew verify
	assert_line --index 0 --regexp "^object $BLOB: file $IN_COMMIT:reports/2026/11\.csv is missing or corrupt \(.+\)\$"
}

@test "ew verify: a missing object is reported, with --quick too" {
	local blob
	blob=$(git rev-parse HEAD~2:reports/2026/11.csv)
	rm -f ".git/objects/${blob:0:2}/${blob:2}"
	run_split -1 ew verify
	assert_line --index 0 --regexp "^object $blob: file .* is missing"
	assert_line --index 1 "$(problems 1)"
	run_split -1 ew verify --quick
	assert_line --index 0 --regexp "^object $blob: file .* is missing\$"
	assert_line --index 1 "$(problems 1)"
}

@test "ew verify --since-anchor: the anchored commit still in HEAD's history: clean, and the check is named" {
	ew log --anchor >"$BATS_TEST_TMPDIR/anchor"
	EW_NOW=2026-11-28T13:00:00Z ew update $R2 severity=2 >/dev/null
	run_split -0 ew verify --since-anchor "$BATS_TEST_TMPDIR/anchor"
	assert_output "$(problems 0 anchor)"
	run_split -0 ew verify --since-anchor "$BATS_TEST_TMPDIR/anchor" --signatures=HEAD
	assert_output "$(problems 0 'signatures, anchor')"
}

@test "ew verify --since-anchor: a history rewritten by git commit --amend" {
	ew log --anchor >"$BATS_TEST_TMPDIR/anchor"
	local old
	old=$(head_commit)
	GIT_COMMITTER_DATE=2026-11-28T12:45:00Z git commit -q --amend --no-edit
	[[ $(head_commit) != "$old" ]]
	run_split -1 ew verify --since-anchor "$BATS_TEST_TMPDIR/anchor"
	assert_output "$(printf '%s\n' \
		"$BATS_TEST_TMPDIR/anchor: commit ${old:0:12} (2026-11-28T12:00:00Z) is no longer an ancestor of HEAD: the history was rewritten since the anchor" \
		"$(problems 1 anchor)")"
}

@test "ew verify --since-anchor: a history rewritten by git reset --hard and a new commit" {
	ew log --anchor >"$BATS_TEST_TMPDIR/anchor"
	local old
	old=$(head_commit)
	git reset -q --hard HEAD~1
	EW_NOW=2026-11-28T13:00:00Z ew update $R2 severity=2 >/dev/null
	run_split -1 ew verify --since-anchor "$BATS_TEST_TMPDIR/anchor"
	assert_output "$(printf '%s\n' \
		"$BATS_TEST_TMPDIR/anchor: commit ${old:0:12} (2026-11-28T12:00:00Z) is no longer an ancestor of HEAD: the history was rewritten since the anchor" \
		"$(problems 1 anchor)")"
	# once git has dropped the old commit, it is not in the repository
	git reflog expire --expire=now --all
	git gc -q --prune=now
	run -1 git cat-file -e "$old"
	run_split -1 ew verify --since-anchor "$BATS_TEST_TMPDIR/anchor"
	assert_output "$(printf '%s\n' \
		"$BATS_TEST_TMPDIR/anchor: commit $old is not in this repository: the history was rewritten (or the anchor is from another repository)" \
		"$(problems 1 anchor)")"
}

@test "ew verify --since-anchor: an anchor whose date was altered" {
	ew log --anchor | sed 's/^date .*/date 2026-11-28T11:00:00Z/' >"$BATS_TEST_TMPDIR/anchor"
	local c
	c=$(head_commit)
	run_split -1 ew verify --since-anchor "$BATS_TEST_TMPDIR/anchor"
	assert_output "$(printf '%s\n' \
		"$BATS_TEST_TMPDIR/anchor: the anchor dates commit ${c:0:12} 2026-11-28T11:00:00Z, but the commit says 2026-11-28T12:00:00Z" \
		"$(problems 1 anchor)")"
}

@test "ew verify --since-anchor: a missing or unreadable anchor file exits 2" {
	run_split -2 ew verify --since-anchor "$BATS_TEST_TMPDIR/none"
	assert_stdout_empty
	assert_stderr "ew-verify: cannot read the anchor '$BATS_TEST_TMPDIR/none'"
	echo 'hello' >"$BATS_TEST_TMPDIR/bad"
	run_split -2 ew verify --since-anchor "$BATS_TEST_TMPDIR/bad"
	assert_stdout_empty
	assert_stderr_regex "^ew-verify: $BATS_TEST_TMPDIR/bad: not an anchor"
}

@test "ew verify: alerts.csv naming a record the repository does not have" {
	local alert
	alert=$(git show HEAD:alerts.csv | awk -F, 'NR == 2 { print $2 }')
	[[ $alert =~ ^$ULID_RE$ ]]
	sed -i "/^$R1,/d" reports/2026/11.csv
	hand_commit 'Remove a report'
	run_split -1 ew verify --allow-hand-edits
	assert_output "$(printf '%s\n' \
		"alerts.csv: row 1: alert $alert names record $R1, which the repository does not have" \
		"note: $(hand_edit_line reports/2026/11.csv 'Remove a report')" \
		"$(problems 1)")"
}

@test "ew verify: an open alert of a rule that rules.conf no longer has; ew alert resolves it" {
	"$PYTHON" - <<'PY'
s = open("rules.conf").read()
i, j = s.index('[rule "killings"]'), s.index('[rule "attacks-cercle"]')
open("rules.conf", "w").write(s[:i] + s[j:])
PY
	hand_commit 'Drop the killings rule'
	local alert
	alert=$(git show HEAD:alerts.csv | awk -F, 'NR == 2 { print $2 }')
	run_split -1 ew verify
	assert_output "$(printf '%s\n' \
		"alerts.csv: row 1: alert $alert is open for rule 'killings', which rules.conf does not have (ew alert resolves it)" \
		"$(problems 1)")"
	run -0 ew alert
	run_split -0 ew verify
	assert_output "$CLEAN"
}

@test "ew verify --format json: valid JSON with ok=false, the count and each problem" {
	row $R1 | sed 's/,2026-11-27,/,2026-10-27,/' >>reports/2026/10.csv
	hand_commit 'Copy a report'
	run_split -1 ew verify --format json
	assert_stderr_empty
	assert_equal "${#lines[@]}" 1
	run -0 jq -e . <<<"$output"
	run -0 jq -c '[.ok, .problems, .checks]' <<<"$output"
	assert_output '[false,2,["files","shards","ids","alerts","worktree","objects","history"]]'
	run_split -1 ew verify --json
	run -0 jq -c '.found[]' <<<"$output"
	assert_output "$(printf '%s\n' \
		"{\"check\":\"ids\",\"where\":\"reports/2026/11.csv:3\",\"what\":\"id $R1 appears again (also at reports/2026/10.csv:3)\",\"counted\":true}" \
		"{\"check\":\"history\",\"where\":\"commit $HAND\",\"what\":\"changed reports/2026/10.csv without an Ew-Action trailer (a hand edit by Test Operator <ops@example.org> on 2026-11-28T12:30:00Z: \\\"Copy a report\\\")\",\"counted\":true}")"
	# clean
	git reset -q --hard HEAD~1
	run_split -0 ew verify --json
	run -0 jq -c . <<<"$output"
	assert_output '{"ok":true,"problems":0,"checks":["files","shards","ids","alerts","worktree","objects","history"],"found":[]}'
}

@test "ew verify: usage errors exit 2" {
	run_split -2 ew verify --format xml
	assert_stdout_empty
	assert_stderr_regex "invalid --format 'xml'"
	run_split -2 ew verify extra
	assert_stdout_empty
	assert_stderr_regex "unexpected argument 'extra'"
	run_split -2 ew verify --signatures=no-such-rev
	assert_stdout_empty
	assert_stderr "ew-verify: --signatures=no-such-rev: not a commit of this repository"
	run_split -0 ew verify --help
	assert_line --index 0 --regexp '^usage: ew-verify '
	cd "$BATS_TEST_TMPDIR"
	mkdir empty
	run_split -2 ew verify -C empty
	assert_stdout_empty
}

# signing_repo: a repository made by ew init --sign with a new ssh key
# (~/.ssh/id_ed25519), one record added, and $ALLOWED, an allowed-signers
# file for the key.
signing_repo() {
	mkdir -p "$HOME/.ssh"
	ssh-keygen -q -t ed25519 -N '' -C test -f "$HOME/.ssh/id_ed25519" </dev/null
	ALLOWED=$BATS_TEST_TMPDIR/allowed_signers
	echo "ops@example.org $(cut -d' ' -f1,2 "$HOME/.ssh/id_ed25519.pub")" >"$ALLOWED"
	ew init -q --sign ~/.ssh/id_ed25519 "$BATS_TEST_TMPDIR/signed"
	cd "$BATS_TEST_TMPDIR/signed"
	add_one
}

@test "ew verify --signatures: every commit signed: clean; a plain git commit is 'not signed'" {
	signing_repo
	run_split -0 ew verify --signatures --allowed-signers "$ALLOWED"
	assert_output "$(problems 0 signatures)"
	echo 'notes' >NOTES
	git add NOTES
	git commit -q -m 'Add notes'
	local c
	c=$(git rev-parse --short=12 HEAD)
	run_split -1 ew verify --signatures --allowed-signers "$ALLOWED"
	assert_output "$(printf '%s\n' \
		"commit $c: not signed (Test Operator <ops@example.org>: \"Add notes\")" \
		"$(problems 1 signatures)")"
	assert_stderr_empty
	# without --signatures, signatures are not checked
	run_split -0 ew verify
	assert_output "$CLEAN"
}

@test "ew verify --signatures=REV: only the commits after REV are checked" {
	signing_repo
	echo 'notes' >NOTES
	git add NOTES
	git commit -q -m 'Add notes'
	local unsigned
	unsigned=$(git rev-parse --short=12 HEAD)
	EW_NOW=2026-11-28T13:00:00Z add_one
	run_split -0 ew verify --signatures=HEAD~1 --allowed-signers "$ALLOWED"
	assert_output "$(problems 0 signatures)"
	run_split -0 ew verify --signatures="$(git rev-parse HEAD~1)" --allowed-signers "$ALLOWED"
	assert_output "$(problems 0 signatures)"
	run_split -1 ew verify --signatures=HEAD~2 --allowed-signers "$ALLOWED"
	assert_output "$(printf '%s\n' \
		"commit $unsigned: not signed (Test Operator <ops@example.org>: \"Add notes\")" \
		"$(problems 1 signatures)")"
}

@test "ew verify --signatures: a key not in the allowed signers, and no allowed-signers file at all" {
	signing_repo
	ssh-keygen -q -t ed25519 -N '' -C other -f "$BATS_TEST_TMPDIR/other" </dev/null
	echo "ops@example.org $(cut -d' ' -f1,2 "$BATS_TEST_TMPDIR/other.pub")" >"$BATS_TEST_TMPDIR/others"
	local c0 c1
	c0=$(git rev-parse --short=12 HEAD~1)
	c1=$(git rev-parse --short=12 HEAD)
	run_split -1 ew verify --signatures --allowed-signers "$BATS_TEST_TMPDIR/others"
	assert_output "$(printf '%s\n' \
		"commit $c0: signed by a key that is not in the allowed signers" \
		"commit $c1: signed by a key that is not in the allowed signers" \
		"$(problems 2 signatures)")"
	run_split -1 ew verify --signatures
	assert_output "$(printf '%s\n' \
		"commit $c0: an ssh signature, and no allowed-signers file to check it against" \
		"commit $c1: an ssh signature, and no allowed-signers file to check it against" \
		"$(problems 2 signatures)")"
	# git's own setting names the file
	git config gpg.ssh.allowedSignersFile "$ALLOWED"
	run_split -0 ew verify --signatures
	assert_output "$(problems 0 signatures)"
}

@test "ew verify --signatures: sign.allowed-signers in ew.conf names a file of the repository" {
	signing_repo
	cp "$ALLOWED" allowed_signers
	git config -f ew.conf sign.allowed-signers allowed_signers
	EW_NOW=2026-11-28T13:00:00Z run -0 ew update "$ADDED_ID" severity=2
	git add allowed_signers ew.conf
	git commit -q -m 'Name the allowed signers'
	local c
	c=$(git rev-parse --short=12 HEAD)
	EW_NOW=2026-11-28T14:00:00Z add_one
	run_split -0 ew verify --signatures=HEAD~1
	assert_output "$(problems 0 signatures)"
	run_split -1 ew verify --signatures
	assert_output "$(printf '%s\n' \
		"commit $c: not signed (Test Operator <ops@example.org>: \"Name the allowed signers\")" \
		"$(problems 1 signatures)")"
}

@test "ew verify: a malformed row does not hide the rows after it (their values, their ids)" {
	# a short row between R2 and R1, and R1's severity made 9
	awk -v r2="$R2" '{ print } index($0, r2 ",") == 1 { print "01JQ4444444444444444444444,2026-11-22,x" }' \
		reports/2026/11.csv >"$IN"
	cp "$IN" reports/2026/11.csv
	sed -i "s/^\($R1,.*,attack,\)3,/\19,/" reports/2026/11.csv
	assert_equal "$(sed -n 3p reports/2026/11.csv)" '01JQ4444444444444444444444,2026-11-22,x'
	assert_equal "$(grep -c "^$R1,.*,attack,9,2," reports/2026/11.csv)" 1
	hand_commit 'Edit by hand'
	run_split -1 ew verify
	assert_line 'reports/2026/11.csv:3: expected 28 fields, found 3'
	# R1 is there: it is checked, and the alert that names it names a record
	assert_line "reports/2026/11.csv:4: invalid severity '9' (expected an integer from 1 to 5)"
	refute_line --partial "names record $R1, which the repository does not have"
	assert_line "$(hand_edit_line reports/2026/11.csv 'Edit by hand')"
	assert_line --index -1 "$(problems 3)"
}

@test "ew verify: a corrupt object of a shard HEAD has is reported as a problem (exit 1), not a failure to run" {
	local blob
	blob=$(git rev-parse HEAD:reports/2026/11.csv)
	local f=.git/objects/${blob:0:2}/${blob:2}
	chmod u+w "$f"
	printf 'garbage' >"$f"
	run_split ew verify
	assert_equal "$status" 1
	assert_line --regexp "^object $blob: "
	assert_line --regexp "^reports/2026/11.csv: cannot be read: "
	assert_line --index -1 --regexp '^[1-9][0-9]* problems? \(checked '
}

@test "ew verify: an ew commit changed after ew made it (git commit --amend) is a hand edit; --quick does not compare" {
	# the alert commit (HEAD), amended to change R2's description
	sed -i "s/,two groups,/,three groups,/" reports/2026/11.csv
	git commit -q -a --amend --no-edit
	local c line
	c=$(git rev-parse --short=12 HEAD)
	assert_equal "$(git log -1 --format='%s %(trailers:key=Ew-Action,valueonly,separator=)')" 'Alerts: 1 raised alert'
	line="commit $c: its Ew-Action: alert does not say what it did: it changed $R2 (a hand edit after ew made it, such as git commit --amend, by Test Operator <ops@example.org> on 2026-11-28T12:00:00Z: \"Alerts: 1 raised\")"
	run_split -1 ew verify
	assert_output "$(printf '%s\n' "$line" "$(problems 1)")"
	assert_stderr_empty
	run_split -0 ew verify --allow-hand-edits
	assert_output "$(printf '%s\n' "note: $line" "$CLEAN")"
	run_split -0 ew verify --quick
	assert_output "$CLEAN"
	# the add of R2 (now HEAD), amended to change R1's killed (2 to 3)
	git reset -q --hard HEAD~1
	assert_equal "$(git log -1 --format=%s)" "Add report $R2 (clash, San)"
	sed -i "s/^\($R1,.*,attack,3,\)2,/\13,/" reports/2026/11.csv
	assert_equal "$(git diff --numstat)" "$(printf '1\t1\treports/2026/11.csv')"
	git commit -q -a --amend --no-edit
	c=$(git rev-parse --short=12 HEAD)
	assert_equal "$(git log -1 --format='%(trailers:key=Ew-Action,valueonly,separator=) %(trailers:key=Ew-Record,valueonly,separator=)')" "add $R2"
	line="commit $c: its Ew-Action: add does not say what it did: it changed $R1 (a hand edit after ew made it, such as git commit --amend, by Test Operator <ops@example.org> on 2026-11-28T12:00:00Z: \"Add report $R2 (clash, San)\")"
	run_split -1 ew verify
	assert_output "$(printf '%s\n' "$line" "$(problems 1)")"
	assert_stderr_empty
	run_split -0 ew verify --allow-hand-edits
	assert_output "$(printf '%s\n' "note: $line" "$CLEAN")"
	assert_stderr_empty
	run_split -0 ew verify --quick
	assert_output "$CLEAN"
	assert_stderr_empty
}

@test "ew verify: shards written before ew.conf declared an extra column are not 'not in the form ew writes'; shards written after have the column" {
	# a commit of ew.conf alone: no record changed, not a hand edit
	git config -f ew.conf record.extra-columns village_code
	git commit -q -m 'Declare village_code' ew.conf
	assert_equal "$(head -1 reports/2026/10.csv)" "$EW_COLUMNS"
	assert_equal "$(head -1 reports/2026/11.csv)" "$EW_COLUMNS"
	run_split -0 ew verify
	assert_output "$CLEAN"
	assert_stderr_empty
	# a new shard, written with the column
	EW_NOW=2026-11-28T13:00:00Z run -0 ew add event_date=2026-09-25 cercle=San category=threat village_code=V13
	assert_equal "$(head -1 reports/2026/09.csv)" "$EW_COLUMNS,village_code"
	assert_equal "$(tail -n +2 reports/2026/09.csv | wc -l)" 1
	run_split -0 ew verify
	assert_output "$CLEAN"
	assert_stderr_empty
	# a shard of before, written again by an add: it gets the column, and
	# the add changed only the record it names
	EW_NOW=2026-11-28T14:00:00Z run -0 ew add event_date=2026-11-25 cercle=San category=threat village_code=V12
	assert_equal "$(head -1 reports/2026/11.csv)" "$EW_COLUMNS,village_code"
	assert_equal "$(head -1 reports/2026/10.csv)" "$EW_COLUMNS"
	run -0 ew list --format csv --fields id,village_code $R1 $R2 $R3
	assert_output "$(printf '%s\n' id,village_code "$R3," "$R2," "$R1,")"
	run_split -0 ew verify
	assert_output "$CLEAN"
	assert_stderr_empty
}

@test "ew verify: file names and subjects with terminal controls and line breaks: each problem on one line, controls shown escaped" {
	sed -i "s/,two groups,/,three groups,/" reports/2026/11.csv
	hand_commit "$(printf 'fix\r0 problems')"
	touch "reports/$(printf 'x\033]0;T\007\033[31mR')" "reports/$(printf 'y\n0 problems (checked files)')"
	run -0 git status --porcelain --untracked-files=all reports
	assert_equal "${#lines[@]}" 2
	local out=$BATS_TEST_TMPDIR/verify.out rc=0
	ew verify >"$out" 2>"$BATS_TEST_TMPDIR/verify.err" || rc=$?
	assert_equal "$rc" 1
	assert_equal "$(wc -c <"$BATS_TEST_TMPDIR/verify.err")" 0
	# no ESC, BEL or CR byte at all
	assert_equal "$(LC_ALL=C tr -d -c '\033\007\r' <"$out" | wc -c)" 0
	# three problems and the summary: four lines, the summary last; the
	# controls and line breaks shown as escapes
	assert_equal "$(wc -l <"$out")" 4
	assert_equal "$(<"$out")" "$(printf '%s\n' \
		'reports/x\u001b]0;T\u0007\u001b[31mR: a file of records that is not in a commit' \
		'reports/y\n0 problems (checked files): a file of records that is not in a commit' \
		"$(hand_edit_line reports/2026/11.csv 'fix\r0 problems')" \
		"$(problems 3)")"
	assert_equal "$(tail -n 1 "$out")" "$(problems 3)"
	# JSON keeps the names and the subject as they are, escaped
	run_split -1 ew verify --json
	assert_equal "${#lines[@]}" 1
	local json=$output
	run -0 jq -c '[.problems, (.found | map(.where))]' <<<"$json"
	assert_output "[3,[\"reports/x\\u001b]0;T\\u0007\\u001b[31mR\",\"reports/y\\n0 problems (checked files)\",\"commit $HAND\"]]"
	run -0 jq -r '.found[2].what' <<<"$json"
	assert_output "changed reports/2026/11.csv without an Ew-Action trailer (a hand edit by Test Operator <ops@example.org> on 2026-11-28T12:30:00Z: \"fix"$'\r'"0 problems\")"
}

@test "ew verify --signatures: an allowed-signers file that cannot be read exits 2, nothing on stdout" {
	signing_repo
	run_split -2 ew verify --signatures --allowed-signers /nonexistent
	assert_stdout_empty
	assert_stderr "ew-verify: cannot read the allowed signers file '/nonexistent': No such file or directory"
	# even with no commit to check
	run_split -2 ew verify --signatures=HEAD --allowed-signers /nonexistent
	assert_stdout_empty
	assert_stderr "ew-verify: cannot read the allowed signers file '/nonexistent': No such file or directory"
	run_split -0 ew verify --signatures --allowed-signers "$ALLOWED"
	assert_output "$(problems 0 signatures)"
}
