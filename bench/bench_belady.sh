#!/bin/sh
# bench_belady.sh [MMKIT] [RAM_MB] - reclaim quality (issue 19): the miss
# ratio of mmkit on a streaming-plus-hot-set run against Belady's OPT on the
# same page-reference sequence (tools/belady.py).
#
# The run (1 CPU, RAM_MB MiB of RAM, default 32, swap file of 2x RAM): a
# process writes a hot anonymous set of RAM/4, then streams a file of 3x
# RAM through a shared read-only mapping twice, 1 MiB at a time, reading
# the whole hot set again after every 4 MiB of the file.  The run records
# its page references (MMKIT_PAGEREF).
#
# Misses: OPT's and LRU's from the tool, with as many frames as mmkit gave
# the process's pages (the LRU lists' size at the end, when memory is full:
# Active+Inactive, anon and file).  mmkit's: the pages it had to bring in
# for the references, i.e. every first touch of an anonymous page (the
# trace's anon pages: compulsory, as OPT's first misses) plus every page
# read from storage (/proc/vmstat pgpgin: file pages and swap-ins, readahead
# included).  Prints both ratios and mmkit/OPT (the issue's target: <= 2).
# Not a pass/fail test.
set -u
mmkit=$(cd "$(dirname "${1:-build/release/mmkit}")" && pwd)/$(basename "${1:-build/release/mmkit}")
ram=${2:-32}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmkit-belady.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/host"
file_mb=$((ram * 3)); hot_mb=$((ram / 4))
dd if=/dev/zero of="$tmp/host/stream" bs=1M count=$file_mb status=none
{
  echo "machine ram=${ram}M"
  echo "mount host /mnt"
  echo "mkswap /mnt/swapfile $((ram * 2))M expect=0"
  echo "swapon /mnt/swapfile expect=0"
  echo "spawn A"
  echo "A mmap 0 ${hot_mb}M rw- MAP_PRIVATE|MAP_ANONYMOUS -> hot"
  echo "A touch \$hot ${hot_mb}M write"
  echo "A open /mnt/stream O_RDONLY -> fd"
  echo "A mmap 0 ${file_mb}M r-- MAP_SHARED \$fd 0 -> s"
  for pass in 1 2; do
    mb=0
    while [ $mb -lt $file_mb ]; do
      echo "A touch \$s+$((mb * 1048576)) 1M read"
      mb=$((mb + 1))
      [ $((mb % 4)) -eq 0 ] && echo "A touch \$hot ${hot_mb}M read"
    done
  done
  echo "cat /proc/meminfo Active(anon) Inactive(anon) Active(file) Inactive(file)"
  echo "cat /proc/vmstat pgpgin pswpin pswpout pgmajfault pgsteal_kswapd pgsteal_direct workingset_refault_anon workingset_refault_file"
  echo "A close \$fd"
  echo "A exit"
  echo "swapoff /mnt/swapfile expect=0"
} > "$tmp/run.mm"
(cd "$tmp" && MMKIT_PAGEREF="$tmp/trace" "$mmkit" run --plain run.mm > "$tmp/out" 2> "$tmp/err") ||
  { cat "$tmp/err"; exit 1; }
v() { awk -v k="$1" '$1 == k || $1 == k":" { print $2 }' "$tmp/out"; }
frames=$(( $(v "Active(anon)") + $(v "Inactive(anon)") + $(v "Active(file)") + $(v "Inactive(file)") ))
frames=$((frames / 4))
anon=$(awk '$2 == "a" { print $1, $3 }' "$tmp/trace" | sort -u | wc -l)
misses=$(( anon + $(v pgpgin) / 4 ))
echo "ram ${ram}M, hot set ${hot_mb}M anon, file ${file_mb}M streamed twice"
grep -E "^(pgpgin|pswpin|pswpout|pgmajfault|pgsteal_kswapd|pgsteal_direct|workingset_refault_anon|workingset_refault_file) " "$tmp/out"
python3 "$src/tools/belady.py" "$tmp/trace" "$frames" --mmkit-misses "$misses"
