# A real program's image dumps core with its threads: the ELF header page
# of the executable (coredump_filter bit 4), the data segment written at
# exec (padzero: a private copy, so all of it), an ELF file mapped again by
# the program (its first page only), and one NT_PRSTATUS per thread, the
# faulting thread first.  core_exec.check.sh has gdb, readelf, eu-readelf
# and eu-unstrip read it.
mount bin /bin ro
mount cores /cores
sysctl kernel.core_pattern=/cores/core.%e.%p.%s
spawn A exec /bin/prog
A set core_rlimit=unlimited
A thread T
A thread U
A open /bin/prog O_RDONLY -> f
A mmap 0x10000000 16K r-- MAP_PRIVATE|MAP_FIXED $f 0
A mmap 0x10100000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A writestr 0x10100000 "core dumped by mmkit"
A write 0x4a0000 8 0x0123456789abcdef
T read 0x10 1 expect=SEGV_MAPERR
verify
