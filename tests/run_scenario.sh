#!/bin/sh
# Run one scenario with --plain.  Fails on a failed expect= (exit 1), a script
# error (exit 2) or, where FILE.out exists next to FILE.mm, any difference in stdout.
mmkit="$1"; mm="$2"; out="${mm%.mm}.out"
if [ -f "$out" ]; then
  "$mmkit" run --plain "$mm" > "${TMPDIR:-/tmp}/mmkit-scn-$$.txt" || { rc=$?; cat "${TMPDIR:-/tmp}/mmkit-scn-$$.txt"; rm -f "${TMPDIR:-/tmp}/mmkit-scn-$$.txt"; exit $rc; }
  diff -u "$out" "${TMPDIR:-/tmp}/mmkit-scn-$$.txt"; rc=$?
  rm -f "${TMPDIR:-/tmp}/mmkit-scn-$$.txt"; exit $rc
fi
exec "$mmkit" run --plain "$mm" > /dev/null
