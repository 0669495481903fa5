#!/bin/sh
# clang-tidy (.clang-tidy: bugprone-*, clang-analyzer-*) over the library's
# sources, from BUILD_DIR/compile_commands.json (default build/release).
# Fails on any finding.  About 3 minutes of CPU for the ~80 files; runs on
# `nproc` cores.  cli/, tests/ and bench/ are not covered yet (see
# docs/HACKING.md).
set -u
cd "$(dirname "$0")/.."
build=${1:-build/release}
root=$(pwd)
command -v run-clang-tidy >/dev/null || { echo "check-tidy: run-clang-tidy not installed"; exit 1; }
out=$(mktemp)
run-clang-tidy -p "$build" -j "$(nproc 2>/dev/null || echo 2)" -quiet \
	"$root/(machine|arch/x86|mm|block|kernel|fs|proc)/[^/]*\.c\$" >"$out" 2>&1
status=$?
n=$(grep -c 'warning:\|error:' "$out")
if [ "$status" -ne 0 ] || [ "$n" -ne 0 ]; then
	grep -A3 'warning:\|error:' "$out" | head -60
	echo "check-tidy: $n finding(s)"
	rm -f "$out"
	exit 1
fi
rm -f "$out"
echo "check-tidy: clean ($(grep -c '"file"' "$build/compile_commands.json") commands in the database)"
