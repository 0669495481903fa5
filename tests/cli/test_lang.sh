#!/bin/sh
# The scenario language core: result-line format, variables, expect=, and
# script errors (FILE:LINE: error:, exit 2, nothing run after).  Prints
# "N passed, N failed".
mmkit="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
check() { # name, expected-exit, expected-stderr-substring, script
  printf '%s\n' "$4" > "$tmp/t.mm"
  "$mmkit" run --plain "$tmp/t.mm" > "$tmp/out" 2> "$tmp/err"; rc=$?
  if [ "$rc" -eq "$2" ] && grep -qF -- "$3" "$tmp/err"; then pass=$((pass+1))
  else fail=$((fail+1)); echo "FAIL $1: rc=$rc (want $2)"; cat "$tmp/err"; fi
}
check unknown-command 2 "t.mm:2: error: unknown command 'bogus'" "verify
bogus 1"
check unknown-variable 2 "t.mm:1: error: unknown variable '\$nope'" "cpu \$nope"
check bad-number 2 "t.mm:1: error: bad number '12Q'" "cpu 12Q"
check machine-late 2 "t.mm:2: error: machine: must come before" "verify
machine ram=16M"
check machine-range 2 "t.mm:1: error: machine: ram: must be between 1M and 64G" "machine ram=100G"
check machine-levels 2 "levels: must be 2" "machine levels=7"
check machine-key 2 "unknown setting 'foo=1'" "machine foo=1"
check unterminated 2 "unterminated string" 'cat "/proc/meminfo'
check bad-escape 2 "bad escape" 'cat "\q"'
check expect-without-result 2 "expect= on a command that has no result" "verify expect=0"
check cat-unknown 2 "no such view" "cat /proc/nonexistent"
check cpu-range 2 "no CPU 3" "machine cpus=2
cpu 3"
check fail-site 2 "unknown site" "fail nosuchsite nth=1"
# a script error stops the run: nothing after it is printed
printf 'verify\nbogus\nverify\n' > "$tmp/t.mm"
"$mmkit" run --plain "$tmp/t.mm" > "$tmp/out" 2>/dev/null
if [ "$(grep -c 'verify: ok' "$tmp/out")" -eq 1 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL stop-at-error"; fi
# command-line flags override the machine line; bad flags are errors
printf 'machine cpus=1\ncpu 1\n' > "$tmp/t.mm"
if "$mmkit" run --plain --cpus 2 "$tmp/t.mm" >/dev/null 2>&1; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL flag-override"; fi
if "$mmkit" run --plain --levels 9 "$tmp/t.mm" 2>"$tmp/err"; [ $? -eq 2 ] && grep -q levels "$tmp/err"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL flag-range"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
