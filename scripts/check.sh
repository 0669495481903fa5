#!/bin/sh
# Static checks of the tree, run by scripts/test.sh after the release build
# (each prints one summary line, or its violations and a failure):
#   layers   each layer calls only downward (scripts/check-layers.py, <1 s)
#   one-way  one page-table walker, one way to wait (scripts/check-one-way.sh)
#   style    clang-format on every C file of the tree (~5 s)
#   tidy     clang-tidy bugprone-*, clang-analyzer-* on the library and cli/
#            (scripts/check-tidy.sh; ~5 CPU-minutes)
# usage: scripts/check.sh [BUILD_DIR]   (MMKIT_NO_TIDY=1 skips clang-tidy)
set -u
cd "$(dirname "$0")/.."
build=${1:-build/release}
bad=0
python3 scripts/check-layers.py "$build" || bad=$((bad + 1))
sh scripts/check-one-way.sh || bad=$((bad + 1))
sh scripts/check-style.sh || bad=$((bad + 1))
if [ "${MMKIT_NO_TIDY:-0}" != 1 ]; then
	sh scripts/check-tidy.sh "$build" || bad=$((bad + 1))
fi
[ "$bad" -eq 0 ]
