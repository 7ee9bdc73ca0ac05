# crash.bash -- kill an ew command at each of its system calls in turn,
# and at random moments, and check what it leaves (tests/slow/crash.bats).
#
# A case is a fixture (made once, copied for every run) and a command.
# kill_each runs the command once under strace to list its system calls,
# then once for each call: `strace -e inject=SYSCALL:signal=KILL:when=K`
# kills it as it enters that call (the K-th call of that name is the
# call's place in the list).  kill_randomly kills it after a random delay
# instead.  After every run check_run asserts what must hold, and the
# failures, with the run that caused each, go to $CRASH_LOG
# ($W/failures).
#
# Cases (the variable CASE): add, update, alert, sync.  The fixture lives
# in $W/tpl: office/ (an ew repository with the demo records) and, for
# sync, hub.git (a bare hub that has a record the office lacks).

# The demo records, and the first rows' ids as the fixture has them.
CRASH_NEW_DESC=crash-test-record
CRASH_NEXT_DESC=crash-test-next

# crash_fixture CASE: makes $W/tpl for CASE.
crash_fixture() {
	local case=$1
	mkdir -p "$W/tpl"
	ew init -q "$W/tpl/office" >/dev/null || return 1
	(cd "$W/tpl/office" && ew add <"$EW_SHAREDIR/demo/reports.csv" >/dev/null) || return 1
	case $case in
	alert)
		# the demo's rules raise alerts; one more record changes a count
		;;
	sync)
		git init -q --bare "$W/tpl/hub.git" || return 1
		git -C "$W/tpl/office" remote add origin "$W/tpl/hub.git"
		(cd "$W/tpl/office" && ew sync -q) || return 1
		ew clone "$W/tpl/hub.git" "$W/tpl/other" >/dev/null || return 1
		(cd "$W/tpl/other" && ew add event_date=2026-11-21 cercle=Macina \
			category=threat description=from-the-hub >/dev/null && ew sync -q) || return 1
		rm -rf "$W/tpl/other"
		# and one of the office's own, not yet sent
		(cd "$W/tpl/office" && ew add event_date=2026-11-22 cercle=Niono \
			category=attack description=from-the-office >/dev/null) || return 1
		;;
	esac
	git -C "$W/tpl/office" rev-parse HEAD >"$W/tpl/head"
	(cd "$W/tpl/office" && ew list --format tsv --fields id | sed 1d) >"$W/tpl/ids"
}

# crash_command CASE: sets CMD, the command a run kills.
crash_command() {
	case $1 in
	add) CMD=(ew-add id=01KCRASH000000000000000000 event_date=2026-11-20 cercle=Niono commune=Diabaly
		category=attack severity=4 "description=$CRASH_NEW_DESC") ;;
	update) CMD=(ew-update "$(sed -n 3p "$W/tpl/ids")" status=closed severity=5) ;;
	alert) CMD=(ew-alert) ;;
	sync) CMD=(ew-sync -q) ;;
	esac
}

# crash_next CASE: the command run after the killed one, which must succeed.
crash_next() {
	case $1 in
	add) ew-add event_date=2026-11-21 cercle=Niono category=threat \
		"description=$CRASH_NEXT_DESC" ;;
	update) ew-update "$(sed -n 5p "$W/tpl/ids")" status=verified ;;
	alert) ew-alert || (($? == 1)) ;; # 1: nothing new to raise
	sync) ew-sync -q ;;
	esac
}

# copy_fixture DIR: a fresh copy of the fixture in DIR; DIR/stamp is
# older than anything a run writes.
copy_fixture() {
	rm -rf "$1"
	cp -a "$W/tpl" "$1"
	[[ ! -d $1/hub.git ]] || git -C "$1/office" remote set-url origin "$1/hub.git"
	touch "$1/stamp"
}

# problem DIR WHAT: records a failed check of the run in DIR.
problem() {
	printf '%s: %s\n' "$(<"$1/run")" "$2" >>"$CRASH_LOG"
}

