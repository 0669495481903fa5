# Without slab_debug a corrupted free pointer must not take the machine
# down: the fast path checks every free pointer against the CPU slab before
# following it, reports "Freepointer corrupt" and drops the rest of the
# CPU freelist (its objects leak, as in Linux), and verify stays clean.
machine ram=64M cpus=1
kmem_cache_create plain 64 -> c
kmem_cache_alloc $c -> a
kmem_cache_alloc $c -> b
kmem_cache_free $c $a                    # a is the head of the CPU freelist
kread $a+32 8                            # its free pointer: a KVA inside the slab
kwrite $a+32 8 0xdeadbeefdeadbeef        # a use-after-free write over it
kmem_cache_alloc $c -> x                 # returns a; the next pointer is refused
kmem_cache_alloc $c -> y                 # a fresh slab
verify
kmem_cache_free $c $x
kmem_cache_free $c $y
kmem_cache_free $c $b
kmem_cache_shrink $c expect=0
kmem_cache_destroy $c expect=EBUSY       # the objects cut off the freelist leak
verify
