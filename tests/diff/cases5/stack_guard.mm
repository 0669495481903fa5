# MAP_GROWSDOWN stacks grow on a fault below them, but never into the
# stack_guard_gap (256 pages) above the next lower mapping, and not beyond
# RLIMIT_STACK; the gap is also kept free from new mappings.
spawn A
handle A SIGSEGV catch
A mmap 0 16M PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> z
A munmap $z 16M expect=0
A mmap $z+8M 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_GROWSDOWN
# a write just below grows the stack by one page, one far below by many
A write $z+0x7ffff8 8 0x1234 expect=ok
cat /proc/A/maps
A write $z+0x7f0000 1 0x1 expect=ok
A read $z+0x7ffff8 8 expect=0x1234
cat /proc/A/maps
# the stack now starts at $z+0x7f0000.  A mapping below it ending at
# $z+0x6e1000: growth is possible down to 1 MiB above that end, not further
A mmap $z+0x6e0000 4K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A read $z+0x7e0000 1 expect=SEGV_MAPERR
A read $z+0x7e1000 1 expect=0x0
cat /proc/A/maps
# growth beyond RLIMIT_STACK fails: the whole VMA may be 8 MiB at most
A munmap $z+0x6e0000 4K expect=0
A mmap 0 32M PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> y
A munmap $y 32M expect=0
A mmap $y+24M 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_GROWSDOWN
A read $y+0x1001000 1 expect=0x0
A read $y+0x1000000 1 expect=SEGV_MAPERR
cat /proc/A/maps
# a read above the stack's end is not a stack fault
A read $y+0x1801000 1 expect=SEGV_MAPERR
# mprotect PROT_GROWSDOWN extends the change down to the VMA's start
A mprotect $y+0x17ff000 4K PROT_READ|PROT_GROWSDOWN expect=0
cat /proc/A/maps
