#!/bin/sh
# The OOM report's format (issue 19): a global OOM in mmkit (three
# processes, no swap) is checked line by line against a real Linux 6.18.44
# OOM report captured on the reference host (tests/oom/, a memory-cgroup
# OOM: its memcg lines aside, the same lines), and its Mem-Info and
# oom_reaper lines against the 6.18 format strings
# (tests/oom/check_report_shape.py).  The checker must also refuse a report
# with a column moved, a section missing or a key renamed, so that it can
# fail.  Prints "N passed, N failed".
mmkit="$1"
src="${MMKIT_SOURCE_DIR:-$(dirname "$0")/../..}"
ref="$src/tests/oom/linux-6.18.44-memcg-oom.txt"
chk="$src/tests/oom/check_report_shape.py"
command -v python3 >/dev/null 2>&1 || { echo "skip: no python3"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $1"; fi; }

cat > "$tmp/oom.mm" <<'MM'
machine ram=32M
spawn init
spawn A
spawn B
spawn C
C set oom_score_adj=-1000
C mmap 0 14M rw- MAP_PRIVATE|MAP_ANONYMOUS -> c
C fill $c 14M 0x33 expect=ok
A mmap 0 8M rw- MAP_PRIVATE|MAP_ANONYMOUS -> a
A fill $a 8M 0x11 expect=ok
B mmap 0 8M rw- MAP_PRIVATE|MAP_ANONYMOUS -> b
B fill $b 8M 0x22 expect=ok
dmesg
MM
"$mmkit" run --plain "$tmp/oom.mm" > "$tmp/log" 2>/dev/null
ok run '[ $? -eq 0 ]'
ok killed-A 'grep -q "^A (pid 2) killed by SIGKILL" "$tmp/log"'
python3 "$chk" "$ref" "$tmp/log" > "$tmp/res"
ok shape 'grep -q "^ok:" "$tmp/res" || { cat "$tmp/res"; false; }'
ok reaper-line 'grep -q "oom_reaper: reaped process 2 (A)" "$tmp/log"'

# the checker fails on a broken report
sed 's/^\(\[[ 0-9.]*\] \[ *[0-9]*\]\)     0 /\1    0 /' "$tmp/log" > "$tmp/bad1"
python3 "$chk" "$ref" "$tmp/bad1" > /dev/null
ok refuses-misaligned-row '[ $? -eq 1 ]'
grep -v "Tasks state" "$tmp/log" > "$tmp/bad2"
python3 "$chk" "$ref" "$tmp/bad2" > /dev/null 2>&1
ok refuses-missing-section '[ $? -ne 0 ]'
sed 's/,task_memcg=/,memcg=/' "$tmp/log" > "$tmp/bad3"
python3 "$chk" "$ref" "$tmp/bad3" > /dev/null
ok refuses-renamed-key '[ $? -eq 1 ]'
sed 's/ sec_pagetables:\([0-9]*\) bounce/ bounce/' "$tmp/log" > "$tmp/bad4"
python3 "$chk" "$ref" "$tmp/bad4" > /dev/null
ok refuses-meminfo-change '[ $? -eq 1 ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
