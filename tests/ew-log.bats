#!/usr/bin/env bats
# ew-log: the audit trail, commit by commit and record by record, read from
# a scripted history of two offices that exchange changes through a hub;
# ew list --at on each day of that history; ew log --anchor.

load helpers

# scripted_history DIR: office a (DIR/a) made by ew init, with records added
# on different days and updated by two authors; a hub (DIR/hub.git) and
# office b (DIR/b) cloned from it, which updates two records (one moves to
# the October shard) and sends them; a, which changed a record meanwhile,
# receives them through a sync merge; then a status change. EW_NOW is set
# for each step. The ids of the records (R1, R2, R3) and of the commits
# (C_*) go into DIR/vars, for 'source'.
scripted_history() {
	local dir=$1
	mkdir -p "$dir" && cd "$dir" || return 1
	EW_NOW=2026-11-01T09:00:00Z ew init -q a || return 1
	cd a || return 1
	local C_INIT C_ADD1 C_ADD2 C_AWA1 C_B1 C_B2 C_AWA2 C_ADD3 C_MERGE C_STATUS R1 R2 R3
	C_INIT=$(head_commit)
	R1=$(EW_NOW=2026-11-02T10:00:00Z ew add event_date=2026-11-02 cercle=Niono category=attack severity=3) || return 1
	C_ADD1=$(head_commit)
	R2=$(EW_NOW=2026-11-03T10:00:00Z ew add event_date=2026-11-03 cercle=San category=threat) || return 1
	C_ADD2=$(head_commit)
	EW_NOW=2026-11-04T10:00:00Z ew update --author 'Awa Traoré <awa@x>' "$R1" severity=4 killed=2 >/dev/null || return 1
	C_AWA1=$(head_commit)
	EW_NOW=2026-11-04T11:00:00Z ew sync -q --init-remote "$dir/hub.git" hub || return 1
	cd .. || return 1
	EW_NOW=2026-11-04T12:00:00Z ew clone -q "$dir/hub.git" b || return 1
	cd b || return 1
	EW_NOW=2026-11-05T10:00:00Z EW_AUTHOR='Moussa <moussa@y>' ew update "$R1" injured=5 >/dev/null || return 1
	C_B1=$(head_commit)
	EW_NOW=2026-11-05T10:30:00Z EW_AUTHOR='Moussa <moussa@y>' ew update "$R2" event_date=2026-10-28 >/dev/null || return 1
	C_B2=$(head_commit)
	EW_NOW=2026-11-05T11:00:00Z ew sync -q || return 1
	cd ../a || return 1
	EW_NOW=2026-11-06T10:00:00Z ew update --author 'Awa Traoré <awa@x>' "$R1" commune=Diabaly >/dev/null || return 1
	C_AWA2=$(head_commit)
	R3=$(EW_NOW=2026-11-06T11:00:00Z ew add event_date=2026-11-06 cercle=Macina category=clash severity=2) || return 1
	C_ADD3=$(head_commit)
	EW_NOW=2026-11-07T10:00:00Z ew sync -q hub || return 1
	C_MERGE=$(head_commit)
	EW_NOW=2026-11-08T10:00:00Z ew update "$R1" status=verified >/dev/null || return 1
	C_STATUS=$(head_commit)
	local v
	for v in C_INIT C_ADD1 C_ADD2 C_AWA1 C_B1 C_B2 C_AWA2 C_ADD3 C_MERGE C_STATUS R1 R2 R3; do
		printf '%s=%s\n' "$v" "${!v}"
	done >"$dir/vars"
}

setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	(scripted_history "$BATS_FILE_TMPDIR/scenario") || return 1
}

# Each test gets its own copy of the two offices and the hub.
setup() {
	ew_common_setup
	cp -a "$BATS_FILE_TMPDIR/scenario" "$BATS_TEST_TMPDIR/scenario"
	source "$BATS_TEST_TMPDIR/scenario/vars"
	# the copies talk to the copy of the hub
	git -C "$BATS_TEST_TMPDIR/scenario/a" remote set-url hub "$BATS_TEST_TMPDIR/scenario/hub.git"
	git -C "$BATS_TEST_TMPDIR/scenario/b" remote set-url origin "$BATS_TEST_TMPDIR/scenario/hub.git"
	cd "$BATS_TEST_TMPDIR/scenario/a"
}

# at TIME: the instant of the next commands.
at() {
	export EW_NOW=$1
}

LOG_HEADER=time,commit,author,email,action,records,ids,subject
HIST_HEADER=id,time,commit,author,email,action,field,old,new

# The expected rows of ew log --format csv for the scripted history.
op='Test Operator,ops@example.org'
awa='Awa Traoré,awa@x'
moussa='Moussa,moussa@y'

