# gdb reads core_gcore.mm's live cores: the second gcore to /cores/all
# replaced the first (it has the later write), /cores/no-private lacks the
# private mapping (coredump_filter 0x7e), /cores/thread has both threads.
chk="$(dirname "$0")/../core/check_core.py"
python3 "$chk" tools cores/all || exit 1
python3 "$chk" gdb cores/all 0x10000000=1111111111111111 0x10001ff8=1111111111111111 \
  0x10100000=33333333333333332222 0x10101000=0000000000000000 || exit 1
python3 "$chk" gdb cores/no-private 0x10000000=filtered 0x10100000=2222222222222222 || exit 1
python3 "$chk" gdb cores/thread --threads 2 0x10100000=3333333333333333 || exit 1
[ -z "$(ls -A ro)" ] || { echo "gcore wrote into the read-only mount"; exit 1; }
for f in all no-private thread; do echo "cores/$f: $(python3 "$chk" sizes cores/$f)"; done
