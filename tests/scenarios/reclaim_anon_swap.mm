# Reclaim under pressure (issue 19): an anonymous working set of twice RAM
# with swap.  Every fault past the low watermark enters the slow path, which
# wakes kswapd and reclaims directly (try_to_free_pages): the inactive anon
# list is scanned, its pages get swap slots, are unmapped and written; the
# second pass reads every page back (major faults) and checks its contents.
# kswapd gets its turn after each command (pageoutrun, pgscan_kswapd) and
# balances the zone to its high watermark (zoneinfo).  verify checks the LRU
# lists, the counters and the swap map after every line in debug builds.
machine ram=16M
mount host /mnt
mkswap /mnt/swapfile 48M expect=0
swapon /mnt/swapfile expect=0
spawn A
A mmap 0 32M rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE -> m
A fillpat $m 32M 7 expect=ok
cat /proc/meminfo MemFree Active(anon) Inactive(anon) SwapFree
cat /proc/vmstat pgscan_direct pgsteal_direct pgscan_kswapd pgsteal_kswapd pgscan_anon pgsteal_anon pswpout pswpin allocstall_normal allocstall_movable pageoutrun
cat /proc/zoneinfo
verify
A checkpat $m 32M 7 expect=ok
cat /proc/vmstat pgscan_direct pgsteal_direct pgscan_kswapd pgsteal_kswapd pswpout pswpin pgmajfault
verify
A exit
verify
swapoff /mnt/swapfile expect=0
verify
#@cleanup the swap file goes, so that none of its pages outlives the run
spawn ZZ
ZZ unlink /mnt/swapfile
