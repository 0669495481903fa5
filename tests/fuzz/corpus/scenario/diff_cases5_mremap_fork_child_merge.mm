# mremap's copy_vma does not merge a fork child's VMA into a neighbour that has
# no anon_vma (Linux vma_merge_copied_range, vmg->copied_from): the moved
# range stays a VMA of its own next to m1.  Found by campaign seed 777001.
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
A mmap 0 0x1001000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE -> base
A munmap $base 0x1001000
A mmap 0 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> m1
A mmap $base+0xfdf000 0x1e000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A check $base+0xff42cd 0x75e 0x0
A mremap $base+0xffb000 0x1000 0x4000 MREMAP_MAYMOVE|MREMAP_FIXED $base+0xff0000
A fork P3
P3 mremap $base+0xff0000 0x1000 0x5000 MREMAP_MAYMOVE|MREMAP_FIXED $base+0xffb000
cat /proc/P3/maps
A mremap $base+0xff0000 0x1000 0x5000 MREMAP_MAYMOVE|MREMAP_FIXED $base+0xffb000
cat /proc/A/maps
