# A host file read and written through the page cache: contents through a
# mapping and through read(), major and minor faults (read-around and
# fault-around), write-notify (one write fault per clean page, again after
# msync), bytes past EOF read 0 and never reach the file, SIGBUS past the
# last page.  The host compares the file after the run (files_hostfs.check.sh).
mount host /mnt
spawn A
handle A SIGBUS catch
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A open /mnt/data O_RDWR -> fd
A stat /mnt/data expect~="^= size=12188 blocks=24$"
A mmap 0 16K rw- MAP_SHARED $fd 0 -> f
# the first read faults the file in (major), read-around reads all 3 pages;
# the fault waited for I/O, so it is retried, and the retry's fault-around
# maps the other two as well: no more faults
A read $f 1 expect=0x3
A rusage expect~="minflt 0 majflt 1"
A read $f+4096 1 expect=0x3
A rusage expect~="minflt 0 majflt 1"
cat /proc/meminfo Cached
cat /proc/vmstat pgmajfault
# the tail of the last page is zero; the page after it is SIGBUS
A read $f+0x2f9b 1 expect=0x40
A read $f+0x2f9c 1 expect=0
A read $f+0x3000 1 expect=BUS_ADRERR
# read() sees the same bytes
A pread $fd $buf 8 4090 expect=8
A read $buf 8 expect=0xa03fcf5eee7e0d9
# writes through the mapping: one write fault per clean page
A writestr $f "HELLO"
A rusage expect~="minflt 2 majflt 1"
A fill $f+4096 4096 0x5a
A writestr $f+0x200a "xyz"
A write $f+0x2fa0 1 0x77
A rusage expect~="minflt 4 majflt 1"
cat /proc/meminfo Dirty
A writestr $f+1 "E"
A rusage expect~="minflt 4 majflt 1"
# read() sees the mapping's bytes at once (one page cache)
A pread $fd $buf 5 0 expect=5
A readstr $buf 5 expect="HELLO"
# msync writes back and write-protects: the next write faults again
A msync $f 16K MS_SYNC expect=0
cat /proc/meminfo Dirty
A writestr $f+2 "L"
A rusage expect~="minflt 5 majflt 1"
A msync $f 16K MS_ASYNC|MS_SYNC expect=EINVAL
A msync $f 16K MS_SYNC expect=0
A close $fd
A exit
verify
