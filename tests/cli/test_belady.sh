#!/bin/sh
# tools/belady.py and the page-reference trace (MMKIT_PAGEREF, cli/pageref.c).
# OPT and LRU misses on sequences worked out by hand:
#   7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1, 3 frames: OPT 9, LRU 12 (the
#     textbook example: OPT misses 7 0 1 2 3 4 2 1 7); 4 frames: OPT 8, LRU 8
#   1 2 3 1 2 3, 2 frames: OPT 1 2 3(evicts 2) 1 2(evicts 1) 3 -> 4; LRU 6
#   a b a b, 1 frame: 4 for both; 5 distinct pages, 9 frames: 5 (compulsory)
# and the trace of a scenario: pages in access order, a repeat of the last
# page dropped, the kind of each VMA, nothing without the variable.
# Prints "N passed, N failed".
mmkit="$1"
case "$mmkit" in /*) ;; *) mmkit="$PWD/$mmkit" ;; esac
src="${MMKIT_SOURCE_DIR:-$(dirname "$0")/../..}"
command -v python3 >/dev/null 2>&1 || exit 77
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $1"; cat "$tmp/out"; fi; }
bel() { python3 "$src/tools/belady.py" "$@" > "$tmp/out" 2>&1; }
val() { sed -n "s/^$1 //p" "$tmp/out"; }

bel --seq "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1" 3
ok textbook-3 '[ "$(val opt_misses)" = 9 ] && [ "$(val lru_misses)" = 12 ] && [ "$(val opt_miss_ratio)" = 0.4500 ]'
bel --seq "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1" 4
ok textbook-4 '[ "$(val opt_misses)" = 8 ] && [ "$(val lru_misses)" = 8 ]'
bel --seq "1 2 3 1 2 3" 2
ok cyclic '[ "$(val opt_misses)" = 4 ] && [ "$(val lru_misses)" = 6 ]'
bel --seq "a b a b" 1
ok one-frame '[ "$(val opt_misses)" = 4 ] && [ "$(val lru_misses)" = 4 ]'
bel --seq "1 2 3 4 5 1 2 3 4 5" 9 --mmkit-misses 10
ok compulsory '[ "$(val opt_misses)" = 5 ] && [ "$(val mmkit_over_opt)" = 2.00 ]'
bel --seq "1 2" 0
ok zero-frames 'grep -q "at least 1" "$tmp/out"'
printf 'A x 10\n' > "$tmp/bad"; bel "$tmp/bad" 4
ok bad-trace 'grep -q "bad:1: not a PROCESS KIND VPN line" "$tmp/out"'

# the trace of a run
mkdir "$tmp/host" && dd if=/dev/zero of="$tmp/host/f" bs=4096 count=4 status=none
cat > "$tmp/t.mm" <<'MM'
machine ram=16M
mount host /mnt
spawn A
A mmap 0x10000000 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED -> m
A touch 0x10000000 12K write
A touch 0x10002000 8K read
A fill 0x10000000 1 7
A open /mnt/f O_RDONLY -> fd
A mmap 0x20000000 16K r-- MAP_SHARED|MAP_FIXED $fd 0 -> f
A check 0x20001000 4K 0
spawn B
B mmap 0x10000000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED -> n
B fillpat 0x10000000 4K 1
B checkpat 0x10000000 4K 1
MM
(cd "$tmp" && MMKIT_PAGEREF="$tmp/trace" "$mmkit" run --plain t.mm > "$tmp/out" 2>&1)
printf 'A a 10000\nA a 10001\nA a 10002\nA a 10003\nA a 10000\nA f 20001\nB a 10000\n' > "$tmp/want"
ok trace 'cmp -s "$tmp/trace" "$tmp/want" || { diff "$tmp/want" "$tmp/trace"; false; }'
bel "$tmp/trace" 2
ok trace-opt '[ "$(val refs)" = 7 ] && [ "$(val pages)" = 6 ] && [ "$(val anon_pages)" = 5 ] && [ "$(val opt_misses)" = 6 ]'
rm -f "$tmp/trace"; (cd "$tmp" && "$mmkit" run --plain t.mm > "$tmp/out" 2>&1)
ok no-trace '[ ! -e "$tmp/trace" ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
