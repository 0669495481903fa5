# Swap-in by a write, under mlock, and a copy-on-write reuse of a page
# still in the swap cache (issue 13's coverage of do_swap_page): a write
# fault on an exclusive swap entry maps the page writable and dirty at once
# (no second fault); mlock's populate swaps in and frees the slot
# (should_try_to_free_swap: VM_LOCKED); a page whose entry was not
# exclusive (its COW sharing ended with the child) comes back read-only by
# a read and, written, is reused after its swap-cache reference is dropped.
swaparea 16M
spawn A
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fillpat $m 16K 3
A madvise $m 16K MADV_PAGEOUT expect=0
cat /proc/A/status VmSwap
A write $m 8 7
A mlock $m+0x1000 0x1000
cat /proc/A/status VmSwap
cat /proc/A/pagemap $m 16K
A munlock $m+0x1000 0x1000
A mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS -> c
A fillpat $c 8K 5
A fork B
B exit
A madvise $c 8K MADV_PAGEOUT expect=0
cat /proc/A/status VmSwap
A read $c 8
A write $c 8 9
cat /proc/A/status VmSwap
cat /proc/A/pagemap $c 8K
A checkpat $c+0x1000 4K 5
cat /proc/A/smaps
