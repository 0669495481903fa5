#!/bin/sh
# A concurrency-stress campaign (docs/TESTING.md "Concurrency stress"):
#   sh tests/reliability/stress_campaign.sh BUILD SECONDS_EACH [SEED]
# runs tests/reliability/stress of build/BUILD (tsan or debug) niced, on 2,
# 4 and 8 CPUs in turn, each for SECONDS_EACH, with seeds SEED, SEED+1,
# SEED+2.  TSan and ASan/UBSan stop at their first report.  Prints each run's
# summary line; exit status 1 if any run failed.
set -u
cd "$(dirname "$0")/../.."
b="$1"; secs="$2"; seed="${3:-1}"
cmake --build "build/$b" -j2 --target stress >/dev/null || exit 1
bad=0
for cpus in 2 4 8; do
  log="build/$b/stress-$cpus-$seed.log"
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    nice -n 10 "build/$b/tests/reliability/stress" --cpus "$cpus" --procs 3 --seed "$seed" \
      --seconds "$secs" >"$log" 2>&1
  rc=$?
  echo "$b cpus=$cpus seed=$seed exit=$rc: $(grep '^stress: [0-9]' "$log")"
  if [ "$rc" -ne 0 ] || grep -qE "WARNING: ThreadSanitizer|ERROR: AddressSanitizer|runtime error" "$log"; then
    grep -E "^stress:|WARNING: ThreadSanitizer|ERROR|runtime error" "$log" | head -20
    bad=1
  fi
  seed=$((seed + 1))
done
exit $bad
