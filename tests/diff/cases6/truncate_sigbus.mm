# Pages past EOF: SIGBUS (BUS_ADRERR) for a page wholly past it, zeros in
# the tail of the last page (never written to the file), and truncation
# unmapping shared and copied-on-write pages past the new end.
#@file f 10000 5
mount @FILES@ /mnt
spawn A
handle A SIGBUS catch
handle A SIGSEGV catch
A mmap 0 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A open /mnt/f O_RDWR -> fd
A fadvise $fd 0 0 POSIX_FADV_RANDOM
A mmap 0 16K rw- MAP_SHARED $fd 0 -> s
A mmap 0 16K rw- MAP_PRIVATE $fd 0 -> p
A read $s+9999 1
A read $s+10000 1
A read $s+12287 1
A read $s+12288 1
A write $s+10001 1 0x7
A read $p+10001 1
A write $p+4096 1 0x8
A write $p+8192 1 0x9
A msync $s 12K MS_SYNC
A fstat $fd
A pread $fd $buf 0x3000 0
A ftruncate $fd 5000
A read $s+4999 1
A read $s+5000 1
A read $s+8192 1
A read $p+4096 1
A read $p+5000 1
A read $p+8192 1
A ftruncate $fd 9000
A read $s+5000 1
A read $s+8192 1
A read $p+8192 1
A read $p+8999 1
A fstat $fd
cat /proc/A/smaps
A rusage
