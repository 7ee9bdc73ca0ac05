#!/bin/sh
# Replays the seed corpus and past crashes of each fuzz harness as tests
# (make check): fuzz/replay.sh DIR HARNESS..., where DIR/replay-HARNESS
# is the harness built with fuzz/replay.c. Prints one TAP line per
# harness; exits 1 when any failed.
set -u

dir=$1
shift
n=0 status=0
for h in "$@"; do
	n=$((n + 1))
	paths="fuzz/corpus/$h"
	[ -d "fuzz/regress/$h" ] && paths="$paths fuzz/regress/$h"
	# shellcheck disable=SC2086 # paths holds two directories at most
	if count=$("$dir/replay-$h" $paths); then
		echo "ok $n $h corpus ($count inputs)"
	else
		echo "not ok $n $h corpus"
		status=1
	fi
done
exit $status
