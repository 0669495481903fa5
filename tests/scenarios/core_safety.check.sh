# core_safety.mm on the host: which files exist, their modes and contents,
# and each core's apparent and on-disk size.
chk="$(dirname "$0")/../core/check_core.py"
bad=0
no() { echo "FAIL: $*"; bad=1; }
[ -e cores/core.1 ] && no "RLIMIT_CORE 0 wrote cores/core.1"
[ "$(cat outside/target)" = precious ] || no "the symlink's target changed"
[ "$(cat outside/keep)" = "keep me" ] || no "the hard-linked file changed"
[ "$(stat -c %h outside/keep)" = 1 ] || no "outside/keep still has $(stat -c %h outside/keep) links"
[ -d cores/core.4 ] && [ -z "$(ls -A cores/core.4)" ] || no "the directory cores/core.4 changed"
[ -z "$(ls -A ro)" ] || no "a core went into the read-only mount"
[ -e cores/core.6 ] && no "core.6 written (its pattern was on the read-only mount)"
[ -e cores/core.8 ] && no "RLIMIT_CORE 4095 (below a page) wrote cores/core.8"
for c in 2 3 5 7; do
  f=cores/core.$c
  [ -f "$f" ] && [ ! -L "$f" ] || { no "$f is not a regular file"; continue; }
  [ "$(stat -c %a "$f")" = 600 ] || no "$f has mode $(stat -c %a "$f"), not 600"
  readelf -h "$f" | grep -q 'CORE (Core file)' || no "$f is not an ELF core"
  echo "$f: $(python3 "$chk" sizes "$f")"
done
# the core cut at RLIMIT_CORE: no more than 8 KiB, and its program headers
# describe more than it holds (readers see it is truncated)
set -- $(python3 "$chk" sizes cores/core.7)
[ "$2" -le 8192 ] || no "core.7 holds $2 bytes, over RLIMIT_CORE"
[ "$6" -gt "$2" ] || no "core.7's headers end at $6, within its $2 bytes"
python3 "$chk" tools cores/core.2 || bad=1
exit $bad
