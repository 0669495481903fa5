# The kernel's own objects come from slab caches, as in Linux: task_struct,
# signal_cache, mm_struct, vm_area_struct, vma_tree_node (the VMA index),
# filp (its path kmalloc'ed), the descriptor tables, vmap_area (and vm_struct from kmalloc-64),
# anon_vma and anon_vma_chain.  Processes fork, thread, split, merge, move
# and unmap VMAs on two CPUs; allocations fail in the middle of a fork, a
# split and a spawn; then every process exits.  Once the caches are shrunk
# (a cache keeps its CPU slabs and some empty ones), /proc/slabinfo is
# exactly what it was at boot: every object went back to its cache (the
# sheaves of vm_area_struct and vma_tree_node included: shrinking a cache
# frees its sheaves).
machine ram=64M cpus=2 levels=4
# vmalloc keeps one spare vmap_area per CPU (Linux ne_fit_preload_node):
# let this CPU take its spare before the snapshot.
vmalloc 4K -> w
vfree $w
kmem_cache_shrink vmap_area
kmem_cache_shrink kmalloc-16
kmem_cache_shrink kmalloc-32
kmem_cache_shrink kmalloc-64
# the root tmpfs and the shm mount hold an inode and an address_space each
kmem_cache_shrink address_space
# kswapd0's task_struct and signal_struct are allocated at boot
kmem_cache_shrink task_struct
kmem_cache_shrink signal_cache
snapshot /proc/slabinfo
# The caches belong to their subsystems: a script cannot destroy them.
kmem_cache_destroy vm_area_struct expect=EPERM
kmem_cache_destroy task_struct expect=EPERM
spawn A exec
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fill $m 64K 0x11 expect=ok
A mmap 0 16K rw- MAP_SHARED|MAP_ANONYMOUS -> s
A fill $s 16K 0x22 expect=ok
A mprotect $m+16K 16K r-- expect=0
A mprotect $m+16K 16K rw- expect=0
A munmap $m+8K 8K expect=0
A mremap $m+32K 32K 64K MREMAP_MAYMOVE -> r
A fork B expect=0
run 1 B
B write $m 1 0x33 expect=ok
B thread T expect=0
T mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS -> t
T fill $t 8K 0x44 expect=ok
kthread K expect=0
run 1 K
vmalloc 64K -> v
# Failures free what was allocated before them
fail vm_area_alloc nth=3
A fork C expect=ENOMEM
fail task_struct_alloc nth=1
A fork C expect=ENOMEM
fail signal_struct_alloc nth=1
A fork C expect=ENOMEM
fail vm_area_alloc nth=1
A mprotect $m+4K 4K r-- expect=ENOMEM
fail file_alloc nth=1
A mmap 0 8K rw- MAP_SHARED|MAP_ANONYMOUS expect=ENOMEM
fail kmem_cache_alloc nth=2
spawn D exec expect=ENOMEM
fail mm_alloc nth=1
spawn D expect=ENOMEM
fail off
verify
vfree $v
A exit expect=0
B exit expect=0
K exit expect=0
T exit expect=0
verify
kmem_cache_shrink task_struct
kmem_cache_shrink signal_cache
kmem_cache_shrink mm_struct
kmem_cache_shrink vm_area_struct
kmem_cache_shrink vma_tree_node
kmem_cache_shrink filp
kmem_cache_shrink vmap_area
kmem_cache_shrink anon_vma
kmem_cache_shrink anon_vma_chain
kmem_cache_shrink radix_tree_node
kmem_cache_shrink address_space
kmem_cache_shrink kmalloc-16
kmem_cache_shrink kmalloc-32
kmem_cache_shrink kmalloc-64
unchanged /proc/slabinfo expect=ok
