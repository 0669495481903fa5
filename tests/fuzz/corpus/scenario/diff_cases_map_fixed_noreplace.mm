# MAP_FIXED_NOREPLACE, after Linux's tools/testing/selftests/mm/map_fixed_noreplace.c:
# a fixed mapping that must not replace anything fails with EEXIST on any
# overlap (exact, contained, over either end) and succeeds when merely adjacent.
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
# find five free pages: map them anywhere, then give them back
A mmap 0 20K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> b
A munmap $b 20K expect=0
# all five pages can be mapped with NOREPLACE (and are unmapped again)
A mmap $b 20K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE
A munmap $b 20K expect=0
# pages 1..3 mapped:     . X X X .
A mmap $b+4K 12K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE
cat /proc/A/maps
# exactly over them and beyond both ends: N N N N N
A mmap $b 20K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EEXIST
# contained in the mapping: . . N . .
A mmap $b+8K 4K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EEXIST
# over its end: . . . N N
A mmap $b+12K 8K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EEXIST
# over its start: N N . . .
A mmap $b 8K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EEXIST
cat /proc/A/maps
# adjacent below the start: N X X X .  (merges: same flags, no anon_vma)
A mmap $b 4K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE
# adjacent above the end:   X X X X N
A mmap $b+16K 4K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE
cat /proc/A/maps
A munmap $b 20K expect=0
# the same with different protections: no merging, still EEXIST on overlap
A mmap $b+4K 12K PROT_READ MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE
A mmap $b+8K 4K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EEXIST
A mmap $b 4K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE
A mmap $b+16K 4K PROT_READ|PROT_WRITE MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE
cat /proc/A/maps
# NOREPLACE needs a page-aligned address; a hint-less NOREPLACE of page 0 is refused
A mmap $b+1 4K PROT_READ MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EINVAL
A mmap 0 4K PROT_READ MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EPERM
# plain MAP_FIXED over the same pages replaces them
A mmap $b 20K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
cat /proc/A/maps
