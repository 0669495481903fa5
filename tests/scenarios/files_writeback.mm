# Write-back on the simulated clock: the device's flusher wakes
# dirty_writeback_centisecs after its first dirty inode and writes inodes
# dirtied more than dirty_expire_centisecs ago; the vm.dirty_* knobs;
# fsync and sync; POSIX_FADV_DONTNEED and drop_caches drop clean pages only;
# mincore sees the page cache through a mapping.
mount host /mnt latency=100us bw=100M
spawn A
A mmap 0 256K rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A fill $buf 256K 0x61
sysctl vm.dirty_writeback_centisecs vm.dirty_expire_centisecs vm.dirty_ratio vm.dirty_background_ratio
A open /mnt/a O_RDWR|O_CREAT 0644 -> a
A sys_write $a $buf 64K expect=65536
cat /proc/meminfo Dirty
cat /proc/vmstat nr_dirtied nr_written pgpgout
# 20 s: the flusher ran at 5, 10, 15, 20 s, nothing had expired
sleep 20s
cat /proc/meminfo Dirty
# 35 s: written at the 30 s run
sleep 15s
cat /proc/meminfo Dirty
cat /proc/vmstat nr_dirtied nr_written pgpgout
# shorter expiry: a new write goes out within 2 s
sysctl vm.dirty_expire_centisecs=100 vm.dirty_writeback_centisecs=100
A pwrite $a $buf 4096 0 expect=4096
sleep 1s
cat /proc/meminfo Dirty
sleep 2s
cat /proc/meminfo Dirty
# fsync writes the file back at once; sync every file
A pwrite $a $buf 8K 8K expect=8192
A fsync $a expect=0
cat /proc/meminfo Dirty
A open /mnt/b O_RDWR|O_CREAT 0644 -> b
A sys_write $b $buf 12K expect=12288
sync
cat /proc/meminfo Dirty
# clean cached pages go with DONTNEED (partial pages at the ends stay)
cat /proc/meminfo Cached
A mmap 0 64K r-- MAP_SHARED $a 0 -> m
A mincore $m 64K expect=1111111111111111
A fadvise $a 100 64K POSIX_FADV_DONTNEED expect=0
A mincore $m 64K expect=1000000000000000
# a mapped page is not dropped: the read fault (major, retried) maps its
# fault-around window (from the VMA's second page: the window is aligned in
# the page table) but the page with the readahead mark (page 8)
A read $m+8K 1 expect=0x61
sysctl vm.drop_caches=1
A mincore $m 64K expect=0111111101111111
A fadvise $a 0 0 17 expect=EINVAL
A fadvise 77 0 0 POSIX_FADV_NORMAL expect=EBADF
verify
