#!/bin/sh
# Help for every command, from one table (cli/help.c): every registered
# scenario command has a help entry with its usage, what it prints and an
# example; every example runs on its own with exit 0; the shell's `help CMD`
# and a scenario's `help CMD` print exactly what `mmkit help CMD` prints.
# Prints "N passed, N failed".
mmkit="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
: > "$tmp/all_help"; : > "$tmp/all_help.mm"
pass=0; fail=0
ok() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $1"; fi; }
"$mmkit" help --list > "$tmp/names" || { echo "FAIL help --list"; exit 1; }
# a build without Unicorn cannot run real programs: their examples are skipped
nounicorn=false
"$mmkit" exec -- /x 2>&1 | grep -q "built without the Unicorn CPU" && nounicorn=true
needs_unicorn() { $nounicorn && grep -q '^spawn [A-Za-z0-9_]* elf ' "$1"; }
n=$(wc -l < "$tmp/names")
ok many-commands '[ "$n" -ge 70 ]'
ok none-without-help '! grep -q "(no help)" "$tmp/names"'
while read -r name rest; do
  "$mmkit" help "$name" > "$tmp/h" 2>&1; rc=$?
  ok "$name-help" '[ $rc -eq 0 ] && grep -q "^usage: " "$tmp/h" && grep -q "^prints: " "$tmp/h" && grep -q "^example:" "$tmp/h"'
  # the example: the indented lines between "example:" and "topic:" (a
  # global and a process command may share a name: one example each)
  rm -f "$tmp"/ex*.mm
  awk -v dir="$tmp" '/^example:/ { n++; f = dir "/ex" n ".mm"; inb = 1; next }
                     /^topic:/ { inb = 0; next } inb { sub(/^  /, ""); print > f }' "$tmp/h"
  for ex in "$tmp"/ex*.mm; do
    ok "$name-example-nonempty" '[ -s "$ex" ]'
    needs_unicorn "$ex" && continue
    "$mmkit" run --plain -q "$ex" > "$tmp/exout" 2> "$tmp/exerr"; rc=$?
    ok "$name-example-runs" '[ $rc -eq 0 ] || { cat "$ex" "$tmp/exerr"; false; }'
  done
  cat "$tmp/h" >> "$tmp/all_help"
  echo "help $name" >> "$tmp/all_help.mm"
done < "$tmp/names"
# one shell session asks for every command's help: the same text, in order
HOME="$tmp" "$mmkit" shell < "$tmp/all_help.mm" > "$tmp/sh" 2> "$tmp/sherr"
ok shell-help-same 'cmp -s "$tmp/all_help" "$tmp/sh" || { diff "$tmp/all_help" "$tmp/sh" | head; false; }'
"$mmkit" run --plain "$tmp/all_help.mm" > "$tmp/sc" 2> "$tmp/scerr"
ok scenario-help-same 'cmp -s "$tmp/all_help" "$tmp/sc" || { diff "$tmp/all_help" "$tmp/sc" | head; false; }'

"$mmkit" help > "$tmp/all"
ok overview-lists-every-command 'while read -r name rest; do grep -qE "^  (A )?$name( |\$)" "$tmp/all" || { echo "missing $name"; exit 1; }; done < "$tmp/names"'
ok overview-no-other '! grep -q "^Other:" "$tmp/all"'
"$mmkit" help views > "$tmp/views"
ok views-listed 'grep -qx /proc/swaps "$tmp/views" && grep -qx /proc/A/maps "$tmp/views"'
# docs/GUIDE.md: its command reference is the help text (regenerate with
# scripts/guide_commands.py --update), and every ```mm block runs
src="${MMKIT_SOURCE_DIR:-$(dirname "$0")/../..}"
if command -v python3 >/dev/null 2>&1 && [ -f "$src/docs/GUIDE.md" ]; then
  python3 "$src/scripts/guide_commands.py" "$mmkit" > "$tmp/ref.md"
  sed -n '/^<!-- BEGIN COMMANDS/,/^<!-- END COMMANDS -->/p' "$src/docs/GUIDE.md" > "$tmp/guide_ref.md"
  ok guide-reference-current 'cmp -s "$tmp/ref.md" "$tmp/guide_ref.md" || { diff "$tmp/guide_ref.md" "$tmp/ref.md" | head; false; }'
  awk -v dir="$tmp" '/^```mm$/ { n++; f = dir "/guide" n ".mm"; inb = 1; next }
                     /^```$/ { inb = 0; next } inb { print > f }' "$src/docs/GUIDE.md"
  nb=0
  for f in "$tmp"/guide*.mm; do
    nb=$((nb + 1))
    needs_unicorn "$f" && continue
    "$mmkit" run --plain -q "$f" > /dev/null 2> "$tmp/gerr"; rc=$?
    ok "guide-$(basename "$f")-runs" '[ $rc -eq 0 ] || { cat "$f" "$tmp/gerr"; false; }'
  done
  ok guide-has-examples '[ "$nb" -ge 8 ]'
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