# update_state: "status/severity" of the record ew update changes.
update_state() {
	ew-list --format tsv --fields status,severity "$(sed -n 3p "$W/tpl/ids")" |
		awk -F'\t' 'NR == 2 { print $1 "/" $2 }'
}
# check_torn DIR: right after the kill, every tracked CSV file of the
# work tree is whole: as HEAD has it, or as the journal of the interrupted
# commit says it was being written (its old or new blob).
check_torn() {
	local d=$1 path hash old new
	local -A want=()
	if [[ -f $d/office/.git/ew-journal ]]; then
		while IFS=$'\t' read -r path old new; do
			want[$path]="$old $new"
		done <"$d/office/.git/ew-journal"
	fi
	while IFS= read -r path; do
		[[ -e $d/office/$path ]] || continue
		hash=$(git -C "$d/office" hash-object -- "$path")
		[[ " ${want[$path]:-} " == *" $hash "* ]] && continue
		problem "$d" "$path is neither HEAD's nor the journal's (a torn write)"
	done < <(git -C "$d/office" --no-optional-locks diff --name-only HEAD -- '*.csv')
}

# state_key DIR: a digest of every file the run in DIR could have
# touched, names and bytes, with the process ids and random parts of
# temporary file names taken out.
declare -gA CHECKED_STATES=()
state_key() {
	(cd "$1" && find office ${CRASH_HUB:+hub.git} -type f -print0 | xargs -0 sha1sum) |
		sed -E 's/(ew-tmp-(old-)?)[0-9]+/\1N/; s/(tmp_object_git2_|tmp_pack_|tmp_idx_)[0-9A-Za-z]+/\1X/' |
		sort | sha1sum | cut -c1-40
}

