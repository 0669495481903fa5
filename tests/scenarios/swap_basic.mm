# Swap out and back: a swap file on a host mount, MADV_PAGEOUT of private
# anonymous memory, the views (swaps, status, smaps, meminfo, vmstat,
# pagemap, pagewalk) and the faults that bring pages back: major faults
# with page-cluster readahead (the device is rotational), exclusive pages
# mapped writable at once, fork sharing swap entries (SwapPss halves),
# exit and swapoff releasing everything.  verify checks the swap_map counts
# against the PTEs at every step in debug builds.
machine ram=64M
mount host /mnt
mkswap /mnt/swapfile 16M label=basic uuid=0b0b0b0b-1111-4222-8333-444455556666 expect=0
swapon /mnt/swapfile expect=0
cat /proc/swaps
cat /proc/meminfo SwapTotal SwapFree SwapCached
spawn A
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fillpat $m 64K 1 expect=ok
A madvise $m 64K MADV_PAGEOUT expect=0
cat /proc/A/status VmRSS VmSwap RssAnon
cat /proc/vmstat pswpout swpout_zero
cat /proc/A/pagemap $m 16K
cat /proc/swaps
cat /proc/meminfo SwapFree
verify
# a read of page 1: a major fault, no readahead yet (no hits, not adjacent)
A read $m+0x1000 8 expect~=0x
A rusage expect~="^= minflt 16 majflt 1$"
cat /proc/vmstat pswpin swap_ra swap_ra_hit
# the swap PTE said exclusive: mapped writable at once, so a write is no fault
A write $m+0x1000 8 0x1234 expect=ok
A rusage expect~="^= minflt 16 majflt 1$"
cat /proc/A/pagemap $m+0x1000 4K
A checkpat $m+0x2000 56K 1 expect=ok
A checkpat $m 4K 1 expect=ok
cat /proc/A/status VmRSS VmSwap
verify
# fork: the child shares the swap entries (each slot counted twice)
A madvise $m 64K MADV_PAGEOUT expect=0
A fork B
cat /proc/A/status VmSwap
cat /proc/B/status VmSwap
B checkpat $m+0x2000 56K 1 expect=ok
cat /proc/B/status VmRSS VmSwap
verify
A checkpat $m+0x2000 56K 1 expect=ok
A exit
verify
B exit
verify
cat /proc/swaps
cat /proc/meminfo SwapFree SwapCached
swapoff /mnt/swapfile expect=0
cat /proc/swaps
cat /proc/meminfo SwapTotal SwapFree
verify
#@cleanup the files go, so that no tmpfs copy (a failed mount) outlives the run
spawn ZZ
ZZ unlink /mnt/swapfile
dmesg reports expect=none
