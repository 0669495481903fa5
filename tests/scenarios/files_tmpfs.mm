# The file system calls on tmpfs (/), with Linux's results and errors:
# open's flags, read/write at the file position (shared by dup and fork),
# pread/pwrite, lseek, truncation, unlink of an open and mapped file,
# stat's size and blocks, and copies through the MMU (a bad buffer is
# EFAULT, a buffer that faults part way a short count).
spawn A
handle A SIGBUS catch
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A writestr $m "0123456789abcdef"
# open
A open /nope O_RDONLY expect=ENOENT
A open /d/f O_RDWR|O_CREAT expect=ENOENT
A mkdir /d expect=0
A mkdir /d expect=EEXIST
A open /d O_RDWR expect=EISDIR
A open /d O_RDONLY -> dfd
A sys_read $dfd $m 4 expect=EISDIR
A open /d/f/ O_RDWR|O_CREAT expect=EISDIR
A open /d/f O_RDWR|O_CREAT|O_EXCL 0644 -> fd
A open /d/f O_RDWR|O_CREAT|O_EXCL expect=EEXIST
A open /d/f/x O_RDONLY expect=ENOTDIR
A open /d/f O_RDONLY|O_DIRECTORY expect=ENOTDIR
# write, read, the position
A sys_write $fd $m 10 expect=10
A lseek $fd 0 SEEK_CUR expect=10
A sys_read $fd $m+1024 10 expect=0
A lseek $fd -20 SEEK_CUR expect=EINVAL
A lseek $fd 4 SEEK_SET expect=4
A sys_read $fd $m+1024 100 expect=6
A readstr $m+1024 6 expect="456789"
A lseek $fd 0 7 expect=EINVAL
A lseek $fd 0 SEEK_END expect=10
A lseek $fd 10 SEEK_DATA expect=ENXIO
A lseek $fd 3 SEEK_HOLE expect=10
# pread/pwrite leave the position alone
A pwrite $fd $m+10 6 4 expect=6
A pread $fd $m+2048 16 0 expect=10
A readstr $m+2048 10 expect="0123abcdef"
A lseek $fd 0 SEEK_CUR expect=10
A pread $fd $m 1 -1 expect=EINVAL
# bad buffers: EFAULT, or a short count up to the fault
A sys_write $fd 0x1000 4 expect=EFAULT
A sys_read $fd 0x1000 4 expect=0
A lseek $fd 0 SEEK_SET expect=0
A sys_read $fd 0x1000 4 expect=EFAULT
A munmap $m+8K 4K expect=0
A pwrite $fd $m+0x1ffd 100 0 expect=3
A pread $fd $m+0x1ffe 100 0 expect=2
# descriptors: dup and fork share the open file (and its position)
A dup $fd -> fd2
A lseek $fd2 5 SEEK_SET expect=5
A lseek $fd 0 SEEK_CUR expect=5
A fork B
B lseek $fd 7 SEEK_SET expect=7
A lseek $fd 0 SEEK_CUR expect=7
B close $fd expect=0
B close $fd expect=EBADF
A lseek $fd 0 SEEK_CUR expect=7
A close 99 expect=EBADF
A sys_read 99 $m 1 expect=EBADF
# access modes
A open /d/f O_RDONLY -> rfd
A sys_write $rfd $m 1 expect=EBADF
A ftruncate $rfd 0 expect=EINVAL
A open /d/f O_WRONLY -> wfd
A sys_read $wfd $m 1 expect=EBADF
# O_APPEND writes at the end; O_TRUNC empties
A open /d/f O_WRONLY|O_APPEND -> afd
A sys_write $afd $m 2 expect=2
A fstat $afd expect~="^= size=12 blocks=8$"
A open /d/f O_RDWR|O_TRUNC -> tfd
A fstat $tfd expect~="^= size=0 blocks=0$"
# sizes, holes and blocks
A pwrite $tfd $m 1 100000 expect=1
A stat /d/f expect~="^= size=100001 blocks=8$"
A ftruncate $tfd -1 expect=EINVAL
A ftruncate $tfd 5000 expect=0
A stat /d/f expect~="^= size=5000 blocks=0$"
A fallocate $tfd 0 0 8192 expect=0
A stat /d/f expect~="^= size=8192 blocks=16$"
A fallocate $tfd FALLOC_FL_PUNCH_HOLE 0 4096 expect=EOPNOTSUPP
A fallocate $tfd FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE 0 4096 expect=0
A stat /d/f expect~="^= size=8192 blocks=8$"
A fallocate $rfd 0 0 4096 expect=EBADF
A fallocate $tfd 0 0 0 expect=EINVAL
A fallocate $tfd FALLOC_FL_ZERO_RANGE 0 4096 expect=EOPNOTSUPP
verify
