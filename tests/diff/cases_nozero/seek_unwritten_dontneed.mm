# Two file behaviours found by the live campaign of seed 1216 (level 6) on
# this VM, valid on any host (no private anonymous memory is read):
# - SEEK_HOLE/SEEK_DATA over an unwritten (fallocated) extent: ext4 answers
#   with iomap_seek_hole/iomap_seek_data, and inside an unwritten extent a
#   page is data where the page cache has it uptodate (index 69);
# - POSIX_FADV_DONTNEED of dirty pages: the writeback it starts has
#   finished by the time it invalidates, so they are dropped (index 225).
#@file f0 8191 972293809
mount @FILES@ /mnt
spawn A
handle A SIGBUS catch
A open /mnt/f0 O_RDWR -> fd1
A fallocate $fd1 0 1471 17076
A lseek $fd1 0 SEEK_HOLE
A lseek $fd1 8192 SEEK_DATA
A lseek $fd1 8192 SEEK_HOLE
A mmap 0 0xd000 rw- MAP_PRIVATE $fd1 0x0 -> fm
A touch $fm+0x2000 0x2000 read
A lseek $fd1 0 SEEK_HOLE
A lseek $fd1 12288 SEEK_HOLE
A lseek $fd1 16384 SEEK_DATA
A touch $fm+0x4000 0x2000 read
A lseek $fd1 0 SEEK_HOLE
A lseek $fd1 16384 SEEK_DATA
# a hole past the unwritten extent stays a hole, cached or not
A ftruncate $fd1 40000 expect=0
A lseek $fd1 20480 SEEK_HOLE
A lseek $fd1 20480 SEEK_DATA
A mmap 0 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A pread $fd1 $buf 0x1000 24576
A lseek $fd1 24576 SEEK_DATA
# DONTNEED and dirty pages: a write(2) that fails (EFAULT) at a fresh page
# past EOF still moves EOF to its start and leaves the page dirty (ext4's
# new buffers); that page needs no I/O, DONTNEED's writeback cleans it at
# once and the invalidation drops it (index 225)
A unlink /mnt/f0
A open /mnt/f0 O_RDWR|O_CREAT 0644 -> fd2
A mmap 0 0x4000 r-x MAP_PRIVATE $fd2 0xc000 -> fm2
A pwrite $fd2 0x10000 0x8ab 57344
A stat /mnt/f0
A mincore $fm2 0x4000
A fadvise $fd2 0 122880 POSIX_FADV_DONTNEED
A mincore $fm2 0x4000
# the same page after a dirty page at EOF joins that page's write and
# stays (whether the page at EOF itself is still under writeback when the
# invalidation looks is host timing: not printed)
A pwrite $fd2 0x10000 0x8ab 57344
A pwrite $fd2 $buf 0x1000 53248
A fadvise $fd2 0 122880 POSIX_FADV_DONTNEED
A mincore $fm2+0x2000 0x1000
A close $fd2
