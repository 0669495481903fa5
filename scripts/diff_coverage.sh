#!/bin/sh
# gcov line and branch coverage of mm/mmap.c, vma.c, mremap.c, mprotect.c,
# madvise.c and memory.c under a differential campaign against the host
# kernel (which must be the reference: tests/diff/corpus/REFERENCE).
# Usage: sh scripts/diff_coverage.sh [SEQUENCES_PER_LEVEL [SEED]]
#   (default 2000 sequences of 60 calls per level 4, 5 and 6, seed 7, plus
#   every hand-written case; the swap cases against their corpus).  Builds
#   build/cov (a Debug build: CONFIG_DEBUG_VM, the validators after every
#   step; -O0 --coverage, no sanitizers),
#   resets the counters, runs the campaign niced, prints the table and
#   writes the lines never executed to build/cov/uncovered.txt.
set -eu
cd "$(dirname "$0")/.."
n=${1:-2000}
seed=${2:-7}
cmake -S . -B build/cov -DCMAKE_BUILD_TYPE=Debug -DMMKIT_SANITIZE= \
      -DCMAKE_C_FLAGS="-O0 -g --coverage" -DCMAKE_EXE_LINKER_FLAGS="--coverage" >/dev/null
cmake --build build/cov -j2 --target mmkit_cli hostrun >/dev/null
find build/cov -name '*.gcda' -delete
for level in 4 5 6; do
  nice -n 19 python3 tests/diff/run_diff.py --mmkit build/cov/mmkit --seed "$seed" \
      --count "$n" --len 60 --level "$level" --jobs 2 --max-report 3 | tail -1
done
nice -n 19 python3 tests/diff/run_diff.py --mmkit build/cov/mmkit --jobs 2 \
    tests/diff/cases/*.mm tests/diff/cases5/*.mm tests/diff/cases6/*.mm | tail -1
# the swap cases need a host swap area to run live: their recorded host
# answers (the corpus) judge mmkit's run instead
nice -n 19 python3 tests/diff/corpus.py check --mmkit build/cov/mmkit \
    tests/diff/corpus/swap.corpus.xz | tail -1
python3 tests/diff/coverage.py report build/cov --uncovered build/cov/uncovered.txt
echo "lines never executed: build/cov/uncovered.txt"
