# slab_debug: planted bugs are reported in dmesg (Linux's words) and fixed
# up; the machine goes on.  Each check reads the bytes back after the fix.
machine ram=64M cpus=1
slab_debug FZPU                           # every empty cache, and new ones
kmalloc 64 -> p
kread $p 1 expect=0x6b                    # poisoned even when allocated
kread $p+63 1 expect=0xa5
kread $p+64 1 expect=0xcc                 # right red zone, active
kread $p-1 1 expect=0xcc                  # left red zone
kwrite $p+64 1 0x41                       # overflow by one byte
kfree $p                                  # BUG kmalloc-64: Right Redzone overwritten ...
kread $p+64 1 expect=0xcc                 # FIX: Restoring Right Redzone
kmalloc 50 -> q
kwrite $q+50 1 0                          # inside the bucket, past the request
kfree $q                                  # kmalloc Redzone overwritten
kread $q+50 1 expect=0xcc
kmem_cache_create victim 100 debug=FZPU -> v
kmem_cache_alloc $v -> o
kmem_cache_free $v $o
kread $o 1 expect=0x6b                    # free: poisoned
kread $o-1 1 expect=0xbb                  # free: inactive red zone
kwrite $o+10 1 0                          # write after free
slab_validate $v expect=1                 # Poison overwritten, restored
kread $o+10 1 expect=0x6b
slab_validate $v expect=0
kmem_cache_alloc $v -> o2
kmem_cache_free $v $o2
kmem_cache_free $v $o2                    # double free: Object already free
kmem_cache_alloc $v -> o3
kmem_cache_free $v $o3+8                  # Invalid object pointer
kmem_cache_free $v $o3
kmem_cache_destroy $v expect=0
slab_debug off kmalloc-128
slab_debug - kmalloc-256
verify