r1_history() {
	printf '%s\n' "$HIST_HEADER" \
		"$R1,2026-11-02T10:00:00Z,$C_ADD1,$op,add,,," \
		"$R1,2026-11-04T10:00:00Z,$C_AWA1,$awa,update,severity,3,4" \
		"$R1,2026-11-04T10:00:00Z,$C_AWA1,$awa,update,killed,0,2" \
		"$R1,2026-11-05T10:00:00Z,$C_B1,$moussa,update,injured,0,5" \
		"$R1,2026-11-06T10:00:00Z,$C_AWA2,$awa,update,commune,,Diabaly" \
		"$R1,2026-11-08T10:00:00Z,$C_STATUS,$op,update,status,new,verified"
}

repo_log() {
	printf '%s\n' "$LOG_HEADER" \
		"2026-11-08T10:00:00Z,$C_STATUS,$op,update,1,$R1,Update report $R1 (status)" \
		"2026-11-07T10:00:00Z,$C_MERGE,$op,sync,2,$R1 $R2,\"Sync with hub: received 2 records, sent 2\"" \
		"2026-11-06T11:00:00Z,$C_ADD3,$op,add,1,$R3,\"Add report $R3 (clash, Macina, severity 2)\"" \
		"2026-11-06T10:00:00Z,$C_AWA2,$awa,update,1,$R1,Update report $R1 (commune)" \
		"2026-11-05T10:30:00Z,$C_B2,$moussa,update,1,$R2,Update report $R2 (event_date)" \
		"2026-11-05T10:00:00Z,$C_B1,$moussa,update,1,$R1,Update report $R1 (injured)" \
		"2026-11-04T10:00:00Z,$C_AWA1,$awa,update,1,$R1,\"Update report $R1 (severity, killed)\"" \
		"2026-11-03T10:00:00Z,$C_ADD2,$op,add,1,$R2,\"Add report $R2 (threat, San)\"" \
		"2026-11-02T10:00:00Z,$C_ADD1,$op,add,1,$R1,\"Add report $R1 (attack, Niono, severity 3)\"" \
		"2026-11-01T09:00:00Z,$C_INIT,$op,init,0,,Initialise ew repository"
}

@test "ew log: the scripted history is what the test expects (two authors, a sync merge of b's commits)" {
	# the ids are distinct, the merge joins a's line and b's
	assert_equal "$(printf '%s\n' "$R1" "$R2" "$R3" | sort -u | wc -l)" 3
	assert_equal "$(git log -1 --format=%P "$C_MERGE")" "$C_ADD3 $C_B2"
	assert_equal "$(git log -1 --format='%an <%ae> %aI' "$C_AWA1")" 'Awa Traoré <awa@x> 2026-11-04T10:00:00+00:00'
	assert_equal "$(git log -1 --format='%an <%ae> %aI' "$C_B1")" 'Moussa <moussa@y> 2026-11-05T10:00:00+00:00'
	assert_equal "$(git -C ../b log -1 --format=%H)" "$C_B2"
	assert_equal "$(git rev-list --count HEAD)" 10
	assert_clean_repo
}

@test "ew log: a record's history, oldest first, one row per changed field; b's change is its own commit, not the sync merge" {
	run_split -0 ew log "$R1" --format csv
	assert_output "$(r1_history)"
	assert_stderr_empty
	# the merge brought b's change, but made no value of its own
	refute_output --partial "$C_MERGE"
}

@test "ew log: a record moved to another shard by b's event_date change is followed back to its add" {
	assert_equal "$(git ls-tree --name-only -r HEAD reports)" "$(printf '%s\n' reports/2026/10.csv reports/2026/11.csv)"
	run -0 git grep -c "^$R2," HEAD -- reports
	assert_output "HEAD:reports/2026/10.csv:1"
	run_split -0 ew log "$R2" --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" \
		"$R2,2026-11-03T10:00:00Z,$C_ADD2,$op,add,,," \
		"$R2,2026-11-05T10:30:00Z,$C_B2,$moussa,update,event_date,2026-11-03,2026-10-28")"
	run_split -0 ew log "$R3" --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" "$R3,2026-11-06T11:00:00Z,$C_ADD3,$op,add,,,")"
}

@test "ew log: the same history from office b after both synced: the same rows" {
	run_split -0 ew sync hub
	assert_output 'hub: received 0 records, sent 1'
	cd ../b
	run_split -0 ew sync
	assert_output 'origin: received 2 records, sent 0'
	assert_equal "$(head_commit)" "$C_STATUS"
	run_split -0 ew log "$R1" --format csv
	assert_output "$(r1_history)"
}

@test "ew log: several ids, each as a prefix in any case, give each history in turn" {
	local lower=${R1,,}
	run_split -0 ew log "${lower:0:12}" "${R3:0:20}" --format csv
	assert_output "$(r1_history; echo "$R3,2026-11-06T11:00:00Z,$C_ADD3,$op,add,,,")"
	assert_stderr_empty
}

