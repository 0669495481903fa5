#!/bin/sh
# CI's fuzzing stage (docs/TESTING.md "Fuzzing"): build the fuzz preset and
# run each target for SECONDS (default 30) with a fixed seed, starting from
# its seed corpus and regression inputs (read only; new inputs go to a
# scratch directory).  Any crash, sanitizer report, verify violation or
# timeout fails the stage; the log is build/fuzz/ci-TARGET.log.
set -u
cd "$(dirname "$0")/../.."
secs="${1:-30}"
cmake --preset fuzz >/dev/null || exit 1
cmake --build build/fuzz -j "$(nproc 2>/dev/null || echo 2)" --target fuzz_scenario fuzz_import fuzz_swapheader fuzz_elf \
  >build/fuzz-build.log 2>&1 || { tail -20 build/fuzz-build.log; exit 1; }
bad=0
for t in scenario import swapheader elf; do
  work=$(mktemp -d)
  log="build/fuzz/ci-$t.log"
  "build/fuzz/tests/fuzz/fuzz_$t" "$work" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" \
    -seed=1 -dict=tests/fuzz/scenario.dict -close_fd_mask=3 -timeout=20 -rss_limit_mb=2048 \
    -max_len=8192 -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/" \
    >"$log" 2>&1
  rc=$?
  stats=$(grep -E "DONE" "$log" | tail -1 | tr "\t" " ")
  if [ "$rc" -ne 0 ] || ls "$work" | grep -qE "^(crash|timeout|oom|leak)-"; then
    echo "fuzz_$t: FINDING (exit $rc); log $log"
    grep -E "ERROR|runtime error|fuzz: verify|SUMMARY|Test unit written" "$log" | head -20
    mkdir -p build/fuzz/artifacts && cp "$work"/crash-* "$work"/timeout-* "$work"/oom-* build/fuzz/artifacts/ 2>/dev/null
    bad=1
  else
    echo "fuzz_$t: ${secs}s, no finding: $stats"
  fi
  rm -rf "$work"
done
exit $bad
