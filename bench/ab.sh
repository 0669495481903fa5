#!/bin/sh
# A/B of one benchmark between two builds, alternating A, B, A, B, ... so
# that a change in the machine's load hits both alike (docs/PERFORMANCE.md).
# usage: bench/ab.sh A_BUILD_DIR B_BUILD_DIR BENCH [RUNS] [-- ARGS...]
#   e.g. bench/ab.sh /tmp/a/build/release build/release bench_vma 3
# Prints "=== run N A|B TIME load L" before each run's output (boot log
# lines dropped).
set -u
[ $# -ge 3 ] || { echo "usage: $0 A_BUILD_DIR B_BUILD_DIR BENCH [RUNS] [-- ARGS...]" >&2; exit 2; }
a=$1; b=$2; bench=$3; runs=${4:-3}
shift 3; [ $# -gt 0 ] && shift; [ "${1:-}" = -- ] && shift
i=1
while [ "$i" -le "$runs" ]; do
	for v in A B; do
		if [ $v = A ]; then dir=$a; else dir=$b; fi
		echo "=== run $i $v $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
		"$dir/$bench" "$@" 2>/dev/null | grep -v '^\['
	done
	i=$((i + 1))
done
