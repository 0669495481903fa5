# Swap-in readahead (mm/swap_state.c): on a rotational device the aligned
# page-cluster block of slots around the fault (2^3 = 8 pages once faults
# hit what was read ahead), counted in swap_ra and swap_ra_hit; on a solid-
# state one (rotational=0: "SS" in the swapon line, per-CPU clusters) the
# VMA's swap PTEs around the address, in a window that grows with the
# VMA's hits.  Either way every page comes back with its data, the pages
# read ahead wait in the swap cache (SwapCached) and are faults without
# I/O (minor) when touched.
machine ram=64M
mount host /disk
mkswap /disk/swapfile 16M expect=0
swapon /disk/swapfile expect=0
spawn A
A mmap 0 512K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fillpat $m 512K 5 expect=ok
A madvise $m 512K MADV_PAGEOUT expect=0
A touch $m 512K read expect=ok
cat /proc/vmstat pswpin swap_ra swap_ra_hit
A rusage
cat /proc/meminfo SwapCached
A checkpat $m 512K 5 expect=ok
verify
swapoff /disk/swapfile expect=0
mount host /ssd rotational=0
mkswap /ssd/swapfile2 16M expect=0
swapon /ssd/swapfile2 expect=0
A madvise $m 512K MADV_PAGEOUT expect=0
A touch $m 512K read expect=ok
cat /proc/vmstat pswpin swap_ra swap_ra_hit
A rusage
A checkpat $m 512K 5 expect=ok
verify
# a random order: no hits, little readahead
A madvise $m 512K MADV_PAGEOUT expect=0
A read $m+0x40000 8 expect~=0x
A read $m+0x7000 8 expect~=0x
A read $m+0x61000 8 expect~=0x
A read $m+0x13000 8 expect~=0x
cat /proc/vmstat pswpin swap_ra swap_ra_hit
A checkpat $m 512K 5 expect=ok
swapoff /ssd/swapfile2 expect=0
verify
#@cleanup the files go, so that no tmpfs copy (a failed mount) outlives the run
spawn ZZ
ZZ unlink /disk/swapfile
ZZ unlink /ssd/swapfile2
dmesg reports expect=none
