# The page allocator's /proc views in the Linux formats, field for field:
# a 64 MiB x86-64 machine with two CPUs, after a few allocations on CPU 1.
# Zones: DMA (pfn 1..4095; pfn 0 is reserved for the BIOS, as on a PC),
# DMA32 (the rest); Normal, Movable and Device are configured but empty and
# zoneinfo shows them as Linux does (up to their protection line).
machine ram=64M cpus=2 levels=4
cpu 1
alloc_pages 0 -> a
alloc_pages 3 GFP_HIGHUSER_MOVABLE -> b
alloc_pages 9 GFP_DMA -> c
cpu 0
free_pages $a 0
cat /proc/buddyinfo
cat /proc/pagetypeinfo
cat /proc/zoneinfo
cat /proc/meminfo
cat /proc/vmstat
