# Copy-on-write after fork, after Linux's tools/testing/selftests/mm/cow.c
# (the basic anonymous-memory cases, without THP/hugetlb/pinning).
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
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fill $m 16K 0x11
# the parent writes after fork: the child keeps the old contents
A fork B
A fill $m 4K 0x22
B check $m 4K 0x11 expect=ok
A check $m 4K 0x22 expect=ok
# the child writes: the parent keeps its contents
B fill $m+4K 4K 0x33
A check $m+4K 4K 0x11 expect=ok
B check $m+4K 4K 0x33 expect=ok
# once the child is gone the parent's page is exclusive again
B exit
A fill $m+8K 4K 0x44
A check $m 16K 0x22
cat /proc/A/maps
# the shared zero page: read first (zero page mapped), fork, then write in each
A mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS -> z
A read $z 8 expect=0x0
A read $z+4K 1 expect=0x0
A fork C
C write $z 8 0x1122334455667788
A read $z 8 expect=0x0
C read $z 8 expect=0x1122334455667788
A write $z+4K 2 0xbeef
C read $z+4K 2 expect=0x0
A read $z+4K 2 expect=0xbeef
C exit
# read-only private memory stays read-only in the child; PROT_NONE faults
A mprotect $m 4K r-- expect=0
A mprotect $m+4K 4K PROT_NONE expect=0
A fork D
handle D SIGSEGV catch
D read $m 1 expect=0x22
D write $m 1 0x55 expect=SEGV_ACCERR
D read $m+4K 1 expect=SEGV_ACCERR
cat /proc/D/maps
D exit
# MADV_DONTFORK: the child does not get the range at all; MADV_WIPEONFORK:
# the child gets it zero-filled
A madvise $m+8K 4K MADV_DONTFORK expect=0
A madvise $m+12K 4K MADV_WIPEONFORK expect=0
A fork E
E read $m+8K 1 expect=SEGV_MAPERR
E check $m+12K 4K 0 expect=ok
A check $m+12K 4K 0x11 expect=ok
cat /proc/E/maps
E exit
# an uncaught fault ends the process
A fork F
handle F SIGSEGV kill
F write $m 1 0x66 expect=SIGSEGV
A check $m 4K 0x22 expect=ok
cat /proc/A/maps
