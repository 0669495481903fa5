# MAP_SHARED|MAP_ANONYMOUS memory is one shmem object: after fork parent
# and child see each other's writes; MADV_DONTNEED keeps the data (it lives
# in the object); private memory next to it is copied on write; growing
# the mapping with mremap does not grow the object (SIGBUS beyond it).
spawn A
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
