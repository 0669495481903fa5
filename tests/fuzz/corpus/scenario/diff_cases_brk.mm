# brk: the break moves in page steps from start_brk; a failed move returns
# the old break; growth stops one page short of the next VMA's start (its
# guard gap if it grows down); shrinking unmaps.
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
A brk 0 -> b
# grow, with an unaligned end: the heap VMA ends at the next page boundary
A brk $b+0x2800
cat /proc/A/maps
A brk $b+8K
A brk $b+4K
cat /proc/A/maps
# below start_brk: refused (the current break comes back)
A brk 0x1000
# a mapping 16 pages above the break: growth may reach one page below it
A mmap $b+64K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A brk $b+60K
A brk $b+64K
A brk $b+56K
cat /proc/A/maps
# a MAP_GROWSDOWN mapping above: its guard gap (256 pages) is kept free too
A brk $b
A munmap $b+64K 4K expect=0
A mmap $b+2M 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_GROWSDOWN
A brk $b+1M
A brk $b+0xff000
A brk $b+0xfe000
cat /proc/A/maps
# huge: beyond any memory (overcommit accounting) and beyond TASK_SIZE
A brk $b+16G
A brk 0x7ffffffff000
A brk 0xffffffffffffffff
A brk $b
cat /proc/A/maps
