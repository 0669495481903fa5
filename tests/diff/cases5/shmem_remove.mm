# MADV_REMOVE punches a hole in the shmem object: the pages leave every
# mapping of it, in every process, so the parent and the child both read
# zeros afterwards, whichever of them punched (Linux: vfs_fallocate
# PUNCH_HOLE -> unmap_mapping_range over the file's i_mmap).  Mapped pages
# outside the hole keep their data; the mapping goes on working.
spawn A
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
