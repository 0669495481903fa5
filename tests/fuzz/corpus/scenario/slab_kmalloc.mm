# The kmalloc family: size classes (ksize), kzalloc, kcalloc's overflow
# check, krealloc in place and moving, ZERO_SIZE_PTR, large kmalloc.
machine ram=64M cpus=1
kmalloc 1 -> a
ksize $a expect=0x8
kmalloc 65 -> b
ksize $b expect=0x60            # 65..96 -> kmalloc-96
kmalloc 129 -> c
ksize $c expect=0xc0            # 129..192 -> kmalloc-192
kmalloc 193 -> d
ksize $d expect=0x100
kmalloc 8192 -> e
ksize $e expect=0x2000
kmalloc 8193 -> big             # above KMALLOC_MAX_CACHE_SIZE: whole pages
ksize $big expect=0x4000
kmalloc 0 expect=0x10           # ZERO_SIZE_PTR
kfree 0x10 expect=0
kfree 0 expect=0
ksize 0x10 expect=0x0
kzalloc 100 -> z
kread $z 8 expect=0x0
kread $z+92 8 expect=0x0
kcalloc 0x4000000000000000 4 expect=ENOMEM   # n * size overflows
kcalloc 10 10 -> arr
kread $arr+96 4 expect=0x0
# krealloc keeps the contents, in place while the object is big enough
kwrite $z 8 0x1122334455667788
krealloc $z 120 -> z2
kread $z2 8 expect=0x1122334455667788
krealloc $z2 1000 -> z3
kread $z3 8 expect=0x1122334455667788
ksize $z3 expect=0x400
krealloc $z3 0 expect=0x10      # frees, returns ZERO_SIZE_PTR
krealloc 0 40 -> n              # krealloc(NULL) is kmalloc
ksize $n expect=0x40
kmalloc 64 GFP_KERNEL|__GFP_RECLAIMABLE -> rcl
kmalloc 64 GFP_DMA -> dma
kfree $a
kfree $b
kfree $c
kfree $d
kfree $e
kfree $big
kfree $arr
kfree $n
kfree $rcl
kfree $dma
verify
cat /proc/slabinfo
