# mremap of a VM_LOCKED mapping prefaults only what a growth adds (Linux:
# mlocked && new_len > old_len).  A shrink that moves the mapping faults
# nothing in: not the pages after the new, shorter range, which belong to
# another mapping here (u).  Seen through merging: a page moved out of u
# still has no anon_vma, so its offset follows its new address and it merges
# with the faulted mapping t it lands below.
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
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> t
A write $t 1 0x1
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> pad
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED -> l
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> u
# shrink 32K of l to 16K and move it over the start of u
A mremap $l+16K 32K 16K MREMAP_MAYMOVE|MREMAP_FIXED $u
cat /proc/A/maps
# the highest free range is now right below t
A munmap $pad 16K
A mremap $u+16K 4K 8K MREMAP_MAYMOVE -> x
cat /proc/A/maps
# a growth of a locked mapping is prefaulted
A mremap $u 16K 32K MREMAP_MAYMOVE -> g
A read $g+24K 1 expect=0x0
cat /proc/A/maps
