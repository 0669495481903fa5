# Swap in paging mode 5: the swap PTE in this mode's format (pagewalk
# decodes it; pagemap shows the entry), a round trip of distinct data, fork
# sharing, a swap entry moved by mremap, swapoff.
machine ram=64M levels=5
mount host /mnt
mkswap /mnt/swapfile 8M expect=0
swapon /mnt/swapfile expect=0
spawn A
A mmap 0 256K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fillpat $m 256K 5 expect=ok
A madvise $m 256K MADV_PAGEOUT expect=0
pagewalk A $m+0x3000
cat /proc/A/pagemap $m+0x3000 8K
cat /proc/A/status VmSwap
verify
A fork B
B checkpat $m 128K 5 expect=ok
A mremap $m+0x20000 64K 96K MREMAP_MAYMOVE -> n
A checkpat $n 64K 5 expect~=mismatch
A checkpat $m 128K 5 expect=ok
verify
B exit
swapoff /mnt/swapfile expect=0
A checkpat $m+0x30000 64K 5 expect=ok
cat /proc/A/status VmSwap
verify
#@cleanup the files go, so that no tmpfs copy (a failed mount) outlives the run
spawn ZZ
ZZ unlink /mnt/swapfile
dmesg reports expect=none
