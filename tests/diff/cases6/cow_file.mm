# The file cases of selftests/mm cow.c and mkdirty.c re-expressed: a private
# file mapping shares the cache page until its first write, then has its own
# copy (the file and the shared mapping keep theirs); fork shares that copy
# copy-on-write; a read-only private page made writable by mprotect is
# copied on the write and never dirties the file (mkdirty).
#@file f 16384 11
mount @FILES@ /mnt
spawn A
handle A SIGSEGV catch
A mmap 0 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A open /mnt/f O_RDWR -> fd
A fadvise $fd 0 0 POSIX_FADV_RANDOM
A mmap 0 16K rw- MAP_SHARED $fd 0 -> s
A mmap 0 16K rw- MAP_PRIVATE $fd 0 -> p
A read $p 8
A write $s 8 0x1111
A read $p 8
A write $p 8 0x2222
A read $s 8
A read $p 8
A write $s+8 8 0x3333
A read $p+8 8
A read $p+4096 8
A write $s+4096 8 0x6666
A read $p+4096 8
A fork B
B write $p 8 0x4444
A read $p 8
B read $p 8
B read $p+4096 8
cat /proc/A/smaps
cat /proc/B/smaps
# mkdirty: mprotect of a read-only private file page to writable
A mmap 0 4K r-- MAP_PRIVATE $fd 0x2000 -> q
A read $q 8
A mprotect $q 4K rw-
A write $q 8 0x5555
A read $q 8
A pread $fd $buf 8 0x2000
A read $buf 8
A read $s+0x2000 8
A mprotect $q 4K r--
A read $q 8
cat /proc/A/smaps
A fsync $fd
A pread $fd $buf 8 0x2000
A read $buf 8
A rusage
B rusage
