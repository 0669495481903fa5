#!/bin/sh
# failrun --count --points (tests/reliability/failrun.c): the failure points
# of a scenario whose two lines each fault 16 anonymous pages through the
# same call stack.  Each line is one point of user_page_alloc with its 16
# calls (first..last numbered as --nth counts them), and for every site the
# points' counts add up to the site's calls.
# usage: test_points.sh FAILRUN
set -eu
failrun=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/p.mm" <<'MM'
machine ram=16M
spawn A
A mmap 0 128K rw- MAP_PRIVATE|MAP_ANONYMOUS -> a
A touch $a 64K write
A touch $a+64K 64K write
MM
"$failrun" --count --points "$dir/p.mm" > "$dir/out" 2> "$dir/err" || { cat "$dir/err"; exit 1; }
grep -q '^DONE' "$dir/out" || { echo "FAIL: no DONE"; cat "$dir/out"; exit 1; }
# user_page_alloc: one point per touch line, 16 calls each, numbered 1-16 and 17-32
got=$(awk '$1 == "P" && $2 == "user_page_alloc" { print $3, $4, $5, $6 }' "$dir/out" | sort -n)
want=$(printf '4 1 16 16\n5 17 32 16')
[ "$got" = "$want" ] || { printf 'FAIL: user_page_alloc points\n%s\nwanted\n%s\n' "$got" "$want"; exit 1; }
# every site: the points' counts add up to its calls
awk '$1 == "S" { calls[$2] = $3 } $1 == "P" { sum[$2] += $6 }
     END { bad = 0
           for (s in calls) if (calls[s] != sum[s] + 0) { print "FAIL: " s " calls " calls[s] " points " sum[s] + 0; bad = 1 }
           exit bad }' "$dir/out"
# without --count, --points is refused
if "$failrun" --points "$dir/p.mm" > /dev/null 2>&1; then echo "FAIL: --points without --count accepted"; exit 1; fi
echo "test_points: ok"
