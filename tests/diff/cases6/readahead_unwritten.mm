# Readahead over fallocated (unwritten) blocks (seed 9 of level 6, index
# 74): ext4_mpage_readpages zeroes a page over an unwritten extent at once,
# as over a hole (no EXT4_MAP_MAPPED), so the populate's retried fault maps
# every page up to EOF's and counts one minor fault less than if they were
# read.  The file had been read (4 pages cached) and truncated to one page
# first.
#@file f0 28672 424680678
mount @FILES@ /mnt
spawn A
A mmap 0 0x10000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A open /mnt/f0 O_RDWR -> fd1
A dup $fd1 -> fd2
A fork P1
P1 sys_read $fd1 $buf+0x1fcd 0x5dc
P1 ftruncate $fd1 4096
P1 fallocate $fd1 0 8192 30631
P1 mmap 0 0xb7a7 rw- MAP_SHARED|MAP_LOCKED $fd2 0x0 -> fm6
P1 rusage
P1 mincore $fm6 0xc000
cat /proc/P1/smaps