@test "ew log: --reverse gives a record's history newest first (the fields of one commit in column order)" {
	run_split -0 ew log --reverse "$R1" --format csv
	assert_output "$(r1_history | awk '{ l[NR] = $0 } END { print l[1]; print l[7]; print l[6]; print l[5]; print l[3]; print l[4]; print l[2] }')"
}

@test "ew log: without ids, one line per commit of HEAD's history, newest first, with its action, count, ids and subject" {
	run_split -0 ew log --format csv
	assert_output "$(repo_log)"
	assert_stderr_empty
	# every commit of the history, once each
	assert_equal "$(tail -n +2 <<<"$output" | cut -d, -f2 | sort)" "$(git rev-list HEAD | sort)"
}

@test "ew log: --reverse lists the commits oldest first" {
	run_split -0 ew log --reverse --format csv
	assert_output "$(repo_log | head -1; repo_log | tail -n +2 | tac)"
}

@test "ew log: --format json and --json give one JSON object per line with the columns as keys" {
	run_split -0 ew log --format json
	local want
	want=$(printf '{"time":"2026-11-08T10:00:00Z","commit":"%s","author":"Test Operator","email":"ops@example.org","action":"update","records":1,"ids":"%s","subject":"Update report %s (status)"}' "$C_STATUS" "$R1" "$R1")
	assert_equal "${lines[0]}" "$want"
	assert_equal "${#lines[@]}" 10
	# each line is a JSON object on its own, the same as the csv
	run -0 jq -c -s 'map([.time, .commit, .author, .email, .action, (.records|tostring), .ids, .subject])' <<<"$output"
	assert_equal "$output" "$(ew log --format csv | "$PYTHON" -c '
import csv, json, sys
rows = list(csv.reader(sys.stdin))[1:]
print(json.dumps(rows, ensure_ascii=False, separators=(",", ":")))')"
	run_split -0 ew log --json "$R1"
	assert_equal "${#lines[@]}" 6
	assert_equal "${lines[0]}" "$(printf '{"id":"%s","time":"2026-11-02T10:00:00Z","commit":"%s","author":"Test Operator","email":"ops@example.org","action":"add","field":"","old":"","new":""}' "$R1" "$C_ADD1")"
	assert_equal "${lines[3]}" "$(printf '{"id":"%s","time":"2026-11-05T10:00:00Z","commit":"%s","author":"Moussa","email":"moussa@y","action":"update","field":"injured","old":"0","new":"5"}' "$R1" "$C_B1")"
	run -0 jq -r -s 'map(.field) | join(",")' <<<"$output"
	assert_output ',severity,killed,injured,commune,status'
}

@test "ew log: --since and --until bound the author time by whole UTC days" {
	run_split -0 ew log --since 2026-11-05 --until 2026-11-06 --format csv
	assert_output "$(repo_log | head -1; repo_log | grep -E '^2026-11-0[56]T')"
	assert_equal "${#lines[@]}" 5
	# a record's rows too; b's change keeps its own (author) day
	run_split -0 ew log "$R1" --since 2026-11-05 --until 2026-11-05 --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" "$R1,2026-11-05T10:00:00Z,$C_B1,$moussa,update,injured,0,5")"
	run_split -0 ew log "$R1" --until 2026-11-04 --format csv
	assert_output "$(r1_history | head -4)"
	# an RFC 3339 time stands for its whole day
	run_split -0 ew log --since 2026-11-08T23:00:00Z --format csv
	assert_output "$(repo_log | head -2)"
}

@test "ew log: --author is a substring of 'Name <email>' in any case" {
	run_split -0 ew log --author 'awa TRAO' --format csv
	assert_output "$(repo_log | head -1; repo_log | grep ",$awa,")"
	assert_equal "${#lines[@]}" 3
	run_split -0 ew log --author 'MOUSSA@Y>' --format csv
	assert_output "$(repo_log | head -1; repo_log | grep ",$moussa,")"
	run_split -0 ew log "$R1" --author 'ssa <mou' --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" "$R1,2026-11-05T10:00:00Z,$C_B1,$moussa,update,injured,0,5")"
	run_split -0 ew log "$R1" --author '<awa@x>' --since 2026-11-05 --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" "$R1,2026-11-06T10:00:00Z,$C_AWA2,$awa,update,commune,,Diabaly")"
}

@test "ew log: nothing matched: the header alone and exit 1" {
	run_split -1 ew log --author nobody --format csv
	assert_output "$LOG_HEADER"
	assert_stderr_empty
	run_split -1 ew log --since 2026-11-09 --format csv
	assert_output "$LOG_HEADER"
	run_split -1 ew log "$R3" --until 2026-11-05 --format csv
	assert_output "$HIST_HEADER"
	run_split -1 ew log "$R2" --author awa --format csv
	assert_output "$HIST_HEADER"
}

