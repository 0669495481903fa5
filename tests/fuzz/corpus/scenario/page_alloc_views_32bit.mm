# The same views on 32-bit machines: levels=2 (i386, 1 GiB: DMA, Normal up
# to 896 MiB, HighMem above; pageblocks of order 10, DirectMap4M) and the
# meminfo HighTotal/HighFree/LowTotal/LowFree lines Linux prints with
# CONFIG_HIGHMEM.
machine ram=1G cpus=1 levels=2
alloc_pages 0 GFP_KERNEL -> a
alloc_pages 0 GFP_DMA32 -> b
cat /proc/buddyinfo
cat /proc/zoneinfo
cat /proc/meminfo
