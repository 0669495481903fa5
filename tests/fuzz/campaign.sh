#!/bin/sh
# A fuzzing campaign (docs/TESTING.md "Fuzzing"):
#   sh tests/fuzz/campaign.sh TARGET SECONDS [extra libFuzzer options]
# TARGET is scenario or import.  Builds the `fuzz` preset (clang, libFuzzer,
# ASan+UBSan, CONFIG_DEBUG_VM), then fuzzes niced, one process, with the
# target's seed corpus (tests/fuzz/corpus/TARGET, read only) and a working
# corpus in build/fuzz/work/TARGET that grows across campaigns.  The first
# finding ends the campaign (libFuzzer's -fork mode would go on, but each of
# its jobs replays its corpus first, which here cost more than the fuzzing:
# under 1 exec/s against 8-13).  Findings
# (crash-*, timeout-*, oom-*) land in build/fuzz/artifacts/; the log in
# build/fuzz/TARGET-<date>.log ends with libFuzzer's final stats (cov: is the
# number of coverage edges reached, corp: the working corpus).
set -eu
cd "$(dirname "$0")/../.."
t="$1"; secs="$2"; shift 2
cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j2 --target "fuzz_$t" >/dev/null
mkdir -p "build/fuzz/work/$t" build/fuzz/artifacts
log="build/fuzz/$t-$(date +%Y%m%d-%H%M%S).log"
echo "fuzzing $t for ${secs}s; log $log"
nice -n 10 "build/fuzz/tests/fuzz/fuzz_$t" "build/fuzz/work/$t" "tests/fuzz/corpus/$t" \
  -dict=tests/fuzz/scenario.dict -close_fd_mask=3 -timeout=20 -rss_limit_mb=2048 \
  -max_len=8192 -max_total_time="$secs" -print_final_stats=1 \
  -artifact_prefix=build/fuzz/artifacts/ "$@" >"$log" 2>&1 || true
tail -n 25 "$log" | grep -E "^(#|Done|stat::|==|SUMMARY|artifact)" || true
ls build/fuzz/artifacts
