# MAP_SHARED|MAP_ANONYMOUS memory is one shmem object: after fork parent
# and child see each other's writes; MADV_DONTNEED keeps the data (it lives
# in the object); private memory next to it is copied on write; growing
# the mapping with mremap does not grow the object (SIGBUS beyond it).
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
handle A SIGBUS catch
A mmap 0 16K rw- MAP_SHARED|MAP_ANONYMOUS -> s
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> p
A fill $s 16K 0x11 expect=ok
A fill $p 16K 0x11 expect=ok
A fork B
B fill $s 4K 0x22 expect=ok
B fill $p 4K 0x22 expect=ok
A check $s 4K 0x22 expect=ok
A check $p 4K 0x11 expect=ok
A write $s+4K 8 0x6f6c6c6568
B read $s+4K 8 expect=0x6f6c6c6568
B madvise $s 16K MADV_DONTNEED expect=0
B check $s+8K 8K 0x11 expect=ok
A write $s+8K 8 0x3333 expect=ok
B read $s+8K 8 expect=0x3333
B exit
A mremap $s 16K 32K MREMAP_MAYMOVE -> g
A check $g 4K 0x22 expect=ok
A read $g+16K 1 expect=SIGBUS
A read $g+28K 1 expect=BUS_ADRERR
cat /proc/A/maps
