# Shared anonymous memory (shmem) to swap: its pages leave the page cache
# for swap, the PTEs go empty (pagemap 0, VmSwap unchanged), smaps counts
# them in Swap but not SwapPss, RssShmem drops; a page mapped by two
# processes stays; faults bring pages back with their data.
# On the host MADV_PAGEOUT isolates only pages on an LRU list: it drains
# its own CPU's lru_add batch, not another's, so a page faulted in on one
# CPU and paged out from another stayed resident (RssShmem, Swap and the
# later lines varied under load).  hostrun now pins the coordinator and
# every agent to one CPU, as mmkit runs a scenario on one simulated CPU.
swaparea 16M
spawn A
A mmap 0 64K rw- MAP_SHARED|MAP_ANONYMOUS -> s
A fillpat $s 64K 31
cat /proc/A/status RssShmem VmSwap
A madvise $s 64K MADV_PAGEOUT expect=0
cat /proc/A/status RssShmem VmSwap
cat /proc/A/pagemap $s 8K
cat /proc/A/smaps
A checkpat $s 4K 31
cat /proc/A/status RssShmem
A fork B
B checkpat $s 64K 31
A madvise $s 64K MADV_PAGEOUT expect=0
cat /proc/A/status RssShmem
cat /proc/B/status RssShmem
B exit
A madvise $s 64K MADV_PAGEOUT expect=0
cat /proc/A/status RssShmem
A checkpat $s 64K 31
A munmap $s 64K expect=0
A exit
