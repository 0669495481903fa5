#!/bin/sh
# cmake --install puts the binary and the manual page mmkit(1) in place:
# installed with DESTDIR into a temporary directory, the installed binary
# runs and man(1) (or groff) renders the installed page.
# Prints "N passed, N failed".
build="${MMKIT_BUILD_DIR:?set by ctest}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $1"; fi; }
DESTDIR="$tmp" cmake --install "$build" --prefix /usr/local > "$tmp/log" 2>&1; rc=$?
ok install '[ $rc -eq 0 ] || { cat "$tmp/log"; false; }'
ok binary '[ -x "$tmp/usr/local/bin/mmkit" ] && "$tmp/usr/local/bin/mmkit" --version | grep -q "^mmkit "'
ok man-page '[ -f "$tmp/usr/local/share/man/man1/mmkit.1" ]'
ok man-page-title 'grep -q "^\.TH MMKIT 1" "$tmp/usr/local/share/man/man1/mmkit.1"'
if command -v man >/dev/null 2>&1; then
  MANWIDTH=80 man -l "$tmp/usr/local/share/man/man1/mmkit.1" > "$tmp/man.txt" 2>/dev/null
  ok man-renders 'grep -q "EXIT STATUS" "$tmp/man.txt" && grep -q "expect~=" "$tmp/man.txt"'
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
