#!/bin/sh
# bench_exec.sh [MMKIT] - real programs side by side (issue 21): native,
# qemu-x86_64 (Debian's qemu-user: user-mode emulation, no page tables)
# and `mmkit exec` (the Unicorn CPU walking mmkit's page tables):
#   membound    a random walk over 32 MiB (bench/exec/membound.c)
#   sort        busybox sort of a 10 MiB file
#   faults      16384 x 8 first-touch write faults of anonymous memory, per
#               fault: (time touching - time not touching) / 131072
# Each figure is the best of 3 wall-clock runs, in seconds (faults: us).
# Needs gcc (static libc), busybox-static and qemu-user (apt-get install
# qemu-user); prints one table.  Timings only: not a test.
set -u
mmkit=$(cd "$(dirname "${1:-build/release/mmkit}")" && pwd)/$(basename "${1:-build/release/mmkit}")
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for p in membound faults; do
  gcc -static -O2 -o "$tmp/$p" "$src/bench/exec/$p.c" || exit 1
done
cp /bin/busybox "$tmp/busybox" || exit 1
python3 -c "
import random
r = random.Random(7); out = []; n = 0
while n < 10 << 20:
    s = '%d %s\n' % (r.randrange(10**9), ''.join(r.choice('abcdefghij') for _ in range(r.randrange(1, 40))))
    out.append(s); n += len(s)
open('$tmp/big.txt', 'w').write(''.join(out)[:10 << 20])"
qemu=$(command -v qemu-x86_64 || true)
best() {   # best of 3 wall-clock seconds of "$@"
  python3 - "$@" <<'PY'
import subprocess, sys, time
best = None
for _ in range(3):
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    t = time.perf_counter() - t
    best = t if best is None or t < best else best
print("%.3f" % best)
PY
}
run() {    # run WHERE PROG ARGS...: the wall-clock seconds
  where=$1; shift
  case $where in
    native) (cd "$tmp" && best "$@") ;;
    qemu) [ -n "$qemu" ] && (cd "$tmp" && best "$qemu" "$@") || echo "-" ;;
    mmkit) (cd "$tmp" && best "$mmkit" exec -q --ram=512M --mount="$tmp:$tmp" --cwd="$tmp" -- "$@") ;;
  esac
}
printf "%-10s %10s %10s %10s %12s\n" "" native qemu-user mmkit "mmkit/qemu"
for w in membound sort; do
  line=$w
  for where in native qemu mmkit; do
    if [ $w = membound ]; then t=$(run $where "$tmp/membound"); else t=$(run $where "$tmp/busybox" sort "$tmp/big.txt"); fi
    eval "t_$where=$t"
  done
  ratio=$(python3 -c "print('%.2f' % ($t_mmkit / $t_qemu))" 2>/dev/null || echo -)
  printf "%-10s %10s %10s %10s %12s\n" "$w" "$t_native" "$t_qemu" "$t_mmkit" "$ratio"
done
line=""
for where in native qemu mmkit; do
  a=$(run $where "$tmp/faults" 1); b=$(run $where "$tmp/faults" 0)
  eval "f_$where=\$(python3 -c \"print('%.3f' % (($a - $b) / 131072 * 1e6))\" 2>/dev/null || echo -)"
done
ratio=$(python3 -c "print('%.2f' % ($f_mmkit / $f_qemu))" 2>/dev/null || echo -)
printf "%-10s %10s %10s %10s %12s\n" "fault(us)" "$f_native" "$f_qemu" "$f_mmkit" "$ratio"
