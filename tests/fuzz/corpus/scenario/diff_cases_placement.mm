# Where the kernel puts a mapping: top-down from mmap_base, the highest gap
# that fits; hints are honoured when free; 2 MiB-multiple anonymous mappings
# without a hint are THP-aligned; the stack guard gap of a MAP_GROWSDOWN
# mapping is not handed out; MAP_32BIT and MAP_FIXED at odd places.
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
A mmap 0 4K r-- MAP_PRIVATE|MAP_ANONYMOUS -> a
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -> b
A mmap 0 12K r-- MAP_PRIVATE|MAP_ANONYMOUS -> c
cat /proc/A/maps
# a hole between a and c fits a 1-page mapping: the highest gap is used
A munmap $b 4K expect=0
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS
A munmap $b 4K expect=0
# too big for the hole: goes below
A mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS -> d
# a free hint is used as is, an unaligned one is rounded down; a taken one is not
A mmap $c-1M 4K rw- MAP_PRIVATE|MAP_ANONYMOUS
A mmap $c-0x200800 4K rw- MAP_PRIVATE|MAP_ANONYMOUS
A mmap $a 4K rw- MAP_PRIVATE|MAP_ANONYMOUS
# hints at or above TASK_SIZE, or too close to it, are ignored
A mmap 0x7ffffffff000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS
A mmap 0x7fffffffe000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS
cat /proc/A/maps
# THP alignment: 2 MiB and 4 MiB without hint; 2 MiB + 4 KiB is not aligned
A mmap 0 2M rw- MAP_PRIVATE|MAP_ANONYMOUS -> t1
A mmap 0 4M PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> t2
A mmap 0 0x201000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> t3
A mmap 0 2M rw- MAP_SHARED|MAP_ANONYMOUS -> t4
cat /proc/A/maps
A munmap $t1 2M expect=0
A munmap $t2 4M expect=0
A munmap $t3 0x201000 expect=0
A munmap $t4 2M expect=0
# a MAP_GROWSDOWN mapping keeps 1 MiB (256 pages) below it free
A mmap 0 16M PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> z
A munmap $z 16M expect=0
A mmap $z+8M 64K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_GROWSDOWN
A mmap $z 0x7ff000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
# the gap between them is 4K, but inside the guard gap: not given out
A mmap $z+0x7ff000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -> g
A mmap $z+0x7ff000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE
cat /proc/A/maps
# MAP_FIXED at low addresses: below mmap_min_addr is refused, above is fine
# (only 0 and 64 KiB are used: distributions set mmap_min_addr to 4 KiB or
# 64 KiB, and the host's value decides)
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=EPERM
A mmap 0x10000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE
A mmap 0x20000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS
# a hint whose page is taken: top-down instead
A mmap 0x10000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS
cat /proc/A/maps
