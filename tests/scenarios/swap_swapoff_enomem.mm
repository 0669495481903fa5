# swapoff when memory cannot take everything back (try_to_unuse): ENOMEM,
# and the area stays on with what it still holds, its priority kept; once
# memory is freed, swapoff brings every page back intact.  Meanwhile a page
# read back and one still in swap both stay right.
machine ram=32M
mount host /mnt
mkswap /mnt/swapfile 64M expect=0
swapon /mnt/swapfile prio=3 expect=0
spawn A
A mmap 0 24M rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fillpat $m 8M 1 expect=ok
A madvise $m 8M MADV_PAGEOUT expect=0
A fillpat $m+0x800000 8M 2 expect=ok
A madvise $m+0x800000 8M MADV_PAGEOUT expect=0
A fillpat $m+0x1000000 8M 3 expect=ok
A madvise $m+0x1000000 8M MADV_PAGEOUT expect=0
cat /proc/A/status VmRSS VmSwap
A mmap 0 20M rw- MAP_PRIVATE|MAP_ANONYMOUS -> r
A fill $r 20M 0x55 expect=ok
swapoff /mnt/swapfile expect=ENOMEM
cat /proc/swaps
cat /proc/meminfo SwapTotal
verify
A checkpat $m 8M 1 expect=ok
A munmap $r 20M expect=0
swapoff /mnt/swapfile expect=0
cat /proc/A/status VmRSS VmSwap
A checkpat $m 8M 1 expect=ok
A checkpat $m+0x800000 8M 2 expect=ok
A checkpat $m+0x1000000 8M 3 expect=ok
verify
#@cleanup the files go, so that no tmpfs copy (a failed mount) outlives the run
spawn ZZ
ZZ unlink /mnt/swapfile
