# MAP_POPULATE prefaults (RSS at once), MADV_DONTNEED zaps (private anonymous
# memory reads zeros, shmem keeps its data), MADV_FREE keeps the data until
# reclaim and counts it as LazyFree, mremap moves pages with their contents.
spawn A
A mmap 0 32K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE -> p
cat /proc/A/status
A fill $p 32K 0x5a expect=ok
A madvise $p 8K MADV_DONTNEED expect=0
A check $p 8K 0 expect=ok
A check $p+8K 24K 0x5a expect=ok
A madvise $p+8K 8K MADV_FREE expect=0
A check $p+8K 8K 0x5a expect=ok
cat /proc/A/smaps
A mremap $p+16K 16K 32K MREMAP_MAYMOVE -> q
A check $q 16K 0x5a expect=ok
A check $q+16K 16K 0 expect=ok
A mmap 0 8K rw- MAP_SHARED|MAP_ANONYMOUS -> s
A fill $s 8K 0x77 expect=ok
A madvise $s 8K MADV_DONTNEED expect=0
A check $s 8K 0x77 expect=ok
A mlock $p 4K expect=0
cat /proc/A/status
verify