@test "ew log: an unknown id, an ambiguous prefix or a bad option exits 2 with a message" {
	run_split -2 ew log 01ZZ --format csv
	assert_stderr_regex "^ew-log: .*01ZZ"
	run_split -2 ew log "$R1" 7ZZZZZ --format csv
	assert_stderr_regex "^ew-log: .*7ZZZZZ"
	# every id of the scenario starts with 01
	run_split -2 ew log 01 --format csv
	assert_stderr_regex "^ew-log: '01' is the start of more than one id"
	run_split -2 ew log 01234567890123456789012345678 --format csv
	assert_stderr_regex "^ew-log: .*01234567890123456789012345678"
	run_split -2 ew log --format xml
	assert_stdout_empty
	run_split -2 ew log --since someday
	assert_stdout_empty
	assert_stderr_regex "invalid date 'someday'"
	run_split -2 ew log --no-such-option
	assert_stdout_empty
	assert_stderr_regex 'usage: ew-log '
}

@test "ew log: an id that cannot be resolved prints nothing on stdout, as every refused command" {
	run_split -2 ew log 01ZZ --format csv
	assert_stdout_empty
	assert_stderr "ew-log: no record 01ZZ in HEAD (check the id with 'ew list')"
	run_split -2 ew log 01 --format csv
	assert_stdout_empty
	# a good id before a bad one: still nothing
	run_split -2 ew log "$R1" 01ZZ --format csv
	assert_stdout_empty
	assert_stderr "ew-log: no record 01ZZ in HEAD (check the id with 'ew list')"
}

@test "ew log --anchor: exactly three lines, the format, HEAD and its committer time" {
	run_split -0 ew log --anchor
	assert_output "$(printf '%s\n' 'ew-anchor 1' "commit $C_STATUS" 'date 2026-11-08T10:00:00Z')"
	assert_stderr_empty
	# the committer time, not the author's
	GIT_COMMITTER_DATE=2026-11-09T08:07:06Z git commit -q --allow-empty -m 'Empty' \
		--date=2026-11-01T00:00:00Z
	run_split -0 ew log --anchor
	assert_output "$(printf '%s\n' 'ew-anchor 1' "commit $(head_commit)" 'date 2026-11-09T08:07:06Z')"
	run_split -0 ew -C "$BATS_TEST_TMPDIR/scenario/b" log --anchor
	assert_output "$(printf '%s\n' 'ew-anchor 1' "commit $C_B2" 'date 2026-11-05T10:30:00Z')"
	for opt in --reverse "--since=2026-11-01" "--author=x" --json "$R1"; do
		run_split -2 ew log --anchor "$opt"
		assert_stdout_empty
		assert_stderr_regex 'usage: ew-log '
	done
}

@test "ew list --at DAY, for each day of the scripted history, gives exactly the records a had at the end of that day" {
	local fields=id,event_date,severity,killed,injured,commune,status
	local h=$fields
	local r1d2="$R1,2026-11-02,3,0,0,,new"
	local r1d4="$R1,2026-11-02,4,2,0,,new"
	local r1d6="$R1,2026-11-02,4,2,0,Diabaly,new"
	local r1d7="$R1,2026-11-02,4,2,5,Diabaly,new"
	local r1d8="$R1,2026-11-02,4,2,5,Diabaly,verified"
	local r2="$R2,2026-11-03,,0,0,,new" r2moved="$R2,2026-10-28,,0,0,,new"
	local r3="$R3,2026-11-06,2,0,0,,new"
	# b's changes of the 5th reach a only with the merge of the 7th
	local -A want=(
		[2026-11-02]="$h"$'\n'"$r1d2"
		[2026-11-03]="$h"$'\n'"$r1d2"$'\n'"$r2"
		[2026-11-04]="$h"$'\n'"$r1d4"$'\n'"$r2"
		[2026-11-05]="$h"$'\n'"$r1d4"$'\n'"$r2"
		[2026-11-06]="$h"$'\n'"$r1d6"$'\n'"$r2"$'\n'"$r3"
		[2026-11-07]="$h"$'\n'"$r2moved"$'\n'"$r1d7"$'\n'"$r3"
		[2026-11-08]="$h"$'\n'"$r2moved"$'\n'"$r1d8"$'\n'"$r3"
		[2026-11-28]="$h"$'\n'"$r2moved"$'\n'"$r1d8"$'\n'"$r3"
	)
	local day
	for day in 2026-11-02 2026-11-03 2026-11-04 2026-11-05 2026-11-06 2026-11-07 2026-11-08 2026-11-28; do
		run_split ew list --at "$day" --format csv --fields "$fields"
		assert_equal "$day: $status" "$day: 0"
		assert_equal "$day: $output" "$day: ${want[$day]}"
		assert_stderr_empty
	done
	# the day of ew init: no record yet
	run_split -1 ew list --at 2026-11-01 --format csv --fields "$fields"
	assert_output "$h"
	assert_stderr_empty
	# before ew init: no commit
	run_split -2 ew list --at 2026-10-31 --format csv --fields "$fields"
	assert_stdout_empty
	assert_stderr 'ew-list: the repository has no commit made by 2026-10-31 (its first commit is later)'
	# what HEAD has is what ew list reads from the work tree
	assert_equal "$(ew list --at 2026-11-08 --format csv)" "$(ew list --format csv)"
}

