# Exhaustion: a 4 MiB machine has one zone (DMA, pfn 1..1023, 1023 pages).
# min_free_kbytes = sqrt(16 * 4092) = 255 kB, so min = 63, low = 78 pages.
# GFP_KERNEL may allocate while the zone keeps more than `min` free pages
# once the request is taken; then it fails with ENOMEM, and nothing is
# damaged: verify is clean, GFP_ATOMIC can still dip below min (to 3/8 of
# it), and freeing everything gives back the boot-time buddyinfo.
machine ram=4M cpus=1 levels=4
cat /proc/buddyinfo
alloc_pages 9 -> a expect=0xffff888000200000
alloc_pages 8 -> b
alloc_pages 7 -> c
alloc_pages 6 -> d
alloc_pages 5 -> e expect=ENOMEM
alloc_pages 10 -> f expect=ENOMEM
alloc_pages 0 -> g expect=ENOMEM
alloc_pages 0 GFP_NOWAIT -> h expect=ENOMEM
verify
# 63 free; GFP_ATOMIC needs to keep more than 63 - 31 - 8 = 24
alloc_pages 4 GFP_ATOMIC -> i
alloc_pages 3 GFP_ATOMIC -> j
alloc_pages 3 GFP_ATOMIC -> k
alloc_pages 3 GFP_ATOMIC -> l expect=ENOMEM
cat /proc/buddyinfo
verify
free_pages $a 9 expect=0
free_pages $b 8 expect=0
free_pages $c 7 expect=0
free_pages $d 6 expect=0
free_pages $i 4 expect=0
free_pages $j 3 expect=0
free_pages $k 3 expect=0
drain_all_pages
cat /proc/buddyinfo
verify
