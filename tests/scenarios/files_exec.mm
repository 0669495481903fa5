# spawn A exec PATH loads a static x86-64 ELF as load_elf_binary does
# (files_exec.check.sh compares the maps with the program headers): the
# file pages through the page cache, the zeroed tail of the data segment
# (a private copy made at exec), the bss and the break after it.
mount bin /bin ro
spawn A exec /bin/prog
cat /proc/A/maps
A read 0x400000 4 expect=0x464c457f
A brk 0 -> b
A read $b-8 8 expect=0
A read $b 1 expect=SEGV_MAPERR
spawn B exec /bin/spie
cat /proc/B/maps
spawn C exec /bin expect=EACCES
spawn C exec /nope expect=ENOENT
spawn C exec /bin/prog/x expect=ENOTDIR
verify