@test "ew list --at TIME and --at REV on the scripted history: the commit, not the day" {
	local fields=id,severity,killed,commune
	run_split -0 ew list --at 2026-11-06T09:59:59Z --format csv --fields "$fields"
	assert_output "$(printf '%s\n' "$fields" "$R1,4,2," "$R2,,0,")"
	run_split -0 ew list --at 2026-11-06T10:00:00Z --format csv --fields "$fields"
	assert_output "$(printf '%s\n' "$fields" "$R1,4,2,Diabaly" "$R2,,0,")"
	# b's own commit, reached through the merge's second parent
	run_split -0 ew list --at "$C_B1" --format csv --fields id,injured,commune
	assert_output "$(printf '%s\n' id,injured,commune "$R1,5," "$R2,0,")"
	run_split -0 ew list --at HEAD~1^2 --format csv --fields id,event_date
	assert_output "$(printf '%s\n' id,event_date "$R2,2026-10-28" "$R1,2026-11-02")"
}

@test "ew log: a hand edit and a merge made with git: their actions, and the counts read from the data" {
	export GIT_AUTHOR_DATE=2026-11-10T08:00:00Z GIT_COMMITTER_DATE=2026-11-10T08:00:00Z
	# a hand edit of R3's description
	sed -i "s/^\($R3,.*\),restricted,,\$/\1,restricted,edited by hand,/" reports/2026/11.csv
	assert_equal "$(git diff --numstat)" "$(printf '1\t1\treports/2026/11.csv')"
	git -c user.name='Hand Editor' -c user.email=hand@z commit -q -am 'Fix a description'
	local hand
	hand=$(head_commit)
	# a branch, a change on each side, a merge by git (the ew driver) with
	# a value that is in neither parent
	git switch -q -c side HEAD~1
	EW_NOW=2026-11-10T09:00:00Z ew update "$R3" injured=7 >/dev/null
	local side
	side=$(head_commit)
	git switch -q main
	EW_NOW=2026-11-10T10:00:00Z ew update "$R3" killed=4 >/dev/null
	local main
	main=$(head_commit)
	export GIT_AUTHOR_DATE=2026-11-11T08:00:00Z GIT_COMMITTER_DATE=2026-11-11T08:00:00Z
	git merge -q --no-ff --no-commit side
	sed -i "s/^\($R3,.*\),restricted,edited by hand,\$/\1,restricted,merged by hand,/" reports/2026/11.csv
	git commit -q -am 'Merge side by hand'
	local merge
	merge=$(head_commit)
	run_split -0 ew log --since 2026-11-10 --format csv
	assert_output "$(printf '%s\n' "$LOG_HEADER" \
		"2026-11-11T08:00:00Z,$merge,$op,merge,1,$R3,Merge side by hand" \
		"2026-11-10T10:00:00Z,$main,$op,update,1,$R3,Update report $R3 (killed)" \
		"2026-11-10T09:00:00Z,$side,$op,update,1,$R3,Update report $R3 (injured)" \
		"2026-11-10T08:00:00Z,$hand,Hand Editor,hand@z,hand-edit,1,$R3,Fix a description")"
	run_split -0 ew log "$R3" --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" \
		"$R3,2026-11-06T11:00:00Z,$C_ADD3,$op,add,,," \
		"$R3,2026-11-10T08:00:00Z,$hand,Hand Editor,hand@z,hand-edit,description,,edited by hand" \
		"$R3,2026-11-10T09:00:00Z,$side,$op,update,injured,0,7" \
		"$R3,2026-11-10T10:00:00Z,$main,$op,update,killed,0,4" \
		"$R3,2026-11-11T08:00:00Z,$merge,$op,merge,description,edited by hand,merged by hand")"
}

