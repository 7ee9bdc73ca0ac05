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
# once per file they source, fifteen forks per test (~0.2 s on a busy
# machine, half a minute for the suite); source the same files directly
# when the Debian layout is there.
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
EW_TEST_DATA=$BATS_TEST_DIRNAME/data

# The "now" of every test: a Saturday.  Today is 2026-11-28, tomorrow (the
# latest event_date accepted) is 2026-11-29.
EW_TEST_NOW=2026-11-28T12:00:00Z
EW_TEST_NOW_EPOCH=1795867200

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

# ew_environment BASE: sanitise the environment, with HOME in BASE/home.
ew_environment() {
	local base=$1 v
	for v in ${!GIT_@}; do
		unset "$v"
	done
	unset EW_DIR EW_AUTHOR
	export GIT_CONFIG_NOSYSTEM=1
	export HOME=$base/home
	mkdir -p "$HOME"
	unset XDG_CONFIG_HOME
	printf '%s\n' '[user]' '	name = Test Operator' '	email = ops@example.org' \
		'[init]' '	defaultBranch = main' >"$HOME/.gitconfig"
	export EW_NOW=$EW_TEST_NOW
	export EW_SHAREDIR=${EW_SHAREDIR:-$EW_PROJECT_DIR/share/ew}
	if [[ -n ${EW_BIN:-} ]]; then
		PATH=$EW_BIN:$PATH
	else
		PATH=$EW_PROJECT_DIR/bin:$PATH
	fi
	export PATH
	export LC_ALL=C.UTF-8
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

# new_repo [DIR]: ew init -q a repository (default $BATS_TEST_TMPDIR/repo)
# and cd into it.
new_repo() {
	local dir=${1:-$BATS_TEST_TMPDIR/repo}
	ew init -q "$dir" || fail "new_repo: 'ew init -q $dir' failed"
	cd "$dir" || return 1
	[[ -f ew.conf ]] || fail "new_repo: $dir has no ew.conf after ew init"
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
	local dir=${1:-.} st
	st=$(git -C "$dir" status --porcelain --untracked-files=all) ||
		fail "git status failed in $dir"
	[[ -z $st ]] || fail "$(printf 'git status --porcelain is not empty:\n%s' "$st")"
	local fsck rc=0
	fsck=$(git -C "$dir" fsck --strict --no-progress 2>&1) || rc=$?
	((rc == 0)) || fail "$(printf 'git fsck --strict exited %s:\n%s' "$rc" "$fsck")"
	if grep -Eiq 'error|warning|missing|broken|bad|invalid|corrupt' <<<"$fsck"; then
		fail "$(printf 'git fsck --strict reported problems:\n%s' "$fsck")"
	fi
}

# repo_snapshot: HEAD, the index and the work tree as git status sees them,
# then every path of the work tree, with the SHA-256 of each file: what a
# failing command must leave as it found it.  (Globs, not find, and files,
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

# save_snapshot / assert_repo_unchanged: compare the repository in the
# current directory before and after a command.
save_snapshot() {
	repo_snapshot >"$BATS_TEST_TMPDIR/.snapshot" || fail "save_snapshot: git status failed"
	EW_SNAPSHOT=
	IFS= read -r -d '' EW_SNAPSHOT <"$BATS_TEST_TMPDIR/.snapshot" || true
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

# assert_no_crash: $status is not a signal death (>= 128).
assert_no_crash() {
	((status < 128)) || fail "the program crashed: exit status $status"
}

# With 'run --separate-stderr': assertions on $stderr.
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

# assert_rejected MESSAGE: the last 'run -2 --separate-stderr' printed
# nothing on stdout, left the repository as save_snapshot found it, and
# printed exactly MESSAGE (one line a error) on stderr.
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

# py SCRIPT [ARGS...]: run a python snippet.
py() {
	local script=$1
	shift
	"$PYTHON" -c "$script" "$@"
}

# $IN: a scratch input file outside the repository.
IN=${BATS_TEST_TMPDIR:-/tmp}/input
