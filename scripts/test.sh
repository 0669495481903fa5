#!/bin/sh
# Build and run every test: release, debug (ASan+UBSan, invariant checks after
# every step) and TSan builds, each through ctest, and the static checks
# (scripts/check.sh: layers, one walker/one wait, clang-format, clang-tidy)
# once on the release build.  Prints ctest's summary per build and a final
# "N passed, N failed" line; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
sh scripts/deps.sh || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
# The live differential stage counts only on the reference kernel (say why not).
python3 tests/diff/corpus.py live-status || true
passed=0; failed=0
for preset in release debug tsan; do
  echo "=== $preset build ==="
  t0=$(date +%s)
  if ! cmake --preset "$preset" >/dev/null || ! cmake --build --preset "$preset" -j "$jobs"; then
    echo "$preset: build failed"; failed=$((failed + 1)); continue
  fi
  if [ "$preset" = release ]; then
    if sh scripts/check.sh build/release; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  fi
  log="build/$preset/ctest.log"
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    ctest --preset "$preset" -j "$jobs" 2>&1 | tee "$log"
  p=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2 \1/p' "$log")
  total=${p%% *}; bad=${p##* }
  [ -n "$total" ] || { total=0; bad=1; }
  passed=$((passed + total - bad)); failed=$((failed + bad))
  echo "$preset: build and tests took $(($(date +%s) - t0)) s"
done
# Reliability stages (docs/TESTING.md): the sampled fail-Nth sweep on the
# debug build, then each fuzz target for a short time on its corpus.
echo "=== reliability: fail-Nth sweep (sampled) ==="
t0=$(date +%s)
if [ -x build/debug/tests/reliability/failrun ] &&
   python3 tests/reliability/failsweep --build build/debug --no-diff --sample 2 --max-runs 1000 --no-minimize \
     -j "$jobs" >build/debug/failsweep.log 2>&1; then
  passed=$((passed + 1)); grep "^failsweep: .* runs (" build/debug/failsweep.log
else
  failed=$((failed + 1)); tail -n 60 build/debug/failsweep.log 2>/dev/null
fi
echo "reliability: sampled sweep took $(($(date +%s) - t0)) s"
echo "=== reliability: fuzz targets ==="
t0=$(date +%s)
if sh tests/fuzz/ci.sh 30; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo "reliability: fuzz stage took $(($(date +%s) - t0)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
