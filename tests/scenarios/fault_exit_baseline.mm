# After every process has exited, meminfo and buddyinfo are back at their
# baseline: every page, page table, pgd and shmem page was freed, and every
# kernel object (task, signal, mm, VMA, tree node, file and its kmalloc'ed
# name, descriptor table, shm inode, anon_vma, page-cache node) went back to its slab cache.  Freed
# pages first sit on the per-CPU lists, which MemFree does not count (as in
# Linux), and a cache keeps its CPU slab: shrink the caches and drain the
# lists before each look.
kmem_cache_shrink kmalloc-16
kmem_cache_shrink address_space
kmem_cache_shrink inode_cache
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
kmem_cache_shrink task_struct
kmem_cache_shrink signal_cache
kmem_cache_shrink mm_struct
kmem_cache_shrink vm_area_struct
kmem_cache_shrink vma_tree_node
kmem_cache_shrink filp
kmem_cache_shrink inode_cache
kmem_cache_shrink kmalloc-16
kmem_cache_shrink kmalloc-64
kmem_cache_shrink kmalloc-512
drain_all_pages
cat /proc/meminfo
cat /proc/buddyinfo