@test "ew log: a hand edit of several records counts them from the data; a hand edit of rules.conf counts none" {
	export GIT_AUTHOR_DATE=2026-11-10T08:00:00Z GIT_COMMITTER_DATE=2026-11-10T08:00:00Z
	sed -i -e "s/^\($R1,.*\),verified,,restricted,,\$/\1,verified,,restricted,one,/" \
		-e "s/^\($R3,.*\),new,,restricted,,\$/\1,new,,restricted,two,/" reports/2026/11.csv
	sed -i "s/^\($R2,.*\),new,,restricted,,\$/\1,new,,restricted,three,/" reports/2026/10.csv
	assert_equal "$(git diff --numstat | cut -f1,2 | tr '\n' ' ')" $'1\t1 2\t2 '
	git commit -q -am 'Describe three reports'
	local hand
	hand=$(head_commit)
	echo '# a comment' >>rules.conf
	git commit -q -am 'Comment the rules'
	run_split -0 ew log --since 2026-11-10 --format csv
	assert_output "$(printf '%s\n' "$LOG_HEADER" \
		"2026-11-10T08:00:00Z,$(head_commit),$op,hand-edit,0,,Comment the rules" \
		"2026-11-10T08:00:00Z,$hand,$op,hand-edit,3,$(printf '%s\n' "$R1" "$R2" "$R3" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'),Describe three reports")"
}

@test "ew log: an add of more records than the trailers list counts them all (Ew-Count)" {
	{
		echo event_date,cercle,category
		for ((i = 0; i < 1001; i++)); do echo 2026-11-20,Niono,threat; done
	} >"$IN"
	run -0 ew add <"$IN"
	assert_equal "$(head_trailers | grep -c '^Ew-Record: ')" 1000
	assert_equal "$(head_trailers | grep '^Ew-Count: ')" 'Ew-Count: 1001'
	run_split -0 ew log --since 2026-11-28 --format tsv
	assert_equal "${#lines[@]}" 2
	IFS=$'\t' read -r t c a e act n ids subj <<<"${lines[1]}"
	assert_equal "$t,$c,$a,$e,$act,$n,$subj" "2026-11-28T12:00:00Z,$(head_commit),Test Operator,ops@example.org,add,1001,Add 1001 reports"
	assert_equal "$(tr ' ' '\n' <<<"$ids")" "$(head_trailers | sed -n 's/^Ew-Record: //p')"
}

@test "ew log: a record changed at both offices in the same field: both changes at their own commits, the merge keeps the later" {
	ew sync -q hub
	ew -C ../b sync -q
	assert_equal "$(head_commit ../b)" "$C_STATUS"
	at 2026-11-09T10:00:00Z
	ew update "$R3" severity=4 >/dev/null
	local mine
	mine=$(head_commit)
	cd ../b
	at 2026-11-09T11:00:00Z
	EW_AUTHOR='Moussa <moussa@y>' ew update "$R3" severity=5 >/dev/null
	local theirs
	theirs=$(head_commit)
	ew sync -q
	cd ../a
	at 2026-11-09T12:00:00Z
	run_split -0 ew sync hub
	assert_output "hub: received 1 record, sent 0; 1 field changed on both sides kept the later update ('ew list --conflicts' shows them)"
	assert_field "$R3" severity 5
	run_split -0 ew log "$R3" --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" \
		"$R3,2026-11-06T11:00:00Z,$C_ADD3,$op,add,,," \
		"$R3,2026-11-09T10:00:00Z,$mine,$op,update,severity,2,4" \
		"$R3,2026-11-09T11:00:00Z,$theirs,$moussa,update,severity,2,5")"
}

@test "ew log: -C DIR reads that repository; the table names each commit once" {
	cd "$BATS_TEST_TMPDIR"
	run_split -0 ew log -C scenario/a "$R1" --format table
	assert_equal "${#lines[@]}" 7
	assert_line --index 0 --regexp '^id +time +commit +author +action +field +old +new$'
	assert_line --index 1 --regexp "^$R1  2026-11-02T10:00:00Z  ${C_ADD1:0:12}  Test Operator  add *\$"
	assert_line --index 2 --regexp "^$R1  2026-11-04T10:00:00Z  ${C_AWA1:0:12}  Awa Traoré     update  severity  3 +4 *\$"
	assert_line --index 3 --regexp "^ {80,}killed +0 +2 *\$"
	run_split -0 ew log -C scenario/a --format table
	assert_equal "${#lines[@]}" 11
	assert_line --index 1 --regexp "^2026-11-08T10:00:00Z  ${C_STATUS:0:12}  Test Operator  update  1 +Update report ${R1:0:20}"
}

@test "ew log: a record moved to another year and back is followed; values with commas and quotes are quoted" {
	new_repo
	add_one severity=3
	local r=$ADDED_ID c1 c2 c3 c4
	c1=$(head_commit)
	EW_NOW=2026-11-28T13:00:00Z ew update "$r" event_date=2025-12-30 'description=a, "quoted" text' >/dev/null
	c2=$(head_commit)
	assert_equal "$(git ls-tree -r --name-only HEAD reports)" reports/2025/12.csv
	EW_NOW=2026-11-28T14:00:00Z ew update "$r" severity=2 >/dev/null
	c3=$(head_commit)
	EW_NOW=2026-11-28T15:00:00Z ew update "$r" event_date=2026-11-01 >/dev/null
	c4=$(head_commit)
	assert_equal "$(git ls-tree -r --name-only HEAD reports)" reports/2026/11.csv
	run_split -0 ew log "$r" --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" \
		"$r,2026-11-28T12:00:00Z,$c1,$op,add,,," \
		"$r,2026-11-28T13:00:00Z,$c2,$op,update,event_date,2026-11-20,2025-12-30" \
		"$r,2026-11-28T13:00:00Z,$c2,$op,update,description,,\"a, \"\"quoted\"\" text\"" \
		"$r,2026-11-28T14:00:00Z,$c3,$op,update,severity,3,2" \
		"$r,2026-11-28T15:00:00Z,$c4,$op,update,event_date,2025-12-30,2026-11-01")"
	run_split -0 ew log "$r" --json
	run -0 jq -r -s '.[2].new' <<<"$output"
	assert_output 'a, "quoted" text'
}

