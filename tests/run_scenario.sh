#!/bin/sh
# Run one scenario with --plain.  Fails on a failed expect= (exit 1), a script
# error (exit 2) or, where FILE.out exists next to FILE.mm, any difference in stdout.
# A scenario with host files (FILE.setup.sh next to it) runs in a fresh
# directory: the setup script makes the host files there first (the scenario
# mounts them by relative path), and FILE.check.sh, if present, checks them
# after the run (e.g. cmp of what the scenario wrote); it gets mmkit's
# stdout as its first argument.
mmkit="$1"; mm="$2"; base="${mm%.mm}"; out="$base.out"
tmp="${TMPDIR:-/tmp}/mmkit-scn-$$"
case "$mmkit" in /*) ;; *) mmkit="$PWD/$mmkit" ;; esac
case "$mm" in /*) ;; *) mm="$PWD/$mm"; base="$PWD/$base"; out="$PWD/$out" ;; esac
mkdir -p "$tmp.d" || exit 2
trap 'rm -rf "$tmp.d" "$tmp.txt"' EXIT
if [ -f "$base.setup.sh" ]; then
  (cd "$tmp.d" && sh "$base.setup.sh") || { echo "setup failed"; exit 2; }
fi
(cd "$tmp.d" && "$mmkit" run --plain "$mm") > "$tmp.txt"; rc=$?
if [ $rc -ne 0 ]; then cat "$tmp.txt"; exit $rc; fi
if [ -f "$out" ]; then diff -u "$out" "$tmp.txt" || exit 1; fi
if [ -f "$base.check.sh" ]; then
  (cd "$tmp.d" && sh "$base.check.sh" "$tmp.txt") || { echo "check failed"; exit 1; }
fi
exit 0
