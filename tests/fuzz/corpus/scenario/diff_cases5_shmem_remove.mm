# MADV_REMOVE punches a hole in the shmem object: the pages leave every
# mapping of it, in every process, so the parent and the child both read
# zeros afterwards, whichever of them punched (Linux: vfs_fallocate
# PUNCH_HOLE -> unmap_mapping_range over the file's i_mmap).  Mapped pages
# outside the hole keep their data; the mapping goes on working.
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
A mmap 0 48K rw- MAP_SHARED|MAP_ANONYMOUS -> s
A fill $s 48K 0x89 expect=ok
A fork B
# the child punches pages 0-7; the parent's mapped pages go too
B madvise $s 32K MADV_REMOVE expect=0
A check $s 32K 0x0 expect=ok
B check $s 32K 0x0 expect=ok
A check $s+32K 16K 0x89 expect=ok
# refilled by the parent, seen by the child; then the parent punches
A fill $s+8K 8K 0x5a expect=ok
B check $s+8K 8K 0x5a expect=ok
A madvise $s+8K 4K MADV_REMOVE expect=0
B check $s+8K 4K 0x0 expect=ok
B check $s+12K 4K 0x5a expect=ok
# a hole in the middle of a VMA split by mprotect in the child
B mprotect $s+16K 8K r-- expect=0
B madvise $s+32K 8K MADV_REMOVE expect=0
A check $s+32K 8K 0x0 expect=ok
A check $s+40K 8K 0x89 expect=ok
B check $s+40K 8K 0x89 expect=ok
cat /proc/A/maps
cat /proc/B/maps