@test "ew log: an id prefix names a record, not text in a description that starts a line with something like an id" {
	new_repo
	add_one event_date=2026-11-20
	local r1=$ADDED_ID
	add_one event_date=2026-11-21
	local r2=$ADDED_ID
	# the same 25 characters as r2, another last one: pasted text, not a record
	local fake=${r2:0:25}Z
	[[ $fake != "$r2" ]] || fake=${r2:0:25}Y
	run -0 ew update "$r1" "description=pasted:
$fake,2026-11-21,x"
	# ew list and ew update see one record with that prefix
	run -0 ew list "${r2:0:25}" --fields id
	assert_output "$(printf '%s\n' id "$r2")"
	run_split -0 ew log "${r2:0:25}" --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" "$r2,2026-11-28T12:00:00Z,$(git rev-parse HEAD~1),$op,add,,,")"
	# and the pasted text is not a record
	run_split -2 ew log "$fake"
	assert_stderr_regex "^ew-log: .*$fake"
}

@test "ew log: times are printed in UTC, and --since and --until count UTC days, whatever the commit's time zone" {
	new_repo
	echo '# a comment' >>rules.conf
	GIT_COMMITTER_DATE=2026-11-10T01:30:00+05:00 git commit -q -am 'Comment the rules' --date=2026-11-10T01:30:00+05:00
	local c
	c=$(head_commit)
	run_split -0 ew log --until 2026-11-09 --format csv
	assert_output "$(printf '%s\n' "$LOG_HEADER" "2026-11-09T20:30:00Z,$c,$op,hand-edit,0,,Comment the rules")"
	run_split -1 ew log --since 2026-11-10 --until 2026-11-10 --format csv
	assert_output "$LOG_HEADER"
	run_split -0 ew log --anchor
	assert_output "$(printf '%s\n' 'ew-anchor 1' "commit $c" 'date 2026-11-09T20:30:00Z')"
}

@test "ew log: an alert commit and a commit of rules.conf change no record: 0 records, no ids" {
	new_repo
	add_one event_date=2026-11-27 killed=1
	local r=$ADDED_ID add
	add=$(head_commit)
	run -0 ew alert
	local raised
	raised=$(head_commit)
	assert_equal "$(git log -1 --format=%s)" 'Alerts: 1 raised'
	GIT_COMMITTER_DATE=2026-11-28T13:00:00Z git commit -q --allow-empty -m 'Nothing at all' --date=2026-11-28T13:00:00Z
	run_split -0 ew log --format csv
	assert_output "$(printf '%s\n' "$LOG_HEADER" \
		"2026-11-28T13:00:00Z,$(head_commit),$op,hand-edit,0,,Nothing at all" \
		"2026-11-28T12:00:00Z,$raised,$op,alert,0,,Alerts: 1 raised" \
		"2026-11-28T12:00:00Z,$add,$op,add,1,$r,\"Add report $r (attack, Niono)\"" \
		"2026-11-28T12:00:00Z,$(git rev-list --max-parents=0 HEAD),$op,init,0,,Initialise ew repository")"
	# a record's history lists only what changed the record
	run_split -0 ew log "$r" --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" "$r,2026-11-28T12:00:00Z,$add,$op,add,,,")"
}

