# MADV_PAGEOUT reclaims a PMD's pages as one list (Linux
# madvise_cold_or_pageout_pte_range calls reclaim_pages once per PMD), so
# the swap writes of up to 256 neighbouring slots leave in one request.
# The second round pages out pages that came back from swap, scattered in
# RAM: each is a separate segment of the request (more than 64), and every
# one must be written, freed and read back: SwapCached 0 after the
# pageout, and the last checkpat swaps all 1024 pages in again (pswpin
# 2048 in all).  verify runs after every line in the debug build.
machine ram=32M
mount host /mnt
mkswap /mnt/swapfile 16M expect=0
swapon /mnt/swapfile expect=0
spawn A
A mmap 0 4M rw- MAP_PRIVATE|MAP_ANONYMOUS -> a
A fillpat $a 4M 7 expect=ok
A madvise $a 4M MADV_PAGEOUT expect=0
A checkpat $a 4M 7 expect=ok
A fillpat $a 4M 8 expect=ok
A madvise $a 4M MADV_PAGEOUT expect=0
cat /proc/meminfo SwapCached
cat /proc/A/status VmRSS VmSwap
cat /proc/vmstat pswpout pswpin
A checkpat $a 4M 8 expect=ok
cat /proc/vmstat pswpout pswpin
A exit
swapoff /mnt/swapfile expect=0
verify
#@cleanup the files go, so that no tmpfs copy (a failed mount) outlives the run
spawn ZZ
ZZ unlink /mnt/swapfile
