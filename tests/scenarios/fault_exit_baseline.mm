# After every process has exited, meminfo and buddyinfo are back at their
# baseline: every page, page table, pgd and shmem page was freed.  Freed
# pages first sit on the per-CPU lists, which MemFree does not count (as in
# Linux): drain them before each look.
drain_all_pages
cat /proc/meminfo
cat /proc/buddyinfo
spawn A
A mmap 0 1M rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fill $m 1M 0x1 expect=ok
A mmap 0 64K rw- MAP_SHARED|MAP_ANONYMOUS -> s
A fill $s 64K 0x2 expect=ok
A fork B
B fill $m 512K 0x3 expect=ok
B thread T
T fill $s 4K 0x4 expect=ok
kthread K
run 0 B
run 0 K
A check $s 4K 0x4 expect=ok
A exit
T exit
B exit
K exit
verify
kmem_cache_shrink anon_vma
kmem_cache_shrink anon_vma_chain
kmem_cache_shrink radix_tree_node
kmem_cache_shrink address_space
drain_all_pages
cat /proc/meminfo
cat /proc/buddyinfo
