# helpers.bash -- common set-up and assertions for the ew bats suites.
#
# Every suite does
#	load helpers
# at the top.  Each test then runs in a clean environment: a fresh HOME in
# $BATS_TEST_TMPDIR with its own git identity, no GIT_* or EW_* variables
# from the caller, a fixed EW_NOW, and the programs under test first on PATH
# ($EW_BIN if set, else the bin/ directory of this source tree).

bats_require_minimum_version 1.5.0

# bats-support and bats-assert.  Their load.bash files run $(dirname ...)
# for each file they source: fifteen forks per test, ~0.2 s on a slow VM,
# half a minute for the suite.  Source the same files directly when the
# Debian layout is there.
if [[ -f /usr/lib/bats/bats-support/src/output.bash &&
	-f /usr/lib/bats/bats-assert/src/assert.bash ]]; then
	for _ew_f in /usr/lib/bats/bats-support/src/{output,error,lang}.bash \
		/usr/lib/bats/bats-assert/src/*.bash; do
		source "$_ew_f"
	done
	unset _ew_f
else
	load '/usr/lib/bats/bats-support/load'
	load '/usr/lib/bats/bats-assert/load'
fi

EW_PROJECT_DIR=${BATS_TEST_DIRNAME%/*}
# (suites in tests/slow/ are one level deeper)
[[ -f $EW_PROJECT_DIR/Makefile ]] || EW_PROJECT_DIR=${EW_PROJECT_DIR%/*}

# The "now" of every test: a Saturday.  Today is 2026-11-28, tomorrow (the
# latest event_date accepted) is 2026-11-29.
EW_TEST_NOW=2026-11-28T12:00:00Z
EW_TEST_NOW_EPOCH=1795867200

# Under valgrind (make check-valgrind sets EW_UNDER_VALGRIND=1) a program
# runs 20 to 50 times slower: the suites multiply the wall-clock limits
# they put on programs by EW_TEST_SLOW, and give a jq program that must
# finish EW_TEST_JQ_SECS seconds of CPU where one second is enough.
if [[ -n ${EW_UNDER_VALGRIND:-} ]]; then
	EW_TEST_SLOW=40 EW_TEST_JQ_SECS=10
else
	EW_TEST_SLOW=1 EW_TEST_JQ_SECS=1
fi

# The columns of a record, in the order of every output and of the shards.
EW_COLUMNS=id,event_date,date_precision,reported_at,updated_at,reporter,channel,region,cercle,commune,location,latitude,longitude,geo_precision,category,severity,killed,injured,abducted,displaced,actor1,actor2,source,status,duplicate_of,sensitivity,description,tags

# A ULID as printed by the tools: 26 Crockford base32 characters.
ULID_RE='[0-9A-HJKMNP-TV-Z]{26}'

# Prefer the system python (the pyenv shim costs ~100 ms a call).
if [[ -x /usr/bin/python3 ]]; then
	PYTHON=/usr/bin/python3
else
	PYTHON=python3
fi

# ew_environment BASE: sanitise the environment, with BASE as HOME.
ew_environment() {
	local base=$1 v
	for v in ${!GIT_@}; do
		unset "$v"
	done
	# every EW_* but those that choose what is tested
	for v in ${!EW_@}; do
		case $v in
		EW_BIN | EW_SHAREDIR | EW_SKIP_INSTALL_TEST | EW_UNDER_VALGRIND | EW_PROJECT_DIR | EW_TEST_* | EW_COLUMNS) ;;
		*) unset "$v" ;;
		esac
	done
	export GIT_CONFIG_NOSYSTEM=1
	export HOME=$base
	unset XDG_CONFIG_HOME
	printf '%s\n' '[user]' '	name = Test Operator' '	email = ops@example.org' \
		'[init]' '	defaultBranch = main' >"$HOME/.gitconfig"
	export EW_NOW=$EW_TEST_NOW
	# under valgrind, concurrent writers wait longer than 60 s for the lock
	[[ -z ${EW_UNDER_VALGRIND:-} ]] || export EW_LOCK_TIMEOUT=600
	export EW_SHAREDIR=${EW_SHAREDIR:-$EW_PROJECT_DIR/share/ew}
	if [[ -n ${EW_BIN:-} ]]; then
		PATH=$EW_BIN:$PATH
	else
		PATH=$EW_PROJECT_DIR/bin:$PATH
	fi
	export PATH
	export LC_ALL=C.UTF-8
	# Far from UTC (UTC+14): "today" must be the UTC date of EW_NOW.
	export TZ=Pacific/Kiritimati
	export MANPAGER=cat PAGER=cat
}

# The default per-test set-up; a suite with its own setup() calls this first.
ew_common_setup() {
	ew_environment "$BATS_TEST_TMPDIR"
	cd "$BATS_TEST_TMPDIR" || return 1
}

setup() {
	ew_common_setup
}

# new_repo [DIR]: a fresh ew repository in DIR (default
# $BATS_TEST_TMPDIR/repo), and cd there.  The first call in a file runs
# 'ew init -q' into $BATS_FILE_TMPDIR/template; later calls copy that
# (cp -a is a third of the cost of ew init, and ew-init.bats tests ew init).
new_repo() {
	local dir=${1:-$BATS_TEST_TMPDIR/repo} tpl=$BATS_FILE_TMPDIR/template
	if [[ ! -f $tpl/ew.conf ]]; then
		ew init -q "$tpl" || fail "new_repo: 'ew init -q $tpl' failed"
	fi
	cp -a "$tpl" "$dir" || fail "new_repo: cannot copy $tpl to $dir"
	cd "$dir" || return 1
}

# program_dir: the directory ew's programs run from, as they see it: that
# of ew-init in PATH or, under valgrind, that of the programs the wrappers
# of build/vg/wrap run (build/vg/bin).
program_dir() {
	local dir
	dir=$(dirname "$(command -v ew-init)")
	[[ -z ${EW_UNDER_VALGRIND:-} ]] || dir=${dir%/wrap}/bin
	echo "$dir"
}

# head_commit [DIR]: the commit id of HEAD.
head_commit() {
	git -C "${1:-.}" rev-parse --verify -q HEAD
}

# commit_count [DIR]: the number of commits reachable from HEAD.
commit_count() {
	git -C "${1:-.}" rev-list --count HEAD
}

# head_message: the full message of HEAD.
head_message() {
	git log -1 --format=%B
}

# head_trailers: the trailers of HEAD, one "Key: value" a line.
head_trailers() {
	git log -1 --format=%B | git interpret-trailers --parse
}

# add_one FIELD=VALUE...: add one record with defaults for the required
# fields (event_date 2026-11-20, cercle Niono, category attack) and put
# its id in $ADDED_ID.
add_one() {
	local out
	out=$(ew add event_date=2026-11-20 cercle=Niono category=attack "$@") ||
		fail "add_one: ew add $* failed"
	[[ $out =~ ^$ULID_RE$ ]] || fail "add_one: ew add printed '$out', not one id"
	ADDED_ID=$out
}

# assert_clean_repo [DIR]: the work tree and index match HEAD, and the
# repository passes git fsck --strict.
assert_clean_repo() {
	local dir=${1:-.} st= fsck= rc=0 f=$BATS_TEST_TMPDIR/.clean
	git -C "$dir" status --porcelain --untracked-files=all >"$f" ||
		fail "git status failed in $dir"
	IFS= read -r -d '' st <"$f" || true
	[[ -z $st ]] || fail "$(printf 'git status --porcelain is not empty:\n%s' "$st")"
	git -C "$dir" fsck --strict --no-progress >"$f" 2>&1 || rc=$?
	IFS= read -r -d '' fsck <"$f" || true
	((rc == 0)) || fail "$(printf 'git fsck --strict exited %s:\n%s' "$rc" "$fsck")"
	# (dangling objects are no problem, and their ids may spell "bad")
	local l
	fsck=
	while IFS= read -r l; do
		[[ $l == "dangling "* ]] || fsck+=$l$'\n'
	done <"$f"
	if [[ ${fsck,,} =~ error|warning|missing|broken|bad|invalid|corrupt ]]; then
		fail "$(printf 'git fsck --strict reported problems:\n%s' "$fsck")"
	fi
}

# repo_snapshot: HEAD (the "# branch.oid" line), the index and the work
# tree as git status sees them, then every path of the work tree, with the
# SHA-256 of each file: what a failing command must leave as it found it.  (Globs, not find, and files,
# not $(...): every fork counts when a suite takes hundreds of snapshots.)
repo_snapshot() {
	local - p
	local -a files=() dirs=()
	shopt -s globstar dotglob nullglob
	for p in **; do
		case $p in
		.git | .git/*) ;;
		*) if [[ -d $p ]]; then dirs+=("$p/"); else files+=("$p"); fi ;;
		esac
	done
	git status --porcelain=v2 --branch --untracked-files=all --ignored
	printf '%s\n' "${dirs[@]}"
	((${#files[@]} == 0)) || sha256sum -- "${files[@]}"
}

# save_snapshot [FILE] / assert_repo_unchanged: compare the repository in
# the current directory before and after a command.  With FILE, the
# snapshot is also kept there; load_snapshot FILE takes it back (for
# repositories that are copies of one another, or shared by a file's tests).
save_snapshot() {
	local f=${1:-$BATS_TEST_TMPDIR/.snapshot}
	repo_snapshot >"$f" || fail "save_snapshot: git status failed"
	load_snapshot "$f"
}

load_snapshot() {
	EW_SNAPSHOT=
	IFS= read -r -d '' EW_SNAPSHOT <"$1" || true
	[[ $1 == "$BATS_TEST_TMPDIR/.snapshot" ]] || printf '%s' "$EW_SNAPSHOT" >"$BATS_TEST_TMPDIR/.snapshot"
}

assert_repo_unchanged() {
	[[ -n ${EW_SNAPSHOT:-} ]] || fail "assert_repo_unchanged: no save_snapshot before"
	local now=
	repo_snapshot >"$BATS_TEST_TMPDIR/.snapshot.now" || fail "assert_repo_unchanged: git status failed"
	IFS= read -r -d '' now <"$BATS_TEST_TMPDIR/.snapshot.now" || true
	if [[ $now != "$EW_SNAPSHOT" ]]; then
		fail "$(printf 'the repository changed (HEAD, index or work tree):\n%s' \
			"$(diff "$BATS_TEST_TMPDIR/.snapshot" "$BATS_TEST_TMPDIR/.snapshot.now")")"
	fi
}

# rules: rules.conf from stdin, committed.
rules() {
	cat >rules.conf || fail "rules: cannot write rules.conf"
	git commit -q -m 'Set the alert rules' rules.conf || fail "rules: cannot commit rules.conf"
}

# run_split [-N] CMD...: what bats' 'run [-N] --separate-stderr CMD...'
# does, without its subshell and mktemp (a third of the cost; this suite
# runs several hundred commands): sets $status, $output and $lines (stdout,
# trailing newlines dropped, $lines without empty lines, as run does), and
# $stderr and $stderr_lines.  With -N the test fails unless CMD exits with
# exactly N, so a crash is never taken for an expected failure.  stdin is
# the caller's: run_split -2 ew add <file.
run_split() {
	local want= o=$BATS_TEST_TMPDIR/.run.out e=$BATS_TEST_TMPDIR/.run.err l
	if [[ $1 =~ ^-([0-9]+)$ ]]; then
		want=${BASH_REMATCH[1]}
		shift
	fi
	status=0
	"$@" >"$o" 2>"$e" || status=$?
	output= stderr=
	IFS= read -r -d '' output <"$o" || true
	IFS= read -r -d '' stderr <"$e" || true
	while [[ $output == *$'\n' ]]; do output=${output%$'\n'}; done
	while [[ $stderr == *$'\n' ]]; do stderr=${stderr%$'\n'}; done
	lines=() stderr_lines=()
	while IFS= read -r l || [[ -n $l ]]; do
		[[ -z $l ]] || lines+=("$l")
	done <"$o"
	while IFS= read -r l || [[ -n $l ]]; do
		[[ -z $l ]] || stderr_lines+=("$l")
	done <"$e"
	if [[ -n $want ]] && ((status != want)); then
		fail "$(printf '%s\nexited %s, expected %s\n-- stdout --\n%s\n-- stderr --\n%s' \
			"${*@Q}" "$status" "$want" "$output" "$stderr")"
	fi
}

# assert_no_crash: $status is not a signal death (>= 128).
assert_no_crash() {
	((status < 128)) || fail "the program crashed: exit status $status"
}

# After run_split (or 'run --separate-stderr'): assertions on $stderr.
assert_stderr() {
	assert_equal "$stderr" "$1"
}

assert_stderr_regex() {
	[[ $stderr =~ $1 ]] ||
		fail "$(printf 'stderr does not match /%s/:\n%s' "$1" "$stderr")"
}

assert_stderr_empty() {
	[[ -z $stderr ]] || fail "$(printf 'stderr is not empty:\n%s' "$stderr")"
}

assert_stdout_empty() {
	[[ -z $output ]] || fail "$(printf 'stdout is not empty:\n%s' "$output")"
}

# assert_rejected MESSAGE: the last 'run_split -2' printed
# nothing on stdout, left the repository as save_snapshot found it, and
# printed exactly MESSAGE (one line per error) on stderr.
assert_rejected() {
	assert_stdout_empty
	assert_repo_unchanged
	assert_stderr "$1"
}

# assert_rejected_regex REGEX: the same, with stderr matching REGEX.
assert_rejected_regex() {
	assert_stdout_empty
	assert_repo_unchanged
	assert_stderr_regex "$1"
}

# In loops, check the messages each time and the repository once after.
assert_rejected_msg() {
	assert_stdout_empty
	assert_stderr "$1"
}

assert_rejected_msg_regex() {
	assert_stdout_empty
	assert_stderr_regex "$1"
}

# list_ids [ARGS...]: the ids ew list prints with ARGS, sorted, one a line.
list_ids() {
	ew list --fields id "$@" | tail -n +2 | LC_ALL=C sort
}

# json_field ID FIELD: the value of FIELD of record ID, as jq -r prints it.
json_field() {
	ew list --json "$1" | jq -r --arg f "$2" '.[$f]'
}

# assert_field ID FIELD VALUE: record ID has VALUE in FIELD, as ew list
# --format tsv prints it (one command, no jq: this runs often).
assert_field() {
	local f=$BATS_TEST_TMPDIR/.field out= rc=0
	ew list --format tsv --fields "$2" "$1" >"$f" || rc=$?
	IFS= read -r -d '' out <"$f" || true
	out=${out%$'\n'}
	assert_equal "$rc:$out" "0:$2"$'\n'"$3"
}

# csv_field FIELD < CSV: the value of FIELD in every record of the CSV on
# stdin, written raw (no newline added) and NUL-terminated.
csv_field() {
	"$PYTHON" -c '
import csv, io, sys
rows = csv.DictReader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline=""))
for r in rows:
    sys.stdout.buffer.write(r[sys.argv[1]].encode("utf-8") + b"\0")
' "$1"
}

# assert_no_controls TEXT: no ESC, BEL, other C0 control (but newline and
# tab), DEL, C1 control (U+0080-U+009F) or bidirectional control (U+202A-E,
# U+2066-9, U+200E-F, U+061C) in TEXT.  Bytes, not $'\u...': those depend
# on the locale bash runs in.
assert_no_controls() {
	local bad=$'[\x01-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c'
	if printf '%s' "$1" | LC_ALL=C grep -qE "$bad"; then
		fail "$(printf 'control or bidi characters reached the terminal:\n%s' "$(printf '%s' "$1" | od -c | head -20)")"
	fi
}

# $IN: a scratch input file outside the repository.
IN=${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}/input
