#!/bin/sh
# mmkit shell: the same language line by line; a script error is reported
# (shell:LINE: error: ...) and the shell goes on; history is written.
# Prints "N passed, N failed".
mmkit="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
printf 'spawn A\nA mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m\nbogus\nA write $m 8 5\nA read $m 8 expect=5\nhelp kmalloc\nquit\nverify\n' |
  HOME="$tmp" "$mmkit" shell > "$tmp/out" 2> "$tmp/err"; rc=$?
ok() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $1"; fi; }
ok exit-status '[ "$rc" -eq 0 ]'
ok error-reported 'grep -q "shell:3: error: unknown command .bogus." "$tmp/err"'
ok goes-on 'grep -q "^5: = 0x5$" "$tmp/out"'
ok help 'grep -q "kmalloc SIZE" "$tmp/out"'
ok quit-stops '! grep -q "verify: ok" "$tmp/out"'
ok history 'grep -q "read" "$tmp/.mmkit_history"'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
