# I/O errors of the swap device lose nothing (mm/page_io.c, Linux
# end_swap_bio_write / end_swap_bio_read): a failed write leaves the pages
# dirty in the swap cache, in memory, where a later fault finds them; a
# failed read is SIGBUS with the swap entry kept (as in Linux, the page that
# failed stays in the swap cache not uptodate, so the next access is SIGBUS
# too, until swapoff turns it into a poisoned entry or the mapping goes);
# an error never touches another slot's data.
machine ram=64M
mount host /mnt
mkswap /mnt/swapfile 4M expect=0
swapon /mnt/swapfile expect=0
spawn A
handle A SIGBUS catch
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fillpat $m 64K 7 expect=ok
fail_io /mnt write nth=1
A madvise $m 64K MADV_PAGEOUT expect=0
cat /proc/A/status VmRSS VmSwap
cat /proc/meminfo SwapCached
cat /proc/vmstat pswpout
verify
A checkpat $m 64K 7 expect=ok
cat /proc/meminfo SwapCached
verify
# written for good this time; the dirty pages are written again
A madvise $m 64K MADV_PAGEOUT expect=0
cat /proc/meminfo SwapCached
cat /proc/vmstat pswpout
# a failed read: SIGBUS, the entry stays, the neighbours read with it too
fail_io /mnt read nth=1
A read $m+0x8000 8 expect=SIGBUS
cat /proc/A/pagemap $m+0x8000 4K
A read $m+0x8000 8 expect=SIGBUS
cat /proc/A/status VmSwap
verify
# pages read in another request are fine
A checkpat $m 16K 7 expect=ok
verify
# a second area takes the rest; swapoff poisons what cannot be read
mkswap /mnt/other 4M expect=0
swapon /mnt/other expect=0
swapoff /mnt/swapfile expect=0
A read $m+0x8000 8 expect=SIGBUS
cat /proc/A/pagemap $m+0x8000 4K
A checkpat $m 16K 7 expect=ok
A checkpat $m+0xc000 16K 7 expect=ok
verify
# a write error again, on the other area, for one page only
fail_io /mnt write nth=1
A mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS -> n
A fillpat $n 8K 8 expect=ok
A madvise $n 4K MADV_PAGEOUT expect=0
A madvise $n+0x1000 4K MADV_PAGEOUT expect=0
A checkpat $n 8K 8 expect=ok
verify
A exit
verify
swapoff /mnt/other expect=0
verify
#@cleanup the files go, so that no tmpfs copy (a failed mount) outlives the run
spawn ZZ
ZZ unlink /mnt/swapfile
ZZ unlink /mnt/other
dmesg reports expect=none
