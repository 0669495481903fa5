#!/bin/sh
# Every C file of the tree (tests/diff/hostrun.c, which the differential
# harness keeps byte-stable, aside) must be as clang-format formats it with
# .clang-format.  Prints the
# files that differ and a unified diff of the first; exits 1 if any does.
# To fix: clang-format -i FILE.
set -u
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check-style: clang-format not installed"; exit 1; }
files=$(git ls-files '*.c' '*.h' | grep -v '^tests/diff/hostrun.c$')
bad=0; n=0; first=""
for f in $files; do
  n=$((n + 1))
  if ! clang-format --style=file "$f" | cmp -s - "$f"; then
    echo "check-style: $f is not formatted (clang-format -i $f)"
    bad=$((bad + 1)); [ -n "$first" ] || first=$f
  fi
done
if [ -n "$first" ]; then
  clang-format --style=file "$first" | diff -u "$first" - | head -40
fi
if [ "$bad" -eq 0 ]; then
  echo "check-style: $n files formatted as .clang-format says"
else
  echo "check-style: $bad of $n files need clang-format"
fi
[ "$bad" -eq 0 ]