@test "ew log: a record's commits made in the same second are in topological order: each after its parent" {
	new_repo
	# every step at EW_NOW (2026-11-28T12:00:00Z); the merge too
	export GIT_AUTHOR_DATE=$EW_TEST_NOW GIT_COMMITTER_DATE=$EW_TEST_NOW
	add_one
	local r=$ADDED_ID add killed injured severity merge
	add=$(head_commit)
	git switch -q -c side
	run -0 ew update "$r" killed=1
	killed=$(head_commit)
	run -0 ew update "$r" injured=2
	injured=$(head_commit)
	git switch -q main
	run -0 ew update "$r" severity=2
	severity=$(head_commit)
	run -0 git merge -q --no-ff -m merge side
	merge=$(head_commit)
	assert_equal "$(git log -1 --format=%P)" "$severity $injured"
	# one time for all
	assert_equal "$(git log --format='%aI %cI' | sort -u)" '2026-11-28T12:00:00+00:00 2026-11-28T12:00:00+00:00'
	run_split -0 ew log "$r" --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" \
		"$r,2026-11-28T12:00:00Z,$add,$op,add,,," \
		"$r,2026-11-28T12:00:00Z,$killed,$op,update,killed,0,1" \
		"$r,2026-11-28T12:00:00Z,$injured,$op,update,injured,0,2" \
		"$r,2026-11-28T12:00:00Z,$severity,$op,update,severity,,2")"
	assert_stderr_empty
	# no commit of the list is an ancestor of one listed before it
	local -a order
	mapfile -t order < <(tail -n +2 <<<"$output" | cut -d, -f3)
	assert_equal "${#order[@]}" 4
	local a b
	for ((a = 0; a < ${#order[@]}; a++)); do
		for ((b = a + 1; b < ${#order[@]}; b++)); do
			if git merge-base --is-ancestor "${order[b]}" "${order[a]}"; then
				fail "commit ${order[b]} (row $((b + 1))) is an ancestor of ${order[a]} (row $((a + 1)))"
			fi
		done
	done
	# the same commits as git's topological order, less ew init and the merge
	assert_equal "$(printf '%s\n' "${order[@]}" | sort)" \
		"$(git log --topo-order --reverse --format=%H | grep -v -x -e "$merge" -e "$(git rev-list --max-parents=0 HEAD)" | sort)"
	# and newest first with --reverse
	run_split -0 ew log --reverse "$r" --format csv
	assert_equal "$(tail -n +2 <<<"$output" | cut -d, -f3 | tr '\n' ' ')" "$severity $injured $killed $add "
}

@test "ew log: a row that does not parse in a commit: a row naming the line; the next readable version is compared with the last readable one" {
	export GIT_AUTHOR_DATE=2026-11-10T08:00:00Z GIT_COMMITTER_DATE=2026-11-10T08:00:00Z
	local line
	line=$(grep -n "^$R3," reports/2026/11.csv | cut -d: -f1)
	assert_equal "$line" 3
	# a field more in R3's row, before sensitivity
	sed -i "s/^\($R3,.*\),new,,restricted,,\$/\1,new,,x,restricted,,/" reports/2026/11.csv
	assert_equal "$(git diff --numstat)" "$(printf '1\t1\treports/2026/11.csv')"
	git commit -q -am 'Break a row'
	local broke
	broke=$(head_commit)
	# the field taken out again, and killed changed
	export GIT_AUTHOR_DATE=2026-11-10T09:00:00Z GIT_COMMITTER_DATE=2026-11-10T09:00:00Z
	sed -i "s/^\($R3,.*,clash,2,\)0,\(.*\),new,,x,restricted,,\$/\14,\2,new,,restricted,,/" reports/2026/11.csv
	assert_equal "$(git diff --numstat)" "$(printf '1\t1\treports/2026/11.csv')"
	git commit -q -am 'Fix a row'
	local fixed
	fixed=$(head_commit)
	assert_field "$R3" killed 4
	run_split -0 ew log "$R3" --format csv
	assert_output "$(printf '%s\n' "$HIST_HEADER" \
		"$R3,2026-11-06T11:00:00Z,$C_ADD3,$op,add,,," \
		"$R3,2026-11-10T08:00:00Z,$broke,$op,hand-edit,,,\"reports/2026/11.csv:3: expected 28 fields, found 29\"" \
		"$R3,2026-11-10T09:00:00Z,$fixed,$op,hand-edit,killed,0,4")"
	assert_stderr_empty
	# R1, in the same shard, did not change
	run_split -0 ew log "$R1" --format csv
	assert_output "$(r1_history)"
	run_split -0 ew log --since 2026-11-10 --format csv
	assert_output "$(printf '%s\n' "$LOG_HEADER" \
		"2026-11-10T09:00:00Z,$fixed,$op,hand-edit,1,$R3,Fix a row" \
		"2026-11-10T08:00:00Z,$broke,$op,hand-edit,1,$R3,Break a row")"
}

@test "ew log: a prefix of exactly two ids names both, without ', ...'; of three, two and ', ...'" {
	new_repo
	# the same EW_NOW: ids with the same first 10 characters (the time)
	add_one event_date=2026-11-20
	local r1=$ADDED_ID
	add_one event_date=2026-11-21
	local r2=$ADDED_ID
	EW_NOW=2026-11-28T13:00:00Z add_one event_date=2026-11-22
	local r3=$ADDED_ID p=${r1:0:10}
	assert_equal "${r2:0:10}" "$p"
	[[ ${r3:0:10} != "$p" ]] || fail "$r3 starts with $p"
	run_split -2 ew log "$p" --format csv
	assert_stdout_empty
	assert_stderr "ew-log: '$p' is the start of more than one id ($r1, $r2); give more of it"
	run_split -2 ew log "${p,,}"
	assert_stdout_empty
	assert_stderr "ew-log: '${p,,}' is the start of more than one id ($r1, $r2); give more of it"
	run_split -2 ew log "${r1:0:2}" --format csv
	assert_stdout_empty
	assert_stderr "ew-log: '${r1:0:2}' is the start of more than one id ($r1, $r2, ...); give more of it"
}
