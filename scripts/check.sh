#!/bin/sh
# Static checks of the tree, run by scripts/test.sh after the release build
# (each prints one summary line and fails with the violations listed):
#   layers  each layer calls only downward (scripts/check-layers.py)
# usage: scripts/check.sh BUILD_DIR
set -u
cd "$(dirname "$0")/.."
build=${1:-build/release}
bad=0
python3 scripts/check-layers.py "$build" || bad=$((bad + 1))
[ "$bad" -eq 0 ]
