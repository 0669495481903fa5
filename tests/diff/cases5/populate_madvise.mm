# MAP_POPULATE, mlock and the madvise calls that act on memory: contents
# after DONTNEED (zero for private anonymous memory), FREE, REMOVE (shared),
# and POPULATE_READ/WRITE on what they may or may not populate.
spawn A
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
