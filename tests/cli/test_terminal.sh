#!/bin/sh
# A recorded terminal session: `mmkit shell` in a real terminal (tmux), typed
# into with send-keys and read back with capture-pane, as a person would use
# it.  Checks that Tab completes a flag name (MAP_ANONY -> MAP_ANONYMOUS) and
# a /proc path of a process, that `help mmap` shows its example, that a typo
# gets a suggestion, that nothing of the boot log reaches the terminal, that
# a long touch shows a progress line on the terminal's stderr, and that
# `mmkit run` uses colour on a terminal but not with NO_COLOR set.  The
# screen after each step is kept in $MMKIT_BUILD_DIR/terminal-session.txt
# (or the temporary directory).  Skips (exit 77) only when tmux is missing.
# Prints "N passed, N failed".
mmkit="$1"
if ! command -v tmux >/dev/null 2>&1; then
  echo "SKIP: tmux is not installed (sh scripts/deps.sh installs it)"
  exit 77
fi
tmp=$(mktemp -d)
sock="$tmp/tmux.sock"
sess=mmkit-test-$$
record="${MMKIT_BUILD_DIR:-$tmp}/terminal-session.txt"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0; fail=0
: > "$record"
t() { tmux -S "$sock" "$@"; }
screen() { t capture-pane -p -t "$sess" -S -200; }
# wait until the screen shows a pattern (grep -E), at most 10 s
wait_for() {
  i=0
  while [ $i -lt 100 ]; do
    screen | grep -qE -- "$1" && return 0
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
step() { # name, pattern: record the screen, check the pattern
  if wait_for "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $1 (no /$2/ on the screen)"; fi
  { echo "=== after: $1"; screen; } >> "$record"
}
type_line() { t send-keys -t "$sess" -l -- "$1"; t send-keys -t "$sess" Enter; }
# wait until the shell shows a fresh prompt on its last line (keys typed
# before it is drawn are echoed by the terminal, not by the line editor)
wait_prompt() {
  i=0
  while [ $i -lt 100 ]; do
    screen | grep -v '^ *$' | tail -n 1 | grep -qE '^mmkit> ?$' && return 0
    sleep 0.1; i=$((i + 1))
  done
}

t new-session -d -s "$sess" -x 120 -y 50 \
  "env HOME=$tmp MMKIT_PROGRESS_DELAY_MS=0 TERM=xterm $mmkit shell --ram=1G; sleep 30"
step banner 'mmkit shell: the scenario language'
type_line "spawn A"
step spawn '^1: = 0'
wait_prompt
# Tab completes a flag, one |-separated part at a time
t send-keys -t "$sess" -l -- "A mmap 0 64M rw- MAP_PRIVATE|MAP_ANONY"
t send-keys -t "$sess" Tab
step complete-flag "MAP_PRIVATE\\|MAP_ANONYMOUS"
t send-keys -t "$sess" -l -- " -> m"
t send-keys -t "$sess" Enter
step mmap '^2: = 0x7'
wait_prompt
# Tab completes a process's /proc path
t send-keys -t "$sess" -l -- "cat /proc/A/ma"
t send-keys -t "$sess" Tab
step complete-proc-path "cat /proc/A/maps"
t send-keys -t "$sess" Enter
step maps-shown 'rw-p 00000000 00:00 0'
# help mmap shows the usage and the example
type_line "help mmap"
step help-usage '^usage: A mmap ADDR LEN PROT FLAGS'
step help-example '^  A mmap 0 64K rw- MAP_PRIVATE\|MAP_ANONYMOUS -> m'
# a typo gets a suggestion, and the shell goes on
type_line "spwan B"
step typo "unknown command 'spwan'; did you mean 'spawn'\\?"
type_line "A mmpa 0 4K"
step typo-process-op "unknown process operation 'mmpa'; did you mean 'mmap'\\?"
# a long touch shows progress on the terminal while it runs
type_line "A touch \$m 64M write"
step progress 'touch: [0-9.]+ [KMG]iB of 64.0 MiB'
step touch-done '^[0-9]+: = ok'
# the boot log stays out of the terminal (it is in dmesg)
if screen | grep -q "Zone ranges"; then fail=$((fail+1)); echo "FAIL quiet-boot"; else pass=$((pass+1)); fi
type_line "dmesg"
step dmesg-has-boot 'Zone ranges'
type_line "quit"
# colour on a terminal, and never with NO_COLOR
printf 'spawn A\nA read 0 8\n' > "$tmp/c.mm"
esc=$(printf '\033\[')
t new-window -d -t "$sess" -n color "$mmkit run $tmp/c.mm; sleep 30"
t new-window -d -t "$sess" -n nocolor "env NO_COLOR=1 $mmkit run $tmp/c.mm; sleep 30"
for w in color nocolor; do
  i=0
  while [ $i -lt 100 ] && ! t capture-pane -p -t "$sess:$w" | grep -q "killed by"; do sleep 0.1; i=$((i + 1)); done
  t capture-pane -e -p -t "$sess:$w" > "$tmp/$w.txt"
  { echo "=== window $w (with escapes)"; cat "$tmp/$w.txt"; } >> "$record"
done
if grep -q "$esc" "$tmp/color.txt" && grep -q "killed by" "$tmp/color.txt"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL color-on-tty"; fi
if ! grep -q "$esc[0-9;]*m" "$tmp/nocolor.txt" && grep -q "killed by" "$tmp/nocolor.txt"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL no-color"; fi
echo "session recorded in $record"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
