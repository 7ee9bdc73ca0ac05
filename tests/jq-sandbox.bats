#!/usr/bin/env bats
# The jq sandbox: every place that runs a user's jq program (ew list
# --where, the where of a rule in rules.conf, with ew alert --dry-run and
# a real ew alert) refuses modules, the environment and the input
# builtins, and stops a program at its time or memory limit with a
# message that names the limit.  No value of the environment shows in any
# output, nothing is written by a refused program, and the rules that
# work are still evaluated (and committed) beside those that do not.
#
# Limits are short here: EW_JQ_TIMEOUT=1 (s) for programs that loop,
# EW_JQ_MEMORY=16 (MiB, the least allowed) for those that allocate, with
# a time limit far enough that the memory limit is what stops them.

load helpers

R1=01JQ0000000000000000000001
R2=01JQ0000000000000000000002

CANARY=canary-7f3a9c-secret

# Memory past a program's limit that ew may take before it stops one (it
# looks every 100 ms of CPU), on top of its size for a plain program.
RSS_SLACK=$((64 * 1024))

setup_file() {
	ew_environment "$BATS_FILE_TMPDIR"
	ew init -q "$BATS_FILE_TMPDIR/fixture" || return 1
	printf 'id,event_date,cercle,category,severity\n%s,2026-11-25,Niono,attack,3\n%s,2026-11-26,San,threat,2\n' $R1 $R2 |
		ew add -C "$BATS_FILE_TMPDIR/fixture" >/dev/null || return 1
	(cd "$BATS_FILE_TMPDIR/fixture" &&
		/usr/bin/time -q -f %M -o "$BATS_FILE_TMPDIR/rss.list" ew list --where '.severity > 2' >/dev/null) || return 1
}

setup() {
	ew_common_setup
	# a HOME whose name must not show, holding a ~/.jq that libjq would
	# load into every program: it must not be loaded
	export HOME=$BATS_TEST_TMPDIR/home-XYZZY
	mkdir "$HOME"
	cp "$BATS_TEST_TMPDIR/.gitconfig" "$HOME/"
	printf 'def canary_def: "LOADED";\ndef leak: $ENV.EW_CANARY_SECRET;\n' >"$HOME/.jq"
	export EW_CANARY_SECRET=$CANARY
	cp -a "$BATS_FILE_TMPDIR/fixture" "$BATS_TEST_TMPDIR/repo"
	cd "$BATS_TEST_TMPDIR/repo" || return 1
	# a module beside the data, for import and include to find
	printf 'def a: $ENV.EW_CANARY_SECRET;\n' >"$BATS_TEST_TMPDIR/a.jq"
	save_snapshot
}

# assert_no_leak: neither the canary's value nor HOME shows in the output.
assert_no_leak() {
	[[ $output$stderr != *"$CANARY"* ]] || fail "$(printf 'the environment leaked:\n%s\n%s' "$output" "$stderr")"
	[[ $output$stderr != *XYZZY* ]] || fail "$(printf 'HOME leaked:\n%s\n%s' "$output" "$stderr")"
}

# where_run [-N] EXPR: ew list --where EXPR with its peak resident size in
# $rss (KiB) and its wall time in $ms.
where_run() {
	local -a want=()
	if [[ $1 =~ ^-[0-9]+$ ]]; then
		want=("$1")
		shift
	fi
	local t0=$EPOCHREALTIME
	run_split "${want[@]}" /usr/bin/time -q -f %M -o "$BATS_TEST_TMPDIR/.rss" ew list --fields id,cercle --where "$1"
	ms=$(((${EPOCHREALTIME/./} - ${t0/./}) / 1000))
	rss=$(tail -n 1 "$BATS_TEST_TMPDIR/.rss")
	assert_no_crash
	assert_no_leak
}

# assert_within MS: the last where_run took less than MS milliseconds
# (times EW_TEST_SLOW) and stayed within RSS_SLACK of a plain program's size.
assert_within() {
	((ms < $1 * EW_TEST_SLOW)) || fail "it took $ms ms"
	local base
	base=$(<"$BATS_FILE_TMPDIR/rss.list")
	((rss < base + RSS_SLACK)) || fail "peak resident size $rss KiB, more than $base + $RSS_SLACK KiB"
}

