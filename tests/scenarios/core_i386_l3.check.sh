# The 32-bit core: an ELF32 EM_386 file that readelf, eu-readelf and gdb read.
chk="$(dirname "$0")/../core/check_core.py"
readelf -h cores/core | grep -q 'Class: *ELF32' || { echo "not ELFCLASS32"; exit 1; }
readelf -h cores/core | grep -q 'Machine: *Intel 80386' || { echo "not EM_386"; exit 1; }
eu-readelf --notes cores/core | grep -q 'cs: 0x0073' || { echo "no i386 user CS in NT_PRSTATUS"; exit 1; }
python3 "$chk" tools cores/core || exit 1
python3 "$chk" gdb cores/core --threads 2 --mapping '/dev/zero (deleted)' \
  0x10000000=feca000011111111 0x10000ffc=11111111 0x10001000=0000 0x10100000=22222222 || exit 1
python3 "$chk" sizes cores/core
