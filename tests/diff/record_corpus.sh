#!/bin/sh
# Re-record the golden corpus (tests/diff/corpus/) on this machine, which
# must run the kernel that is to be the reference: every CI sequence and
# hand-written case is run on the host kernel by hostrun, and its answers,
# the machine's settings (REFERENCE) and the views' field names are
# written.  Review the change like code before committing it:
#   git diff tests/diff/corpus/REFERENCE tests/diff/corpus/views.txt
#   python3 tests/diff/corpus.py diff OLD_CORPUS_DIR tests/diff/corpus
# (git stash or a worktree of the previous commit gives OLD_CORPUS_DIR).
# Usage: tests/diff/record_corpus.sh [BUILD_DIR]   (default build/release)
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build/release}
[ -d "$build" ] || cmake --preset release >/dev/null
cmake --build "$build" -j2 --target hostrun >/dev/null
nice -n 10 python3 tests/diff/corpus.py record --hostrun "$build/tests/diff/hostrun"
echo "corpus recorded in tests/diff/corpus; now check mmkit against it:"
echo "  ctest --test-dir $build -L corpus"
