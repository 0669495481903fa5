#!/bin/sh
# A/B of one benchmark between two builds, alternating A, B, A, B, ... so
# that a change in the machine's load hits both alike (docs/PERFORMANCE.md).
# usage: bench/ab.sh A_BUILD_DIR B_BUILD_DIR BENCH [RUNS] [-- ARGS...]
#   e.g. bench/ab.sh /tmp/a/build/release build/release bench_vma 3
# Prints "=== run N A|B TIME load L" before each run's output (boot log
# lines dropped).
#
# Each run executes a fresh copy of the binary (set AB_FRESH=0 to run the
# build's own file).  Two byte-identical copies of bench_fault, run
# alternately, differed by 60-90 ns per anonymous write fault, the same
# way in every run: the host page cache's frames behind the executable
# (its text) stay the same for as long as the file is cached, and their
# placement costs or saves that much (docs/PERFORMANCE.md, "Page faults",
# session 8).  A fresh copy per run draws a new placement each time, so
# the runs of A and of B sample placements alike.
set -u
[ $# -ge 3 ] || { echo "usage: $0 A_BUILD_DIR B_BUILD_DIR BENCH [RUNS] [-- ARGS...]" >&2; exit 2; }
a=$1; b=$2; bench=$3; runs=${4:-3}
shift 3; [ $# -gt 0 ] && shift; [ "${1:-}" = -- ] && shift
fresh=${AB_FRESH:-1}
tmp=
if [ "$fresh" = 1 ]; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ab.XXXXXX") || exit 1
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 130' INT TERM
fi
i=1
while [ "$i" -le "$runs" ]; do
	for v in A B; do
		if [ $v = A ]; then dir=$a; else dir=$b; fi
		echo "=== run $i $v $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
		exe=$dir/$bench
		if [ -n "$tmp" ]; then
			exe=$tmp/$bench.$v.$i
			cp "$dir/$bench" "$exe" || exit 1
		fi
		"$exe" "$@" 2>/dev/null | grep -v '^\['
		[ -n "$tmp" ] && rm -f "$exe"
	done
	i=$((i + 1))
done
