# Remote frees: objects allocated on CPU 0 and freed on CPU 1 go back to
# their slab (CPU 0's, or the node's partial list).
machine ram=64M cpus=2
kmem_cache_create remote 512 -> c
kmem_cache_alloc $c -> a
kmem_cache_alloc $c -> b
kmalloc 300 -> k
cpu 1
kmem_cache_free $c $a
kmem_cache_free $c $b
kfree $k
kmem_cache_alloc $c -> d
cpu 0
verify
kmem_cache_free $c $d
kmem_cache_destroy $c expect=0
verify
