# What the address-space calls do to swapped-out pages: mremap moves the
# swap PTEs, mprotect keeps them, munmap and MADV_DONTNEED free them
# (VmSwap), MADV_FREE drops them (the range reads zeros), MADV_COLD leaves
# them, MADV_WILLNEED reads them back into the swap cache without mapping
# them, smaps shows Swap and SwapPss, exit frees everything.
swaparea 16M
spawn A
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fillpat $m 64K 21
A madvise $m 64K MADV_PAGEOUT expect=0
cat /proc/A/status VmSwap
A mprotect $m 16K r-- expect=0
cat /proc/A/pagemap $m 8K
cat /proc/A/status VmSwap
A mremap $m+0x4000 16K 16K MREMAP_MAYMOVE|MREMAP_FIXED 0x700000000000 -> n
cat /proc/A/pagemap $n 16K
A checkpat $n 16K 21
A madvise $m 16K MADV_COLD expect=0
cat /proc/A/status VmSwap
A madvise $m+0x8000 8K MADV_DONTNEED expect=0
cat /proc/A/status VmSwap
A check $m+0x8000 8K 0
A madvise $m+0xa000 8K MADV_FREE expect=0
cat /proc/A/status VmSwap
A check $m+0xa000 8K 0
A madvise $m+0xc000 16K MADV_WILLNEED expect=0
cat /proc/A/pagemap $m+0xc000 16K
cat /proc/A/status VmSwap
cat /proc/A/smaps
A munmap $m+0xc000 8K expect=0
cat /proc/A/status VmSwap
A checkpat $m 16K 21
A checkpat $m+0xe000 8K 21
cat /proc/A/status VmSwap
A fork B
cat /proc/B/status VmSwap
cat /proc/B/smaps
B exit
A exit