# check_run DIR RC: what must hold after a run that exited with RC.  A
# run killed before it wrote anything leaves the fixture as it was; that
# state is checked once (PRISTINE_CHECKED), not again for every such run,
# and the fixture is used again as it is (REUSABLE).
check_run() {
	local d=$1 rc=$2 out n
	case $CRASH_INJECT in
	signal=KILL)
		((rc == 0 || rc == 137)) || problem "$d" "exited $rc: $(tail -c 300 "$d/err")"
		;;
	error=*)
		# a failed write is a failure, said plainly, and leaves no trace
		# for the next command to repair
		if ((rc == 2)); then
			grep -qE "$CRASH_ERROR_TEXT" "$d/err" ||
				problem "$d" "exited 2 without naming the error: $(tail -c 300 "$d/err")"
		elif ((rc != 0)); then
			problem "$d" "exited $rc: $(tail -c 300 "$d/err")"
		fi
		out=$(git -C "$d/office" status --porcelain --untracked-files=all)
		[[ -z $out ]] || problem "$d" "work tree not clean after the failure: $out"
		;;
	esac
	REUSABLE=
	if ((rc == 137)) && [[ -z $(find "$d/office" ${CRASH_HUB:+"$d/hub.git"} -newer "$d/stamp" -print -quit) ]]; then
		# as it was: the next run may use it as it is
		[[ -z ${PRISTINE_CHECKED:-} ]] || { REUSABLE=1; return 0; }
		PRISTINE_CHECKED=1
	fi
	# a state some earlier run of this worker left, byte for byte, was
	# checked then
	local key
	key=$rc:$(state_key "$d")
	[[ -z ${CHECKED_STATES[$key]:-} ]] || return 0
	CHECKED_STATES[$key]=1
	echo "$key" >>"$W/checked"
	for g in "$d/office" ${CRASH_HUB:+"$d/hub.git"}; do
		# (dangling objects are what a killed commit leaves: not a problem)
		if ! out=$(git -C "$g" fsck --strict --no-progress 2>&1) ||
			grep -v '^dangling ' <<<"$out" | grep -qiE 'error|warning|missing|broken|bad|invalid|corrupt'; then
			problem "$d" "git fsck --strict in ${g##*/}: $out"
		fi
	done
	check_torn "$d"
	cd "$d/office" || return 1
	if ! crash_next "$CASE" >"$d/next.out" 2>"$d/next.err"; then
		problem "$d" "the next command failed: $(tail -c 300 "$d/next.err")"
		cd - >/dev/null
		return 0
	fi
	out=$(git status --porcelain --untracked-files=all; find .git -name '*.lock' ! -name 'ew*.lock')
	[[ -z $out ]] || problem "$d" "work tree not clean, or lock files left, after the next command: $out"
	ew-verify >"$d/verify" 2>&1 || problem "$d" "ew verify: $(head -c 400 "$d/verify")"
	# every record of the fixture exactly once, and the counts of the
	# records the case adds, in one pass over ew list
	ew-list --format tsv --fields id,description,status,severity >"$d/list"
	out=$(awk -F'\t' -v ids="$W/tpl/ids" -v a="$CRASH_NEW_DESC" -v b="$CRASH_NEXT_DESC" '
		BEGIN { while ((getline l < ids) > 0) want[l] = 1 }
		NR == 1 { next }
		{ if (seen[$1]++) print "twice:", $1; n[$2]++; state[$1] = $3 "/" $4 }
		END {
			for (i in want) if (!(i in seen)) print "lost:", i
			print "count", a, n[a] + 0; print "count", b, n[b] + 0
			print "count from-the-hub", n["from-the-hub"] + 0
			print "count from-the-office", n["from-the-office"] + 0
		}' "$d/list")
	grep -E '^(twice|lost):' <<<"$out" | while read -r l; do problem "$d" "record $l"; done
	count() { sed -n "s/^count $1 //p" <<<"$out"; }
	case $CASE in
	add)
		n=$(count "$CRASH_NEW_DESC")
		((n <= 1)) || problem "$d" "the new record is there $n times"
		((rc != 0 || n == 1)) || problem "$d" "ew add exited 0 but its record is missing"
		n=$(count "$CRASH_NEXT_DESC")
		((n == 1)) || problem "$d" "the next record is there $n times"
		;;
	update)
		out=$(awk -F'\t' -v id="$(sed -n 3p "$W/tpl/ids")" '$1 == id { print $3 "/" $4 }' "$d/list")
		[[ $rc != 0 || $out == closed/5 ]] ||
			problem "$d" "ew update exited 0 but the record is $out"
		[[ $out == closed/5 || $out == "$CRASH_UPDATE_BEFORE" ]] ||
			problem "$d" "the record is half updated: $out"
		;;
	alert)
		n=$(ew-alert list --open --format csv | sed 1d | wc -l)
		((n == CRASH_ALERTS)) || problem "$d" "$n open alerts, not $CRASH_ALERTS"
		;;
	sync)
		for t in from-the-hub from-the-office; do
			n=$(count "$t")
			((n == 1)) || problem "$d" "record '$t' is there $n times"
		done
		[[ $(git rev-parse HEAD) == "$(git -C "$d/hub.git" rev-parse main)" ]] ||
			problem "$d" "the hub does not have the office's HEAD after the next sync"
		;;
	esac
	cd - >/dev/null
	return 0
}

# crash_prepare CASE: fixture, command and expectations for CASE.
crash_prepare() {
	CASE=$1
	: >"$CRASH_LOG"
	: >"$W/checked"
	: >"$W/statuses"
	CRASH_HUB=
	[[ $CASE != sync ]] || CRASH_HUB=1
	crash_fixture "$CASE" || return 1
	crash_command "$CASE"
	CRASH_UPDATE_BEFORE=$(cd "$W/tpl/office" && update_state)
	# the alerts that one complete run leaves open
	copy_fixture "$W/probe"
	(cd "$W/probe/office" && { "${CMD[@]}" >/dev/null || [[ $CASE == alert && $? == 1 ]]; } &&
		crash_next "$CASE" >/dev/null) || return 1
	CRASH_ALERTS=$(cd "$W/probe/office" && ew-alert list --open --format csv | sed 1d | wc -l)
}

