# MADV_PAGEOUT of private anonymous memory to a swap file and back: the
# pages become swap PTEs (VmSwap, smaps Swap, pagemap's swapped bit), keep
# their contents, and come back exclusive.  A page mapped twice (after fork)
# stays; the zero page stays.
swaparea 16M
spawn A
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fillpat $m 64K 11
A madvise $m 64K MADV_PAGEOUT expect=0
cat /proc/A/status VmSwap
cat /proc/A/pagemap $m 64K
A checkpat $m 8K 11
cat /proc/A/pagemap $m 16K
cat /proc/A/status VmSwap
A checkpat $m 64K 11
cat /proc/A/status VmSwap
# shared after fork: not paged out
A fork B
A madvise $m 64K MADV_PAGEOUT expect=0
cat /proc/A/status VmSwap
B write $m 8 1
A madvise $m 4K MADV_PAGEOUT expect=0
cat /proc/A/pagemap $m 8K
cat /proc/A/status VmSwap
B exit
# the zero page: read-faulted memory is not paged out
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> z
A read $z 8 expect=0
A madvise $z 16K MADV_PAGEOUT expect=0
cat /proc/A/status VmSwap
A checkpat $m 64K 11
