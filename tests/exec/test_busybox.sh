#!/bin/sh
# test_busybox.sh MMKIT - busybox as a judge (issue 21): Debian's
# busybox-static run by `mmkit exec` must print exactly what it prints run
# natively: echo, cat, ls -l of a mounted directory, sort and
# gzip -c | gunzip -c of a 10 MiB file, and sh -c with a pipeline of two
# commands.  Skipped (77) without Unicorn or busybox-static.
# MMKIT_EXEC_BIG=SIZE changes the big file's size (sanitizer builds use 1M).
# Prints "N passed, N failed".
mmkit=${1:?usage: test_busybox.sh MMKIT}
bb=/bin/busybox
[ -x "$bb" ] && file_is_static=$(od -An -c -N4 "$bb" | tr -d ' ') || exit 77
"$mmkit" exec --help >/dev/null 2>&1 || exit 77
"$mmkit" exec -- /x 2>&1 | grep -q "built without the Unicorn CPU" && exit 77
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/d" "$tmp/bin"
cp "$bb" "$tmp/bin/busybox"
printf 'one\ntwo\nthree\n' > "$tmp/d/small.txt"
mkdir "$tmp/d/sub"
printf 'x' > "$tmp/d/sub/x"
touch -d '2024-01-02 03:04:05' "$tmp/d/small.txt" "$tmp/d/sub" "$tmp/d/sub/x"
size=${MMKIT_EXEC_BIG:-10485760}
python3 -c "
import random, sys
r = random.Random(21); n = int(sys.argv[1]); out = []; total = 0
while total < n:
    line = '%d %s\n' % (r.randrange(10**9), ''.join(r.choice('abcdefghij') for _ in range(r.randrange(1, 40))))
    out.append(line); total += len(line)
sys.stdout.write(''.join(out)[:n])
" "$size" > "$tmp/d/big.txt"
touch -d '2024-01-02 03:04:05' "$tmp/d/big.txt" "$tmp/d"
pass=0; fail=0
# run NAME CMD...: the same busybox command line natively and on mmkit
# (the files at /w in the machine and as $tmp/d on the host, via a
# relative path from the same working directory name).
run() {
  name=$1; shift
  (cd "$tmp/d" && "$tmp/bin/busybox" "$@") > "$tmp/native.out" 2> "$tmp/native.err"; nrc=$?
  "$mmkit" exec -q --ram=256M --mount="$tmp/bin:/bin" --mount="$tmp/d:/w" --mount=/etc:/etc \
    --cwd=/w -- /bin/busybox "$@" > "$tmp/mmkit.out" 2> "$tmp/mmkit.err"; mrc=$?
  if [ "$nrc" = "$mrc" ] && cmp -s "$tmp/native.out" "$tmp/mmkit.out" &&
     cmp -s "$tmp/native.err" "$tmp/mmkit.err"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: exit $nrc native, $mrc mmkit"
    diff "$tmp/native.out" "$tmp/mmkit.out" | head -5
    diff "$tmp/native.err" "$tmp/mmkit.err" | head -5
  fi
}
run echo echo hello, world
run cat cat small.txt
run ls-l ls -l .
run ls-l-sub ls -l sub
run sort sort big.txt
run gzip-gunzip sh -c '/bin/busybox gzip -c big.txt | /bin/busybox gunzip -c'
run sh-pipeline sh -c '/bin/busybox cat small.txt | /bin/busybox sort -r'
run exit-status sh -c 'exit 3'
run sigpipe sh -c '/bin/busybox yes | /bin/busybox head -2'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
