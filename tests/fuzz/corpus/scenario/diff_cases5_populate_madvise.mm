# MAP_POPULATE, mlock and the madvise calls that act on memory: contents
# after DONTNEED (zero for private anonymous memory), FREE, REMOVE (shared),
# and POPULATE_READ/WRITE on what they may or may not populate.
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
A mmap 0 32K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE -> p
A check $p 32K 0 expect=ok
A fill $p 32K 0x5a
A madvise $p 8K MADV_DONTNEED expect=0
A check $p 8K 0 expect=ok
A check $p+8K 24K 0x5a expect=ok
# MADV_FREE: the pages may be freed lazily; a write before reclaim keeps them
A madvise $p+8K 8K MADV_FREE expect=0
A write $p+8K 1 0x1
A read $p+8K 1 expect=0x1
# locked memory refuses DONTNEED but not DONTNEED_LOCKED
A mlock $p+16K 8K expect=0
A madvise $p+16K 8K MADV_DONTNEED expect=EINVAL
A check $p+16K 8K 0x5a expect=ok
A madvise $p+16K 4K MADV_DONTNEED_LOCKED expect=0
A check $p+16K 4K 0 expect=ok
A munlock $p+16K 8K expect=0
cat /proc/A/maps
# shared anonymous memory: DONTNEED only drops this mapping's PTEs (the data
# stays in the shmem object); REMOVE punches a hole
A mmap 0 16K rw- MAP_SHARED|MAP_ANONYMOUS -> s
A fill $s 16K 0x77
A madvise $s 4K MADV_DONTNEED expect=0
A check $s 4K 0x77 expect=ok
A madvise $s+4K 4K MADV_REMOVE expect=0
A check $s+4K 4K 0 expect=ok
A madvise $p 4K MADV_REMOVE expect=EINVAL
# POPULATE_WRITE needs write permission, POPULATE_READ read permission
A mmap 0 8K r-- MAP_PRIVATE|MAP_ANONYMOUS -> r
A madvise $r 8K MADV_POPULATE_READ expect=0
A madvise $r 8K MADV_POPULATE_WRITE
A mprotect $r 8K PROT_NONE expect=0
A madvise $r 8K MADV_POPULATE_READ
A check $p+24K 8K 0x5a expect=ok
# growing a shared anonymous mapping: the object keeps its size, so the new
# part raises SIGBUS
handle A SIGBUS catch
A mremap $s 16K 24K MREMAP_MAYMOVE -> g
A check $g 8K 0x77
A read $g+16K 1 expect=SIGBUS
A write $g+20K 1 0x1 expect=BUS_ADRERR
cat /proc/A/maps
