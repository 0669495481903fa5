#!/bin/sh
# Nothing silent: every case that used to pass without a word is now an
# error or a line of output.  A directory, an unreadable file, a NUL byte;
# a process killed by a fault prints its death line, and a later use of it
# says how and where it died; kernel reports (a double free's BUG) can be
# checked from the scenario with `dmesg reports` and expect~=REGEX.
# Prints "N passed, N failed".
mmkit="$1"
tmp=$(mktemp -d); trap 'chmod -R u+rwx "$tmp"; rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $1"; cat "$tmp/out" "$tmp/err"; fi; }
run() { "$mmkit" run --plain "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?; }
sc() { printf '%b' "$1" > "$tmp/t.mm"; run "$tmp/t.mm"; }

# files
run "$tmp";                       ok directory '[ $rc -eq 2 ] && grep -q "is a directory" "$tmp/err"'
run "$tmp/nonexistent.mm";        ok missing '[ $rc -eq 2 ] && grep -q "No such file" "$tmp/err"'
printf 'verify\n' > "$tmp/secret.mm"; chmod 000 "$tmp/secret.mm"
if [ "$(id -u)" -ne 0 ]; then
  run "$tmp/secret.mm";           ok unreadable '[ $rc -eq 2 ] && grep -q "Permission denied" "$tmp/err"'
fi
sc 'verify\nverify\000 rest of the line\nverify\n'
ok nul-byte '[ $rc -eq 2 ] && grep -q "t.mm:2: error: NUL byte in the line (column 7)" "$tmp/err" && [ "$(grep -c "verify: ok" "$tmp/out")" -eq 1 ]'

# the death line, and a later use of the dead process
sc 'spawn A\nA mmap 0 4K r-- MAP_PRIVATE|MAP_ANONYMOUS -> m\nA thread T\nA write $m 1 1\nA read $m 1\n'
ok death-line '[ "$(sed -n 5p "$tmp/out")" = "A (pid 1) killed by SIGSEGV at line 4" ] && [ "$(sed -n 6p "$tmp/out")" = "T (pid 2) killed by SIGSEGV at line 4" ]'
ok later-use '[ $rc -eq 2 ] && grep -q "t.mm:5: error: process .A. was killed by SIGSEGV at line 4" "$tmp/err"'
sc 'spawn A\nA read 0 1\ncat /proc/A/maps\n'
ok later-cat '[ $rc -eq 2 ] && grep -q "cat: process .A. was killed by SIGSEGV at line 2" "$tmp/err"'
sc 'spawn A\nA exit\nA mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS\n'
ok after-exit '[ $rc -eq 2 ] && grep -q "process .A. exited at line 2" "$tmp/err" && ! grep -q killed "$tmp/out"'
sc 'spawn A\nhandle A SIGSEGV catch\nA read 0 1\nA read 0 1\n'
ok caught-no-death '[ $rc -eq 0 ] && ! grep -q killed "$tmp/out" && ! grep -q segfault "$tmp/err"'
sc 'spawn A\nA read 0 1\nspawn A\nA read 0x1000 1 expect=SEGV_MAPERR\n'
ok name-reused '[ $rc -eq 0 ] && grep -q "^A (pid 2) killed by SIGSEGV at line 4" "$tmp/out"'

# expect~=REGEX against the whole result text
sc 'spawn A\nA mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS expect~="^= 0x7f[0-9a-f]+000$"\n'
ok expect-regex '[ $rc -eq 0 ]'
sc 'kmalloc 16 expect~=ENOMEM\n'
ok expect-regex-fails '[ $rc -eq 1 ] && grep -q "expected a match of .ENOMEM." "$tmp/err"'
sc 'verify expect~=ok\n'
ok expect-regex-no-result '[ $rc -eq 2 ] && grep -q "expect~= on a command that has no result" "$tmp/err"'
sc 'kmalloc 16 expect~=(\n'
ok expect-regex-bad '[ $rc -eq 2 ] && grep -q "bad expect~= pattern" "$tmp/err"'
sc 'spawn A\nA read 0 1 expect~="SEGV_MAPERR 0x0$"\n'
ok expect-regex-quoted '[ $rc -eq 0 ]'

# kernel reports as a result: a double free's BUG fails a scenario expecting none
sc 'kmem_cache_create c 64 -> c\nkmem_cache_alloc $c -> o\nkmem_cache_free $c $o\ndmesg reports expect=none\n'
ok no-report '[ $rc -eq 0 ] && grep -q "^4: = none$" "$tmp/out"'
sc 'kmem_cache_create c 64 -> c\nkmem_cache_alloc $c -> o\nkmem_cache_free $c $o\nkmem_cache_free $c $o\ndmesg reports expect=none\n'
ok double-free-caught '[ $rc -eq 1 ] && grep -q "^5: = kernel BUG at mm/slub.c: .*double free" "$tmp/out"'
sc 'kmalloc 64 -> p\nkfree $p\nkfree $p\ndmesg reports expect~="double free"\n'
ok double-kfree-regex '[ $rc -eq 0 ]'
sc 'kfree 0xffff888000001008\ndmesg reports expect~=^=.WARNING:\n'
ok bad-kfree '[ $rc -eq 0 ] || { cat "$tmp/out"; false; }'
sc 'spawn A\nA read 0 1\ndmesg reports expect~="^= A\\\\[1\\\\]: segfault at 0 "\ndmesg reports expect=none\n'
ok segfault-report-once '[ $rc -eq 0 ]'
sc 'kread 0xffff888004000000 8 expect=OOPS\ndmesg reports expect~="^= BUG: unable to handle page fault"\n'
ok oops-report '[ $rc -eq 0 ]'
sc 'machine slab_debug=FZPU\nkmalloc 32 -> p\nkwrite $p+32 1 0x55\nkfree $p\ndmesg reports expect~="^= BUG kmalloc-32 "\n'
ok redzone-report '[ $rc -eq 0 ] || { cat "$tmp/out"; false; }'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