# syscall_list [REGEX]: the command's system calls (those whose names
# match REGEX) in order, as "NAME K" lines (K: the how-manieth call of
# NAME it is), from a run of the command.
syscall_list() {
	copy_fixture "$W/probe"
	(cd "$W/probe/office" && strace -qq -o "$W/trace" "${CMD[@]}" >/dev/null 2>&1) || return 1
	sed -nE 's/^([a-z0-9_]+)\(.*/\1/p' "$W/trace" |
		awk '{ print $1, ++n[$1] }' | grep -E "^(${1:-.*}) " >"$W/calls"
}

# run_all: runs the calls of $W/calls in CRASH_JOBS (2) workers.
run_all() {
	local jobs=${CRASH_JOBS:-2} j
	for ((j = 0; j < jobs; j++)); do
		worker "$j" "$jobs" &
	done
	wait
}

# worker J JOBS: runs the calls J, J+JOBS, ... of $W/calls.
worker() {
	# (bats runs tests with errexit: the runs are meant to fail)
	set +e
	local j=$1 jobs=$2 i=0 name k rc d=$W/run$1
	REUSABLE=
	while read -r name k; do
		i=$((i + 1))
		(((i - 1) % jobs == j)) || continue
		[[ -n $REUSABLE ]] || copy_fixture "$d"
		printf '%s, %s at call %d (%s #%d)' "$CASE" "$CRASH_INJECT" "$i" "$name" "$k" >"$d/run"
		# (the braces keep bash's "Killed" notice off the test's output)
		{ (cd "$d/office" && exec strace -qq -o /dev/null \
			-e trace="$name" -e inject="$name:$CRASH_INJECT:when=$k" \
			"${CMD[@]}" >"$d/out" 2>"$d/err"); } 2>/dev/null
		rc=$?
		echo "$rc $name" >>"$W/statuses"
		check_run "$d" "$rc"
	done <"$W/calls"
}

# kill_each CASE: every system call in turn; prints how many, and how
# many distinct states they left.
kill_each() {
	CRASH_INJECT=signal=KILL
	crash_prepare "$1" || return 1
	syscall_list || return 1
	run_all
	echo "$(wc -l <"$W/calls") $(sort -u "$W/checked" | wc -l)"
}

# fail_each CASE ERRNO: each write, fsync and rename in turn fails with
# ERRNO (ENOSPC, EIO); prints how many, and how many distinct states
# they left.
fail_each() {
	CRASH_INJECT=error=$2
	case $2 in
	ENOSPC) CRASH_ERROR_TEXT='No space left on device' ;;
	EIO) CRASH_ERROR_TEXT='Input/output error' ;;
	esac
	crash_prepare "$1" || return 1
	syscall_list 'write|pwrite64|writev|fsync|fdatasync|rename|renameat|renameat2' || return 1
	run_all
	echo "$(wc -l <"$W/calls") $(sort -u "$W/checked" | wc -l)"
}

# kill_randomly CASE N: N runs, each killed after a random delay of up to
# the time one run takes (measured), or let finish when it is quicker.
kill_randomly() (
	set +e
	CRASH_INJECT=signal=KILL
	crash_prepare "$1" || return 1
	local n=$2 i d=$W/rand start end span delay rc
	copy_fixture "$d"
	start=$(date +%s%N)
	(cd "$d/office" && "${CMD[@]}" >/dev/null 2>&1)
	end=$(date +%s%N)
	span=$(((end - start) / 1000)) # microseconds
	((span > 1000)) || span=1000
	for ((i = 1; i <= n; i++)); do
		copy_fixture "$d"
		delay=$(((RANDOM * 32768 + RANDOM) % span + 1))
		printf '%s killed after %d us' "$CASE" "$delay" >"$d/run"
		{ (cd "$d/office" && exec timeout -s KILL "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))" \
			"${CMD[@]}" >"$d/out" 2>"$d/err"); } 2>/dev/null
		rc=$?
		check_run "$d" "$rc"
	done
)
