# LTP msync01-04 re-expressed on a file of a host mount: the data written
# through a shared mapping is the file's (read back with pread), MS_ASYNC,
# MS_INVALIDATE, the errors (unaligned, MS_SYNC|MS_ASYNC, a bad flag, a hole
# in the range, MS_INVALIDATE on locked pages), and MS_SYNC cleaning the
# pages: smaps moves them to Shared_Clean and the next write faults again.
#@file f 16384 7
mount @FILES@ /mnt
spawn A
handle A SIGSEGV catch
handle A SIGBUS catch
A mmap 0 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A open /mnt/f O_RDWR -> fd
A fadvise $fd 0 0 POSIX_FADV_RANDOM
A mmap 0 16K rw- MAP_SHARED $fd 0 -> m
A rusage
# msync01: written through the mapping, synced asynchronously
A fill $m+100 50 0x41
A msync $m 16K MS_ASYNC
A pread $fd $buf 4096 0
A check $buf+100 50 0x41
A check $buf+150 10 0x41
# msync02: MS_INVALIDATE keeps what was written
A msync $m 16K MS_INVALIDATE
A check $m+100 50 0x41
A msync $m 16K MS_SYNC|MS_INVALIDATE
# msync03: the errors
A msync $m+1 4096 MS_SYNC
A msync $m 4096 MS_SYNC|MS_ASYNC
A msync $m 4096 8
A msync $m 0 MS_SYNC
A mlock $m 4K
A msync $m 4K MS_INVALIDATE
A msync $m 4K MS_SYNC
A munlock $m 4K
# msync04: MS_SYNC cleans the page
A write $m+4096 8 0x1122334455667788
A rusage
cat /proc/A/smaps
A msync $m 16K MS_SYNC
cat /proc/A/smaps
A write $m+4096 1 0x99
A rusage
A write $m+4097 1 0x98
A rusage
A pread $fd $buf 16 4096
A read $buf 8
A munmap $m+8K 4K
A msync $m 16K MS_SYNC
A msync $m 8K MS_SYNC
A msync $m+12K 4K MS_ASYNC
cat /proc/A/maps
