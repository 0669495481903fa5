# A core of a 2-level (i386) machine: ELFCLASS32 and EM_386 with i386's notes
# (the 144-byte NT_PRSTATUS with the i386 user selectors, the 124-byte
# NT_PRPSINFO, NT_PRFPREG as an FSAVE image and NT_PRXFPREG as FXSAVE, 32-bit
# NT_AUXV, NT_FILE and siginfo).  core_i386_l2.check.sh has the tools read it.
machine levels=2
mount cores /cores
sysctl kernel.core_pattern=/cores/core
spawn A exec
A set core_rlimit=unlimited
A thread T
A mmap 0x10000000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill 0x10000000 4K 0x11
A mmap 0x10100000 4K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A fill 0x10100000 4K 0x22
T write 0x10000000 4 0xcafe
A read 0x20000000 4 expect=SEGV_MAPERR
verify
