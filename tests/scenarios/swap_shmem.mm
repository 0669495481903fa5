# shmem to swap and back (mm/shmem.c shmem_writeout, shmem_swapin): pages
# of a MAP_SHARED|MAP_ANONYMOUS object and of a tmpfs file leave their page
# cache for swap (the cache slot keeps the swap entry); the PTE becomes
# empty, so VmSwap and pagemap do not show them, smaps Swap does (SwapPss
# does not), Shmem and RssShmem drop.  A fault, read(2), write(2) or
# swapoff brings a page back; truncation and unlink free the slots.
machine ram=64M
mount host /mnt
mkswap /mnt/swapfile 16M expect=0
swapon /mnt/swapfile expect=0
spawn A
A mmap 0 64K rw- MAP_SHARED|MAP_ANONYMOUS -> s
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A fillpat $s 64K 5 expect=ok
cat /proc/A/status RssShmem VmSwap
A madvise $s 64K MADV_PAGEOUT expect=0
cat /proc/A/status RssShmem VmSwap
cat /proc/A/pagemap $s 8K
cat /proc/swaps
verify
# after fork both map the object: a page mapped twice is not paged out
A fork B
B checkpat $s 32K 5 expect=ok
A checkpat $s 8K 5 expect=ok
A madvise $s 64K MADV_PAGEOUT expect=0
cat /proc/swaps
cat /proc/A/status RssShmem
B exit
A checkpat $s 64K 5 expect=ok
A madvise $s 64K MADV_PAGEOUT expect=0
cat /proc/swaps
verify
# a tmpfs file: mmap'd data goes to swap; read(2) and write(2) bring pages
# back; its blocks still count them
A open /data O_RDWR|O_CREAT -> fd
A ftruncate $fd 64K expect=0
A mmap 0 64K rw- MAP_SHARED $fd 0 -> f
A fillpat $f 64K 9 expect=ok
A madvise $f 64K MADV_PAGEOUT expect=0
A stat /data expect~="= size=65536 blocks=128$"
A pread $fd $buf 4096 8192 expect=4096
A checkpat $f+0x2000 4K 9 expect=ok
A writestr $buf "hello"
A pwrite $fd $buf 5 20480 expect=5
A checkpat $f+0x6000 4K 9 expect=ok
A readstr $f+0x5000 5 expect~="= \"hello\"$"
verify
# truncation frees the slots past the new size; lseek sees swapped data
A munmap $f 64K expect=0
A ftruncate $fd 16K expect=0
A stat /data expect~="= size=16384 blocks=32$"
A lseek $fd 0 SEEK_DATA expect=0
A lseek $fd 0 SEEK_HOLE expect=16384
cat /proc/swaps
A close $fd expect=0
A unlink /data expect=0
cat /proc/swaps
verify
# swapoff brings the object back into its page cache
swapoff /mnt/swapfile expect=0
cat /proc/A/status RssShmem VmSwap
A checkpat $s 64K 5 expect=ok
verify
#@cleanup the files go, so that no tmpfs copy (a failed mount) outlives the run
spawn ZZ
ZZ unlink /mnt/swapfile
dmesg reports expect=none
