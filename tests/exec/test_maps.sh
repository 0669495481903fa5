#!/bin/sh
# test_maps.sh MMKIT - memory behaviour of a real program against the host
# (issue 21):
#   maps    /proc/A/maps of busybox stopped before exit_group equals the
#           host's maps of the same static binary stopped at the same call
#           (gdb, ASLR off), except [vsyscall], which mmkit does not map
#           (the [vvar], [vvar_vclock] and [vdso] lines match: mmkit maps
#           them, without giving AT_SYSINFO_EHDR); the same for a static
#           PIE built with gcc -static-pie;
#   faults  busybox's page faults (minor + major: the host's cache is warm,
#           so mmkit's page cache is warmed by a first run) are within 10%
#           of the host's getrusage for the same command on a small file.
# Skipped (77) without Unicorn, busybox-static or gdb.  "N passed, N failed".
mmkit=${1:?usage: test_maps.sh MMKIT}
src=${MMKIT_SOURCE_DIR:-$(dirname "$0")/../..}
bb=/usr/bin/busybox
[ -x "$bb" ] && command -v gdb >/dev/null && command -v gcc >/dev/null || exit 77
"$mmkit" exec -- /x 2>&1 | grep -q "built without the Unicorn CPU" && exit 77
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'one\ntwo\nthree\n' > "$tmp/small.txt"
pass=0; fail=0
ok() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }

# --- maps
cat > "$tmp/maps.py" <<'PY'
import gdb
gdb.execute("set pagination off")
gdb.execute("catch syscall exit_group")
gdb.execute("run")
print(open("/proc/%d/maps" % gdb.selected_inferior().pid).read(), end="")
gdb.execute("kill")
PY
gdb -q -batch -x "$tmp/maps.py" --args "$bb" cat "$tmp/small.txt" 2>/dev/null |
  grep -E '^[0-9a-f]+-[0-9a-f]+ ' | grep -v '\[vsyscall\]' > "$tmp/native.maps"
cat > "$tmp/maps.mm" <<EOF2
mount /usr/bin /usr/bin
mount $tmp /w
spawn A elf $bb cat /w/small.txt
A run until syscall exit_group
cat /proc/A/maps
A run until exit
EOF2
"$mmkit" run --plain "$tmp/maps.mm" 2>"$tmp/mm.err" | grep -E '^[0-9a-f]+-[0-9a-f]+ ' > "$tmp/mmkit.maps"
ok maps-nonempty '[ -s "$tmp/native.maps" ] && [ -s "$tmp/mmkit.maps" ]'
ok maps-equal 'diff "$tmp/native.maps" "$tmp/mmkit.maps"'

# --- maps of a static PIE (gcc -static-pie): the image below mmap_base,
# the brk at ELF_ET_DYN_BASE as Linux 6.x moves it
if gcc -static-pie -O1 -pthread -o "$tmp/pie" "$src/tests/exec/progs/threads.c" 2>/dev/null; then
  gdb -q -batch -x "$tmp/maps.py" --args "$tmp/pie" 2>/dev/null |
    grep -E '^[0-9a-f]+-[0-9a-f]+ ' | grep -v '\[vsyscall\]' > "$tmp/native-pie.maps"
  cat > "$tmp/pie.mm" <<EOF2
mount $tmp $tmp
spawn A elf $tmp/pie
A run until syscall exit_group
cat /proc/A/maps
A run until exit
EOF2
  "$mmkit" run --plain "$tmp/pie.mm" 2>/dev/null | grep -E '^[0-9a-f]+-[0-9a-f]+ ' > "$tmp/mmkit-pie.maps"
  ok maps-static-pie '[ -s "$tmp/native-pie.maps" ] && diff "$tmp/native-pie.maps" "$tmp/mmkit-pie.maps"'
fi

# --- run until steps N: the program advances by instructions and ends
cat > "$tmp/steps.mm" <<EOF2
mount /usr/bin /usr/bin
spawn A elf $bb echo hi
A run until steps 1000
A rusage
A run until steps 5000
A rusage
A run until exit
EOF2
"$mmkit" run --plain "$tmp/steps.mm" > "$tmp/steps.out" 2>/dev/null
f1=$(sed -n 's/^4: = minflt \([0-9]*\).*/\1/p' "$tmp/steps.out")
f2=$(sed -n 's/^6: = minflt \([0-9]*\).*/\1/p' "$tmp/steps.out")
ok run-steps '[ -n "$f1" ] && [ -n "$f2" ] && [ "$f2" -gt "$f1" ] && grep -qx hi "$tmp/steps.out" && grep -qx "7: = 0" "$tmp/steps.out"'

# --- minor faults
gcc -O2 -o "$tmp/rusage_native" "$src/tests/exec/rusage_native.c" || exit 1
for cmd in "cat small.txt" "echo hello" "ls -l" "sort small.txt"; do
  native=$(cd "$tmp" && ./rusage_native "$bb" $cmd 2>&1 >/dev/null |
           sed -n 's/^minflt \([0-9]*\) majflt \([0-9]*\)$/\1 \2/p' | awk '{print $1 + $2}')
  cat > "$tmp/flt.mm" <<EOF2
mount /usr/bin /usr/bin
mount $tmp /w
mount /etc /etc
spawn W elf $bb $cmd
W run until exit
spawn A elf $bb $cmd
A run until syscall exit_group
A rusage
A run until exit
EOF2
  # the program's cwd is /, so the file names are made absolute
  sed -i "s#elf $bb \([a-z]*\) \(small.txt\)#elf $bb \1 /w/\2#" "$tmp/flt.mm"
  sed -i "s#elf $bb ls -l#elf $bb ls -l /w#" "$tmp/flt.mm"
  [ "$cmd" = "ls -l" ] && native=$(cd / && "$tmp/rusage_native" "$bb" ls -l "$tmp" 2>&1 >/dev/null |
           sed -n 's/^minflt \([0-9]*\) majflt \([0-9]*\)$/\1 \2/p' | awk '{print $1 + $2}')
  mm=$("$mmkit" run --plain "$tmp/flt.mm" 2>/dev/null | sed -n 's/^[0-9]*: = minflt \([0-9]*\) majflt \([0-9]*\)$/\1 \2/p' |
       awk '{print $1 + $2}')
  echo "faults of busybox $cmd: host $native, mmkit $mm"
  ok "faults-$cmd" '[ -n "$native" ] && [ -n "$mm" ] && [ $((mm * 100)) -le $((native * 110)) ] && [ $((mm * 100)) -ge $((native * 90)) ]'
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
