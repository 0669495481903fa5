# vmap: existing pages mapped at a virtually contiguous range (aliases of
# their direct-map addresses); a read-only vmap refuses kernel writes.
machine ram=64M cpus=1 levels=4
alloc_pages 0 -> p
alloc_pages 0 -> q
kwrite $p 8 0x41
kwrite $q 8 0x51
vmap $q $p -> v
kread $v 8 expect=0x51
kread $v+4096 8 expect=0x41
kwrite $v+4096 8 0x42 expect=ok
kread $p 8 expect=0x42
vmalloc_to_pfn $v+4096
vmap $p PAGE_KERNEL_RO -> r
kread $r 8 expect=0x42
kwrite $r 8 1 expect=OOPS
kread $r+4096 8 expect=OOPS
cat /proc/vmallocinfo
vunmap $r expect=0
vunmap $v expect=0
kread $v 8 expect=OOPS
kread $p 8 expect=0x42
free_pages $p 0
free_pages $q 0
cat /proc/vmallocinfo
verify
