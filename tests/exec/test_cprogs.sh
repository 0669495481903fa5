#!/bin/sh
# test_cprogs.sh MMKIT - C programs built with gcc -static run on mmkit
# exactly as natively (issue 21): malloc_heavy (brk and mmap'ed chunks),
# cow_fork (private/shared anonymous mappings across fork, a private file
# mapping, vfork+exec), threads (mutex, atomics, condition variable, TLS;
# on 1 and on 2 CPUs, where the threads run on the other CPU), and segv,
# whose core opens in gdb with bt showing crash_here <- middle <- main,
# and signals (handlers with real frames: SI_USER, a SIGSEGV handler that
# siglongjmps out, SSE state kept across a handler, SA_RESETHAND), and
# bigheap: a 48 MiB heap on a 32 MiB machine completes with swap, with the
# native output, and without swap the OOM killer kills it (SIGKILL, exit
# 137) with Linux's report in the kernel log; oom_blocked: the victim
# sleeps in a pipe read, is woken by its SIGKILL and dies, and the
# smaller process it was waiting with completes.
# Skipped (77) without Unicorn or gcc's static libc.  "N passed, N failed".
mmkit=${1:?usage: test_cprogs.sh MMKIT}
src=${MMKIT_SOURCE_DIR:-$(dirname "$0")/../..}
command -v gcc >/dev/null || exit 77
"$mmkit" exec -- /x 2>&1 | grep -q "built without the Unicorn CPU" && exit 77
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for p in malloc_heavy cow_fork threads segv signals bigheap oom_blocked; do
  gcc -static -O1 -g -pthread -o "$tmp/$p" "$src/tests/exec/progs/$p.c" 2>"$tmp/cc.err" ||
    { cat "$tmp/cc.err"; exit 77; }
done
pass=0; fail=0
ok() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }
same() {
  name=$1; cpus=$2; prog=$3
  # stdout and the exit status (a death's report on stderr is the shell's
  # or mmkit's own)
  (cd "$tmp" && exec "./$prog") > "$tmp/native.out" 2>/dev/null; nrc=$?
  "$mmkit" exec -q --cpus="$cpus" --mount="$tmp:$tmp" -- "$tmp/$prog" > "$tmp/mmkit.out" 2>/dev/null; mrc=$?
  ok "$name (exit $nrc native, $mrc mmkit)" '[ "$nrc" = "$mrc" ] && cmp -s "$tmp/native.out" "$tmp/mmkit.out" || { diff "$tmp/native.out" "$tmp/mmkit.out" | head -5; false; }'
}
same malloc_heavy 1 malloc_heavy
same cow_fork 1 cow_fork
same threads-1cpu 1 threads
same threads-2cpus 2 threads
same threads-4cpus 4 threads
same signals 1 signals
# under pressure: the heap goes through the swap area and comes back intact
(cd "$tmp" && ./bigheap) > "$tmp/native.out" 2>/dev/null
"$mmkit" exec -q --ram=32M --swap=96M --mount="$tmp:$tmp" -- "$tmp/bigheap" > "$tmp/mmkit.out" 2>/dev/null
echo $? > "$tmp/bigheap.rc"
ok bigheap-swap '[ "$(cat "$tmp/bigheap.rc")" = 0 ] && cmp -s "$tmp/native.out" "$tmp/mmkit.out" || { cat "$tmp/mmkit.out"; false; }'
"$mmkit" exec -v --ram=32M --mount="$tmp:$tmp" -- "$tmp/bigheap" > "$tmp/mmkit.out" 2>"$tmp/oom.err"
echo $? > "$tmp/bigheap.rc"
ok bigheap-noswap-oom-killed '[ "$(cat "$tmp/bigheap.rc")" = 137 ] && grep -q "bigheap invoked oom-killer: gfp_mask=" "$tmp/oom.err" && grep -q "Out of memory: Killed process [0-9]* (bigheap) total-vm:" "$tmp/oom.err" && grep -q "killed by SIGKILL" "$tmp/oom.err" || { tail -5 "$tmp/oom.err"; false; }'
# the victim (pid 2, the larger) sleeps in a pipe read when it is chosen
"$mmkit" exec -v --ram=32M --mount="$tmp:$tmp" -- "$tmp/oom_blocked" > "$tmp/mmkit.out" 2>"$tmp/oom.err"
echo $? > "$tmp/oom_blocked.rc"
ok oom-victim-blocked-in-read '[ "$(cat "$tmp/oom_blocked.rc")" = 137 ] && grep -q "Out of memory: Killed process 2 (oom_blocked)" "$tmp/oom.err" && ! grep -q "deadlock" "$tmp/oom.err" && printf "child: 20 MiB\nchild: read 0 after the parent\n" | cmp -s - "$tmp/mmkit.out" || { cat "$tmp/mmkit.out"; tail -3 "$tmp/oom.err"; false; }'
# segv: killed by SIGSEGV (128+11), a core in the mounted directory, and
# gdb's backtrace names the crashing function and its callers
rm -f "$tmp/core"
"$mmkit" exec -q --mount="$tmp:/w" --core-pattern=/w/core --core-limit=unlimited -- /w/segv \
  > "$tmp/segv.out" 2> "$tmp/segv.err"
echo $? > "$tmp/segv.rc"
ok segv-status '[ "$(cat "$tmp/segv.rc")" = 139 ] && grep -q "killed by SIGSEGV (core dumped)" "$tmp/segv.err"'
ok segv-core '[ -s "$tmp/core" ]'
if command -v gdb >/dev/null; then
  gdb -q -batch -ex bt "$tmp/segv" "$tmp/core" > "$tmp/bt" 2>&1
  ok segv-gdb-bt 'grep -q "^#0 .*crash_here" "$tmp/bt" && grep -q "^#1 .*middle" "$tmp/bt" && grep -q "^#2 .*main" "$tmp/bt" && grep -q "signal SIGSEGV" "$tmp/bt" || { cat "$tmp/bt"; false; }'
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
