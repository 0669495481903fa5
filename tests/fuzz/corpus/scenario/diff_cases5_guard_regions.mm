# Guard regions (MADV_GUARD_INSTALL/REMOVE, Linux 6.13+): any access to a
# guarded page is SIGSEGV SEGV_MAPERR; DONTNEED keeps the guards, fork copies
# them (install gives the VMA an anon_vma), mremap moves them, REMOVE clears
# them, POPULATE_WRITE over them fails with EFAULT, munmap drops them.
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
A mmap 0 32K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fill $m 32K 0x5 expect=ok
A madvise $m+8K 8K MADV_GUARD_INSTALL expect=0
A read $m+8K 1 expect=SEGV_MAPERR
A read $m+12K 1 expect=SEGV_MAPERR
A check $m 8K 0x5 expect=ok
A madvise $m 32K MADV_DONTNEED expect=0
A read $m+8K 1 expect=SEGV_MAPERR
A read $m 1 expect=0x0
A fork B
handle B SIGSEGV catch
B read $m+8K 1 expect=SEGV_MAPERR
A mremap $m 32K 32K MREMAP_MAYMOVE|MREMAP_FIXED $m+64K
A read $m+72K 1 expect=SEGV_MAPERR
A madvise $m+64K 32K MADV_GUARD_REMOVE expect=0
A read $m+72K 1 expect=0x0
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> u
A madvise $u 4K MADV_GUARD_INSTALL expect=0
A fork C
handle C SIGSEGV catch
C read $u 1
C write $u+4K 1 1
A madvise $u 16K MADV_POPULATE_WRITE
A munmap $u 16K
A mmap $u 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A read $u 1 expect=0x0
cat /proc/A/maps
