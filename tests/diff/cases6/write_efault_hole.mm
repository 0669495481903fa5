# A write whose source faults (EFAULT, nothing copied) into a page over a
# hole: ext4 allocates a new delayed block for it (buffer_new), and the
# short copy zeroes and dirties the page (folio_zero_new_buffers); over a
# written block the page stays clean (seed 7 of level 6, index 214).
#@file f0 17449 829094824
mount @FILES@ /mnt
spawn A
A mmap 0 0x10000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A open /mnt/f0 O_RDWR -> fd1
A open /mnt/f0 O_RDWR|O_APPEND -> fd2
A munmap $buf+0x6000 0x9000
A mmap 0 0x4429 rw- MAP_PRIVATE $fd1 0x0 -> fm1
A fork P1
A fork P3
P1 fallocate $fd2 FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE 0 26302
P1 read $fm1+0x6cc 1
P3 sys_write $fd1 $buf+0x984a 0x7b0
cat /proc/P1/smaps
A pwrite $fd1 $buf+0x984a 0x10 8192
cat /proc/P1/smaps
