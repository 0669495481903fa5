# I/O errors from the device (fail_io): a failed write-back is reported by
# fsync once per open file that has not seen it (errseq), as Linux does; a
# failed read gives read() -EIO and a faulting access SIGBUS; the page
# cache stays consistent (verify) and a later retry succeeds.
mount host /mnt
spawn A
handle A SIGBUS catch
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A open /mnt/data O_RDWR -> fd
A open /mnt/data O_RDONLY -> fd2
# write-back fails: fsync says EIO once, the other open file sees it too
A pwrite $fd $buf 4096 0 expect=4096
fail_io /mnt write nth=1
A fsync $fd expect=EIO
A fsync $fd expect=0
A fsync $fd2 expect=EIO
A fsync $fd2 expect=0
# an error noticed by nobody is seen by a file opened after it
A pwrite $fd $buf 4096 4096 expect=4096
fail_io /mnt write nth=1
sync
A open /mnt/data O_RDWR -> fd3
A fsync $fd3 expect=EIO
A fsync $fd expect=EIO
A fsync $fd3 expect=0
verify
# reads: every request touching the second page fails
A fadvise $fd 0 0 POSIX_FADV_DONTNEED expect=0
fail_io /mnt read range=4096-8192
A pread $fd $buf 100 0 expect=100
A pread $fd $buf 100 4100 expect=EIO
A pread $fd $buf 8192 0 expect=4096
A mmap 0 16K r-- MAP_SHARED $fd 0 -> m
A read $m 1 expect=0
A read $m+4096 1 expect=BUS_ADRERR
A read $m+8192 1 expect=0
verify
fail_io /mnt off
A read $m+4097 1 expect=0x1
A pread $fd $buf 100 4100 expect=100
verify
