#!/bin/sh
# The command line: getopt_long option forms, --version/--help, unknown
# commands and options with suggestions, exit statuses, sizes and range
# errors, and what reaches the terminal by default, with -q and with -v.
# Prints "N passed, N failed".
mmkit="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $1"; fi; }
run() { "$mmkit" "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?; }
printf 'cat /proc/meminfo MemTotal\n' > "$tmp/m.mm"

# option forms: --ram=SIZE, --ram SIZE, options after the file
run run --plain --ram=32M "$tmp/m.mm";  ok ram-equals '[ $rc -eq 0 ] && grep -q "MemTotal: *32764 kB" "$tmp/out"'
run run --plain --ram 16M "$tmp/m.mm";  ok ram-space '[ $rc -eq 0 ] && grep -q "MemTotal: *16380 kB" "$tmp/out"'
run run "$tmp/m.mm" --plain --ram=32M;  ok options-after-file '[ $rc -eq 0 ] && grep -q "32764 kB" "$tmp/out"'
run run --plain --cpus=2 --levels=5 --seed=7 "$tmp/m.mm"; ok other-options '[ $rc -eq 0 ]'
run --version;                          ok version '[ $rc -eq 0 ] && grep -q "^mmkit [0-9]" "$tmp/out"'
run --help;                             ok help '[ $rc -eq 0 ] && grep -q "exit status: 0 success, 1 a failed expect=, 2" "$tmp/out"'
run run --help;                         ok run-help '[ $rc -eq 0 ] && grep -q -- "--ram=SIZE" "$tmp/out"'
# help never boots a machine: no kernel log even with -v... (help has no -v); and it is fast
run help;                               ok help-no-boot '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && grep -q "System calls:" "$tmp/out"'
# unknown things say so, with the nearest name
run frob;                               ok unknown-command '[ $rc -eq 2 ] && grep -q "unknown command .frob." "$tmp/err"'
run rnu x.mm;                           ok command-suggestion '[ $rc -eq 2 ] && grep -q "did you mean .run.?" "$tmp/err"'
run run --rma=64M "$tmp/m.mm";          ok option-suggestion '[ $rc -eq 2 ] && grep -q "unknown option .--rma=64M.; did you mean .--ram.?" "$tmp/err"'
run run -x "$tmp/m.mm";                 ok unknown-short '[ $rc -eq 2 ] && grep -q "unknown option .-x." "$tmp/err"'
run run --ram;                          ok missing-value '[ $rc -eq 2 ] && grep -q "needs a value" "$tmp/err"'
run run;                                ok no-file '[ $rc -eq 2 ] && grep -q "no scenario FILE" "$tmp/err"'
run run --plain --json "$tmp/m.mm";     ok plain-json '[ $rc -eq 2 ]'
run help mmpa;                          ok help-suggestion '[ $rc -eq 2 ] && grep -q "did you mean .mmap.?" "$tmp/err"'
# sizes: T suffix, range errors that name the range, out-of-range numbers
run run --ram=1T "$tmp/m.mm";           ok ram-1T '[ $rc -eq 2 ] && grep -q "ram: must be between 1M and 64G" "$tmp/err"'
run run --ram=99999999999999999999 "$tmp/m.mm"; ok ram-overflow '[ $rc -eq 2 ] && grep -q "out of range" "$tmp/err"'
run run --ram=lots "$tmp/m.mm";         ok ram-nan '[ $rc -eq 2 ] && grep -q "not a number" "$tmp/err"'
printf 'machine ram=1T\n' > "$tmp/t.mm"; run run --plain "$tmp/t.mm"
ok machine-1T '[ $rc -eq 2 ] && grep -q "ram: must be between 1M and 64G" "$tmp/err"'
printf 'machine ram=64M ram=32M\n' > "$tmp/t.mm"; run run --plain "$tmp/t.mm"
ok machine-duplicate '[ $rc -eq 2 ] && grep -q "ram= given twice" "$tmp/err"'
printf 'machine rma=64M\n' > "$tmp/t.mm"; run run --plain "$tmp/t.mm"
ok machine-suggestion '[ $rc -eq 2 ] && grep -q "did you mean .ram.?" "$tmp/err"'
# the zero page: a read then a write of private anonymous memory takes two
# faults with it (the COW of the zero page), one without (zero_page=0)
zp='spawn A\nA mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m\nA read $m 8\nA write $m 8 1\nA rusage\n'
printf "$zp" > "$tmp/z.mm"; run run --plain "$tmp/z.mm"; ok zero-page-default '[ $rc -eq 0 ] && grep -q "minflt 2 " "$tmp/out"'
run run --plain --zero-page=0 "$tmp/z.mm"; ok zero-page-option '[ $rc -eq 0 ] && grep -q "minflt 1 " "$tmp/out"'
printf "machine zero_page=0\n$zp" > "$tmp/z0.mm"; run run --plain "$tmp/z0.mm"
ok zero-page-machine '[ $rc -eq 0 ] && grep -q "minflt 1 " "$tmp/out"'
run run --plain --zero-page=1 "$tmp/z0.mm"; ok zero-page-option-wins '[ $rc -eq 0 ] && grep -q "minflt 2 " "$tmp/out"'
run run --plain --zero-page=2 "$tmp/z.mm"; ok zero-page-bad '[ $rc -eq 2 ] && grep -q "give 0 or 1" "$tmp/err"'
# exit statuses: 0, 1 (expect), 2 (script error)
printf 'kmalloc 8 -> p expect=ENOMEM\n' > "$tmp/t.mm"; run run --plain "$tmp/t.mm"; ok exit-1 '[ $rc -eq 1 ]'
printf 'bogus\n' > "$tmp/t.mm"; run run --plain "$tmp/t.mm"; ok exit-2 '[ $rc -eq 2 ]'
# the console: default = no boot log, reports yes; -q nothing; -v the boot log
printf 'spawn A\nA read 0 8\n' > "$tmp/k.mm"
run run --plain "$tmp/k.mm"
ok default-quiet-boot '! grep -q "Zone ranges" "$tmp/err"'
ok default-segfault 'grep -q "A\[1\]: segfault at 0 ip 0000000000000000 sp 0000000000000000 error 4" "$tmp/err"'
ok death-line 'grep -q "^A (pid 1) killed by SIGSEGV at line 2$" "$tmp/out"'
run run --plain -q "$tmp/k.mm";  ok quiet '[ ! -s "$tmp/err" ] && grep -q "^2: ! SIGSEGV" "$tmp/out"'
run run --plain -v "$tmp/k.mm";  ok verbose 'grep -q "Zone ranges" "$tmp/err" && grep -q segfault "$tmp/err"'
printf 'bogus\n' > "$tmp/t.mm"; run run -q "$tmp/t.mm"; ok quiet-keeps-errors '[ $rc -eq 2 ] && grep -q "error: unknown command" "$tmp/err"'
# the tour's dmesg shows the boot log once, not twice
printf 'dmesg\n' > "$tmp/t.mm"; run run "$tmp/t.mm"
ok boot-log-once '[ "$(cat "$tmp/out" "$tmp/err" | grep -c "Zone ranges")" -eq 1 ]'
# colour: never when not a terminal (here), never with NO_COLOR (see test_terminal.sh for a tty)
run run "$tmp/k.mm"; ok no-color-pipe '! grep -q "$(printf "\033")" "$tmp/out"'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
