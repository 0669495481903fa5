# selftests/mm cow.c's anonymous-memory cases with a swapped-out page
# (run_with_base_page_swap: MADV_PAGEOUT after populating, checked with
# pagemap): the child's write never shows in the parent, or the other way
# round, whatever touched the swap entry first; an exclusive page comes
# back writable and is reused without a copy.
swaparea 16M
spawn A
# test_cow_in_parent: the child writes
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fill $m 4K 1
A madvise $m 4K MADV_PAGEOUT expect=0
cat /proc/A/pagemap $m 4K
A fork B
cat /proc/B/pagemap $m 4K
B fill $m 4K 0xff
B check $m 4K 0xff
A check $m 4K 1
cat /proc/A/pagemap $m 4K
cat /proc/B/pagemap $m 4K
B exit
A check $m 4K 1
# test_cow_in_parent_mprotect: the child write-protects and unprotects first
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -> n
A fill $n 4K 2
A madvise $n 4K MADV_PAGEOUT expect=0
A fork C
C mprotect $n 4K r-- expect=0
C mprotect $n 4K rw- expect=0
C fill $n 4K 0xfe
A check $n 4K 2
C check $n 4K 0xfe
C exit
A check $n 4K 2
# the parent writes, the child still sees the old data
A mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS -> p
A fillpat $p 8K 3
A madvise $p 8K MADV_PAGEOUT expect=0
A fork D
A fill $p 4K 0x77
D checkpat $p 8K 3
A check $p 4K 0x77
A checkpat $p+0x1000 4K 3
cat /proc/A/pagemap $p 8K
cat /proc/D/pagemap $p 8K
D exit
# exclusive: read-only swap-in then a write reuses the page
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -> q
A fill $q 4K 4
A madvise $q 4K MADV_PAGEOUT expect=0
A mprotect $q 4K r-- expect=0
A check $q 4K 4
A mprotect $q 4K rw- expect=0
A fill $q 4K 5
cat /proc/A/pagemap $q 4K
A check $q 4K 5
# after the child is gone the parent's swap entry is no longer exclusive,
# yet a write fault finds itself alone and reuses
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -> r
A fill $r 4K 6
A madvise $r 4K MADV_PAGEOUT expect=0
A fork E
E exit
A fill $r 4K 7
cat /proc/A/pagemap $r 4K
A check $r 4K 7
