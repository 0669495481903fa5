# The zero page and COW, after tools/testing/selftests/mm/cow.c (the
# "R/O-mapping a page", zero-page and unshare cases without THP, hugetlb,
# GUP pins or io_uring): reads map the shared zero page; a write in either
# process after fork gets a private zeroed copy; the other side still reads
# zeros; MADV_DONTNEED after fork drops only the caller's pages.
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
A mmap 0 32K rw- MAP_PRIVATE|MAP_ANONYMOUS -> z
A touch $z 32K read expect=ok
A check $z 32K 0 expect=ok
A fork B
B fill $z 4K 0x42 expect=ok
A check $z 4K 0 expect=ok
B check $z 4K 0x42 expect=ok
A fill $z+4K 4K 0x43 expect=ok
B check $z+4K 4K 0 expect=ok
A check $z+4K 4K 0x43 expect=ok
# child writes then parent writes the same page: both private copies
B write $z+8K 8 0x1111 expect=ok
A write $z+8K 8 0x2222 expect=ok
B read $z+8K 8 expect=0x1111
A read $z+8K 8 expect=0x2222
# DONTNEED in the child: its copy goes, the parent keeps its own
B madvise $z 16K MADV_DONTNEED expect=0
B check $z 16K 0 expect=ok
A check $z+4K 4K 0x43 expect=ok
A read $z+8K 8 expect=0x2222
# a read-only mapping's zero page survives fork and mprotect to writable
A mmap 0 8K r-- MAP_PRIVATE|MAP_ANONYMOUS -> r
A read $r 8 expect=0x0
A fork C
C mprotect $r 8K rw- expect=0
C write $r 8 0x77 expect=ok
A read $r 8 expect=0x0
A write $r 1 1 expect=SEGV_ACCERR
C read $r 8 expect=0x77
C exit
B exit
A check $z 4K 0 expect=ok
cat /proc/A/maps
