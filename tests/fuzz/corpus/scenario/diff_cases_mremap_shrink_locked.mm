# A shrinking mremap that moves a locked mapping only gives locked memory
# back: Linux checks neither RLIMIT_MEMLOCK nor the address-space limit for
# it (check_prep_vma returns before them for a shrink).  Here the locked
# total sits at the 8 MiB limit, where counting the shrunk part as growth
# would fail with EAGAIN.
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
A mmap 0 4M PROT_READ MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED -> l1
A mmap 0 4M PROT_READ MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED -> l2
A mmap 0 64K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> dst
A mremap $l2+8K 24K 16K MREMAP_MAYMOVE|MREMAP_FIXED $dst+16K
cat /proc/A/maps
# a growth at the limit still fails
A mremap $dst+16K 16K 32K MREMAP_MAYMOVE
cat /proc/A/maps
