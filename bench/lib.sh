# bench/lib.sh - what the benchmark scripts share; sourced by run.sh and
# alert.sh from the top of the source tree, with $top set to it. They set
# $tmp (a path prefix for scratch files) before calling measure.

# The environment of every run: a fixed "now" and author, the share files
# of this tree, and nothing that could point git or ew elsewhere.
export EW_NOW=2026-11-28T12:00:00Z
export EW_AUTHOR='Bench <bench@example.org>'
export EW_SHAREDIR=$top/share/ew
export LC_ALL=C.UTF-8
unset EW_DIR GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
ew=$top/bin/ew

# build_gen: builds the generator into $out/gen (and makes $out)
build_gen() {
	mkdir -p "$out"
	${CC:-cc} -O2 -std=c11 -Wall -Wextra -o "$out/gen" "$top/bench/gen.c" ||
		die "cannot build bench/gen.c"
}

die() { printf 'bench: %s\n' "$*" >&2; exit 2; }
say() { printf '%s\n' "$*" >&2; }

# median of the numbers on stdin
median() { sort -n | awk '{v[NR] = $1} END {
	if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR/2] + v[NR/2+1]) / 2 }'; }

# spread MS... : sets ms (the median), lo and hi
spread() {
	ms=$(printf '%s\n' "$@" | median)
	lo=$(printf '%s\n' "$@" | sort -n | head -n 1)
	hi=$(printf '%s\n' "$@" | sort -n | tail -n 1)
}

# measure OK_STATUSES NRUNS CMD... : runs CMD NRUNS times (after one
# untimed warm-up when NRUNS > 1); sets ms (median wall time), lo and hi
# (fastest and slowest) and rss (highest peak RSS in KiB).  A run whose
# exit status is not in OK_STATUSES stops the benchmark.  stdout goes to
# /dev/null, or to $tmp.out when CAPTURE is set; with QUIET set, a run
# that writes to stderr stops the benchmark too.
measure() {
	local ok=$1 n=$2 i t0 t1 st out=/dev/null
	shift 2
	local times=() rsss=()
	[ -z "${CAPTURE:-}" ] || out=$tmp.out
	if [ "$n" -gt 1 ]; then "$@" >/dev/null 2>&1 || :; fi
	for ((i = 0; i < n; i++)); do
		t0=$EPOCHREALTIME
		st=0
		/usr/bin/time -f %M -o "$tmp.rss" "$@" >"$out" 2>"$tmp.err" || st=$?
		t1=$EPOCHREALTIME
		case " $ok " in *" $st "*) ;; *)
			cat "$tmp.err" >&2
			die "'$*' exited with status $st" ;;
		esac
		if [ -n "${QUIET:-}" ] && [ -s "$tmp.err" ]; then
			cat "$tmp.err" >&2
			die "'$*' wrote to stderr"
		fi
		times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) * 1000}')")
		rsss+=("$(tail -n 1 "$tmp.rss")")
	done
	spread "${times[@]}"
	rss=$(printf '%s\n' "${rsss[@]}" | sort -n | tail -n 1)
}

[ -x "$ew" ] || die "no $ew; run 'make' first"
[ -x /usr/bin/time ] || die "no /usr/bin/time; install the Debian package 'time'"
