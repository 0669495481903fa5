# kmem_cache_create/alloc/free/shrink/destroy.  A cache is named by the
# KVA of its struct kmem_cache (it lives in simulated RAM) or by its name.
machine ram=64M cpus=1
kmem_cache_create dentry_like 192 align=64 flags=SLAB_HWCACHE_ALIGN|SLAB_RECLAIM_ACCOUNT -> c
kmem_cache_alloc $c -> o1
kmem_cache_alloc dentry_like -> o2
kmem_cache_alloc $c GFP_KERNEL|__GFP_ZERO -> o3
kread $o3+184 8 expect=0x0
kmem_cache_destroy $c expect=EBUSY          # objects remain: reported in dmesg, cache kept
kmem_cache_free $c $o1
kmem_cache_free dentry_like $o2
kmem_cache_free $c $o3
kmem_cache_shrink $c expect=0
kmem_cache_destroy $c expect=0
kmem_cache_create tiny 1 -> t                # smaller than a free pointer
kmem_cache_alloc $t -> x
kmem_cache_free $t $x
kmem_cache_destroy $t expect=0
kmem_cache_create zero 0 expect=EINVAL
kmem_cache_create odd 64 align=24 expect=EINVAL
kmem_cache_destroy kmalloc-64 expect=EPERM
kmem_cache_shrink kmalloc-64 expect=0
verify
