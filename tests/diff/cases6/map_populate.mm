# selftests/mm map_populate.c re-expressed: a private writable mapping made
# with MAP_POPULATE gets its own copies of the file's pages at once, so a
# later write through another process's shared mapping is not seen in it;
# a read-only private populate shares the cache pages and sees it.
#@file f 8192 3
mount @FILES@ /mnt
spawn A
handle A SIGSEGV catch
A open /mnt/f O_RDWR -> fd
A mmap 0 8K rw- MAP_SHARED $fd 0 -> s
A write $s 8 0x22222bad
A msync $s 8K MS_SYNC
A fork B
B mmap 0 8K rw- MAP_PRIVATE|MAP_POPULATE $fd 0 -> p
B mmap 0 8K r-- MAP_PRIVATE|MAP_POPULATE $fd 0 -> r
B rusage
A write $s 8 0xdeadbabe
A write $s+4096 8 0x1
B read $p 8
B read $p+4096 8
B read $r 8
B read $r+4096 8
cat /proc/B/smaps
B rusage
B write $p 8 0x5
A read $s 8
B exit
A read $s 8
A rusage