# conf_value TEXT: TEXT as a double-quoted git-config value.
conf_value() {
	local v=${1//\\/\\\\}
	v=${v//\"/\\\"}
	printf '"%s"' "$v"
}

# hostile_rules NAME EXPR...: rules.conf with a red rule NAME for each
# EXPR, then the rule "attacks" that works, committed.
hostile_rules() {
	while (($#)); do
		printf '[rule "%s"]\n\tlevel = red\n\twindow = 7d\n\twhere = %s\n' "$1" "$(conf_value "$2")"
		shift 2
	done >rules.conf
	printf '[rule "attacks"]\n\tlevel = yellow\n\twindow = 7d\n\twhere = .category == \\"attack\\"\n\tgroup-by = cercle\n' >>rules.conf
	git commit -q -m 'Rules, some hostile' rules.conf || fail "cannot commit rules.conf"
	save_snapshot
}

# The line ew alert prints for a rule that failed.
refused() { echo "ew-alert: rules.conf: rule '$1': jq program uses '$2', which is not allowed here; its alerts are unchanged"; }
over_time() { echo "ew-alert: rules.conf: rule '$1': ran past its time limit (EW_JQ_TIMEOUT=$EW_TEST_JQ_SECS s of CPU); its alerts are unchanged"; }
over_memory() { echo "ew-alert: rules.conf: rule '$1': ran past its memory limit (EW_JQ_MEMORY=16 MiB); its alerts are unchanged"; }

# The alert the rule "attacks" raises, as ew alert prints it: rule, group, state.
ATTACKS_RAISED=$'attacks\tNiono\traised'

# csvcols COL...: those columns of the CSV on stdin, tab-separated.
csvcols() {
	"$PYTHON" -c '
import csv, io, sys
for r in csv.DictReader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline="")):
    print("\t".join(r[c] for c in sys.argv[1:]))
' "$@"
}

# ---------------------------------------------------------------------------
# ew list --where

@test "jq sandbox: --where refuses \$ENV, env, import, include, input, halt_error, \$__loc__ and input_filename by name" {
	local -a progs=('$ENV.EW_CANARY_SECRET' 'env.EW_CANARY_SECRET' 'import "a" as a; a::a'
		'include "a"; a' 'input' '"x" | halt_error(1)' '$__loc__' 'input_filename')
	local -a names=('$ENV' env import include input halt_error '$__loc__' input_filename)
	local i
	cd "$BATS_TEST_TMPDIR"
	for ((i = 0; i < ${#progs[@]}; i++)); do
		EW_DIR=$BATS_TEST_TMPDIR/repo where_run -2 "${progs[i]}"
		assert_stdout_empty
		assert_stderr "ew-list: jq program uses '${names[i]}', which is not allowed here"
	done
	cd repo
	assert_repo_unchanged
}

@test "jq sandbox: --where never loads ~/.jq, whose definitions and environment stay out of reach" {
	local f
	for f in canary_def leak; do
		where_run -2 "$f"
		assert_stdout_empty
		assert_stderr "ew-list: invalid jq program '$f': jq: error: $f/0 is not defined at <top-level>, line 1:\\n$f; jq: 1 compile error"
	done
	# and a ~/.jq that does not compile breaks nothing
	printf 'def broken' >"$HOME/.jq"
	where_run -0 '.severity > 2'
	assert_output "$(printf 'id,cercle\n%s,Niono' $R1)"
	assert_repo_unchanged
}

@test "jq sandbox: --where 'def f: f; f' stops at EW_JQ_TIMEOUT with exit 2 and the limit named" {
	EW_JQ_TIMEOUT=1 where_run -2 'def f: f; f'
	assert_stdout_empty
	assert_stderr 'ew-list: jq program ran past its time limit (EW_JQ_TIMEOUT); stopped'
	assert_within 15000
	assert_repo_unchanged
}

@test "jq sandbox: --where [repeat(1)], [range(1e9)], \"x\" * 1e9 and other bombs stop at EW_JQ_MEMORY with exit 2 and the limit named" {
	export EW_JQ_TIMEOUT=30 EW_JQ_MEMORY=16
	local p
	for p in '[repeat(1)]' '[range(1e9)]' '"x" * 1e9' '[limit(1e9; repeat(1))]' \
		'getpath([range(1e7)])' '[range(1e6)] | [tostream] | length > 0' 'def f: [f]; f'; do
		where_run -2 "$p"
		assert_stdout_empty
		assert_stderr 'ew-list: jq program ran past its memory limit (EW_JQ_MEMORY); stopped'
		assert_within 15000
	done
	assert_repo_unchanged
}

@test "jq sandbox: --where 'limit(1e9; repeat(1))' is bounded: only its first output is taken" {
	EW_JQ_TIMEOUT=1 EW_JQ_MEMORY=16 where_run -0 'limit(1e9; repeat(1))'
	assert_output "$(printf 'id,cercle\n%s,Niono\n%s,San' $R1 $R2)"
	assert_stderr_empty
	assert_within 10000
}

@test "jq sandbox: --where with an invalid EW_JQ_TIMEOUT or EW_JQ_MEMORY is a usage error, not an unlimited run" {
	EW_JQ_TIMEOUT=soon where_run -2 '.severity > 2'
	assert_stdout_empty
	assert_stderr "ew-list: invalid EW_JQ_TIMEOUT 'soon' (expected seconds, 1 to 86400)"
	EW_JQ_MEMORY=8 where_run -2 '.severity > 2'
	assert_stdout_empty
	assert_stderr "ew-list: invalid EW_JQ_MEMORY '8' (expected MiB, 16 or more)"
}

# ---------------------------------------------------------------------------
# rules.conf

@test "jq sandbox: rules using \$ENV, env, import, include, input, halt_error, \$__loc__ or input_filename are reported and skipped; the others raise (--dry-run, then for real)" {
	hostile_rules envv '$ENV.EW_CANARY_SECRET' envf 'env | .EW_CANARY_SECRET' imports 'import "a" as a; a::a' \
		includes 'include "a"; a' inputs 'input' halts '"x" | halt_error' loc '$__loc__.file' \
		file 'input_filename'
	local want
	want=$(refused envv '$ENV'; refused envf env; refused imports import; refused includes include
		refused inputs input; refused halts halt_error; refused loc '$__loc__'; refused file input_filename)
	run_split -2 ew alert --dry-run
	assert_no_leak
	assert_stderr "$want"
	assert_equal "$(csvcols rule group state <<<"$output")" "$ATTACKS_RAISED"
	assert_repo_unchanged
	# for real: the same report; the alert of the rule that works is committed
	local head
	head=$(head_commit)
	run_split -2 ew alert
	assert_no_leak
	assert_stderr "$want"
	assert_equal "$(csvcols rule group state <<<"$output")" "$ATTACKS_RAISED"
	assert_equal "$(git rev-parse HEAD~1)" "$head"
	assert_equal "$(git log -1 --format=%s)" 'Alerts: 1 raised'
	assert_equal "$(git show HEAD:alerts.csv | csvcols rule group state)" "$ATTACKS_RAISED"
	assert_clean_repo
}

@test "jq sandbox: a rule never loads ~/.jq" {
	hostile_rules def 'canary_def == "LOADED"' leak 'leak | length > 0'
	run_split -2 ew alert --dry-run
	assert_no_leak
	assert_equal "${#stderr_lines[@]}" 2
	assert_equal "${stderr_lines[0]}" "ew-alert: rules.conf: rule 'def': invalid jq program 'canary_def == \"LOADED\"': jq: error: canary_def/0 is not defined at <top-level>, line 1:\\ncanary_def == \"LOADED\"; jq: 1 compile error; its alerts are unchanged"
	assert_equal "${stderr_lines[1]}" "ew-alert: rules.conf: rule 'leak': invalid jq program 'leak | length > 0': jq: error: leak/0 is not defined at <top-level>, line 1:\\nleak | length > 0; jq: 1 compile error; its alerts are unchanged"
	assert_equal "$(csvcols rule group state <<<"$output")" "$ATTACKS_RAISED"
	assert_repo_unchanged
}

@test "jq sandbox: rules 'def f: f; f', [repeat(1)], [range(1e9)] and \"x\" * 1e9 stop at their limit, named; the others raise (--dry-run)" {
	export EW_JQ_TIMEOUT=$EW_TEST_JQ_SECS EW_JQ_MEMORY=16
	hostile_rules spin 'def f: f; f' repeat '[repeat(1)]' range '[range(1e9)]' strings '"x" * 1e9'
	local t0=$EPOCHREALTIME
	run_split -2 ew alert --dry-run
	local ms=$(((${EPOCHREALTIME/./} - ${t0/./}) / 1000))
	assert_no_crash
	assert_no_leak
	((ms < 30000 * EW_TEST_SLOW)) || fail "ew alert took $ms ms"
	assert_stderr "$(over_time spin; over_memory repeat; over_memory range; over_memory strings)"
	assert_equal "$(csvcols rule group state <<<"$output")" "$ATTACKS_RAISED"
	assert_repo_unchanged
}

@test "jq sandbox: a real ew alert with runaway rules commits the alerts of the rules that work, and only those" {
	export EW_JQ_TIMEOUT=$EW_TEST_JQ_SECS EW_JQ_MEMORY=16
	hostile_rules spin 'def f: f; f' bomb '[range(1e9)]'
	local head
	head=$(head_commit)
	run_split -2 ew alert
	assert_no_crash
	assert_no_leak
	assert_stderr "$(over_time spin; over_memory bomb)"
	assert_equal "$(csvcols rule group state <<<"$output")" "$ATTACKS_RAISED"
	assert_equal "$(git rev-parse HEAD~1)" "$head"
	assert_equal "$(git show HEAD:alerts.csv | csvcols rule group state)" "$ATTACKS_RAISED"
	assert_clean_repo
}

@test "jq sandbox: rules with limit, getpath, tostream and recursion bombs stop at the memory limit; limit(1e9; repeat(1)) is bounded and raises" {
	export EW_JQ_TIMEOUT=5 EW_JQ_MEMORY=16
	hostile_rules limits '[limit(1e9; repeat(1))]' paths 'getpath([range(1e7)])' \
		stream '[range(1e6)] | [tostream] | length > 0' deep 'def f: [f]; f' \
		first 'limit(1e9; repeat(1))'
	run_split -2 ew alert --dry-run
	assert_no_crash
	assert_no_leak
	assert_stderr "$(over_memory limits; over_memory paths; over_memory stream; over_memory deep)"
	assert_equal "$(csvcols rule group state <<<"$output")" "$(printf 'first\t\traised\n%s' "$ATTACKS_RAISED")"
	assert_repo_unchanged
}
