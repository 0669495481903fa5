alloc_pages 0 __GFP_MOVABLE|__GFP_RECLAIMABLE
kmalloc 64 0x1000000
vmalloc 8K __GFP_DMA|__GFP_DMA32
kmem_cache_alloc kmalloc-64 -1
