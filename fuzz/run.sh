#!/bin/sh
# Runs libFuzzer harnesses (make fuzz): fuzz/run.sh DIR SECONDS PARALLEL HARNESS...
#
# Each harness DIR/HARNESS runs for SECONDS on DIR/corpus/HARNESS, a
# copy of its seed corpus (fuzz/corpus/HARNESS) and past crashes
# (fuzz/regress/HARNESS) that keeps what earlier runs found; the seeds in
# the source tree are never written to. PARALLEL harnesses run at a time.
# A crash, leak, timeout or broken property is saved under
# DIR/crashes/HARNESS/. Prints one summary line per harness; exits 1 when
# any harness failed.
set -u

dir=$1 secs=$2 par=$3
shift 3

run_one() {
	h=$1
	mkdir -p "$dir/corpus/$h" "$dir/crashes/$h"
	for src in "fuzz/corpus/$h" "fuzz/regress/$h"; do
		[ -d "$src" ] && find "$src" -maxdepth 1 -type f ! -name '.*' \
			-exec cp {} "$dir/corpus/$h/" \;
	done
	dict=
	[ -f "fuzz/$h.dict" ] && dict="-dict=fuzz/$h.dict"
	"$dir/$h" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=25 \
		-print_final_stats=1 -artifact_prefix="$dir/crashes/$h/" \
		$dict "$dir/corpus/$h" >"$dir/$h.log" 2>&1
	echo $? >"$dir/$h.status"
}

# the value of libFuzzer's final statistic NAME in log
stat() {
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

summary() {
	h=$1 log="$dir/$1.log"
	st=$(cat "$dir/$h.status" 2>/dev/null || echo 1)
	runs=$(stat "$log" number_of_executed_units)
	rate=$(stat "$log" average_exec_per_sec)
	rss=$(stat "$log" peak_rss_mb)
	inputs=$(find "$dir/corpus/$h" -type f | wc -l)
	if [ "$st" -eq 0 ]; then
		echo "$h: ok, ${runs:-?} runs in ${secs} s (${rate:-?}/s), corpus $inputs inputs, peak ${rss:-?} MB"
		return 0
	fi
	echo "$h: FAILED (exit $st) after ${runs:-?} runs; log $log"
	sed -n 's/.*Test unit written to /  input: /p' "$log"
	tail -n 40 "$log" | sed 's/^/  | /'
	return 1
}

all="$*"
while [ $# -gt 0 ]; do
	n=0
	while [ $# -gt 0 ] && [ "$n" -lt "$par" ]; do
		rm -f "$dir/$1.status"
		run_one "$1" &
		shift
		n=$((n + 1))
	done
	wait
done

status=0
for h in $all; do
	summary "$h" || status=1
done
exit $status
