# core_exec.mm's core, judged by the tools: readelf/eu-readelf parse every
# note, eu-unstrip finds the program (NT_FILE and its ELF header page), gdb
# with the program reads the bytes the scenario wrote, the headers of both
# ELF mappings, sees three threads and lists the mappings; without it, the
# pages of the second ELF mapping past its header are not in the core.
chk="$(dirname "$0")/../core/check_core.py"
core=cores/core.T.1.11
[ -f "$core" ] || { ls cores; echo "no core file $core"; exit 1; }
python3 "$chk" tools "$core" --module /bin/prog || exit 1
python3 "$chk" gdb "$core" --sysroot . --exe bin/prog --mapping /bin/prog --threads 3 \
  0x10100000=636f72652064756d706564 0x10101000=0000000000000000 \
  0x4a0000=efcdab8967452301 0x400000=7f454c4602010103 0x10000000=7f454c4602010103 \
  0x10000000000=unreadable || exit 1
# without the program at hand gdb has only the core: the rest of the
# re-mapped ELF file is not in it
python3 "$chk" gdb "$core" 0x10000000=7f454c46 0x10001000=filtered || exit 1
python3 "$chk" sizes "$core"
