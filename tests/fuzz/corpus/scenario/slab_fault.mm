# Fault injection: a page allocation failing inside slab gives NULL
# (ENOMEM) to the caller and leaves everything consistent.
machine ram=64M cpus=1
fail alloc_pages nth=1
kmalloc 100 expect=ENOMEM                 # a new kmalloc-128 slab was needed
fail off
fail kmem_cache_alloc nth=1
kmem_cache_create willfail 3000 expect=ENOMEM   # its struct kmem_cache
fail kmem_cache_alloc nth=2
kmem_cache_create willfail 3000 expect=ENOMEM   # its kmem_cache_node
fail off
verify
kmalloc 100 -> p
fail kmem_cache_alloc nth=1
kmalloc 100 expect=ENOMEM                 # failslab
kmalloc 100 -> q
fail off
fail alloc_pages nth=1
kmalloc 40000 expect=ENOMEM               # large kmalloc
fail off
kfree $p
kfree $q
verify
