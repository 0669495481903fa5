#!/bin/sh
# clang-tidy (.clang-tidy: bugprone-*, clang-analyzer-*) over the library's
# and the CLI's sources, from BUILD_DIR/compile_commands.json (default
# build/release).  Fails on any finding.  About 5 minutes of CPU; runs on
# `nproc` cores.  tests/ and bench/ are not covered (see docs/HACKING.md).
set -u
cd "$(dirname "$0")/.."
build=${1:-build/release}
root=$(pwd)
command -v run-clang-tidy >/dev/null || { echo "check-tidy: run-clang-tidy not installed"; exit 1; }
out=$(mktemp)
run-clang-tidy -p "$build" -j "$(nproc 2>/dev/null || echo 2)" -quiet \
	"$root/(machine|lib|kernel/time|arch/x86|mm|block|kernel|fs|proc|cli)/[^/]*\.c\$" >"$out" 2>&1
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
