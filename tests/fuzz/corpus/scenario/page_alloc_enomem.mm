# Exhaustion: GFP_KERNEL|GFP_DMA requests on a 64 MiB machine can only use ZONE_DMA
# (pfn 1..4095; nothing else allocates there while DMA32 has room).
# min_free_kbytes = sqrt(16 * 65532) = 1023 kB; DMA's share is min = 63,
# low = 78 pages.  A request of 2^k pages passes when free - (2^k - 1) > min,
# i.e. it may leave exactly `min` free (the fast path checks low; the slow
# path drains the per-CPU lists and retries at min); then it fails with
# ENOMEM and nothing is damaged: verify is clean, GFP_ATOMIC can still go
# below min (its mark is 63 - 31 - 8 = 24), and freeing everything gives
# back the boot-time buddyinfo.
machine ram=64M cpus=1 levels=4
# boot-time allocations of other subsystems may have left pages on the
# per-CPU lists: start from drained lists, as the end does
drain_all_pages
snapshot /proc/buddyinfo
alloc_pages 10 GFP_KERNEL|GFP_DMA -> a
alloc_pages 10 GFP_KERNEL|GFP_DMA -> b
alloc_pages 10 GFP_KERNEL|GFP_DMA -> c
alloc_pages 9 GFP_KERNEL|GFP_DMA -> d
alloc_pages 8 GFP_KERNEL|GFP_DMA -> e
alloc_pages 7 GFP_KERNEL|GFP_DMA -> f
# 127 free: 127 - 63 > 63, so order 6 may leave exactly min
alloc_pages 6 GFP_KERNEL|GFP_DMA -> g
alloc_pages 0 GFP_KERNEL|GFP_DMA -> x expect=ENOMEM
alloc_pages 0 GFP_NOWAIT|GFP_DMA -> x expect=ENOMEM
alloc_pages 10 GFP_KERNEL|GFP_DMA -> x expect=ENOMEM
cat /proc/buddyinfo
verify
# GFP_ATOMIC: 63 -> 47 -> 39 -> 31 -> (order 3 fails) -> 27 -> (order 2 fails);
# order 0 goes through the per-CPU list, which takes pages off the zone in
# batches, so the zone count reaches the mark sooner

alloc_pages 4 GFP_ATOMIC|GFP_DMA -> h
alloc_pages 3 GFP_ATOMIC|GFP_DMA -> i
alloc_pages 3 GFP_ATOMIC|GFP_DMA -> j
alloc_pages 3 GFP_ATOMIC|GFP_DMA -> x expect=ENOMEM
alloc_pages 2 GFP_ATOMIC|GFP_DMA -> k
alloc_pages 2 GFP_ATOMIC|GFP_DMA -> x expect=ENOMEM
alloc_pages 0 GFP_ATOMIC|GFP_DMA -> l
alloc_pages 0 GFP_ATOMIC|GFP_DMA -> m
alloc_pages 1 GFP_ATOMIC|GFP_DMA -> x expect=ENOMEM
cat /proc/buddyinfo
verify
free_pages $a 10 expect=0
free_pages $b 10 expect=0
free_pages $c 10 expect=0
free_pages $d 9 expect=0
free_pages $e 8 expect=0
free_pages $f 7 expect=0
free_pages $g 6 expect=0
free_pages $h 4 expect=0
free_pages $i 3 expect=0
free_pages $j 3 expect=0
free_pages $k 2 expect=0
free_pages $l 0 expect=0
free_pages $m 0 expect=0
drain_all_pages
unchanged /proc/buddyinfo expect=ok
verify
