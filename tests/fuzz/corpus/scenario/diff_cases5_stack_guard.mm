# MAP_GROWSDOWN stacks grow on a fault below them, but never into the
# stack_guard_gap (256 pages) above the next lower mapping, and not beyond
# RLIMIT_STACK; the gap is also kept free from new mappings.
spawn A
A set mmap_base=0x7ffff7fff000 start_brk=0x5a4000 brk=0x5c6000 stack_rlimit=0x800000 memlock_rlimit=0x800000
A vma 00400000-00401000 r--p 00000000 fe:00 5318694 /usr/bin/prog
A vma 00401000-0049e000 r-xp 00001000 fe:00 5318694 /usr/bin/prog
A vma 0049e000-004c9000 r--p 0009e000 fe:00 5318694 /usr/bin/prog
A vma 004c9000-004ce000 r--p 000c8000 fe:00 5318694 /usr/bin/prog
A vma 004ce000-004d1000 rw-p 000cd000 fe:00 5318694 /usr/bin/prog
A vma 004d1000-005a4000 rw-p 00000000 00:00 0
A vma 005a4000-005c6000 rw-p 00000000 00:00 0 [heap]
A vma 7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0 [vvar]
A vma 7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0 [vvar_vclock]
A vma 7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0 [vdso]
A vma 7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]
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
