# A MAP_FIXED that fails: where the old mappings end up depends on when
# (Linux __mmap_region).  A failure in the checks (the overcommit charge of
# a private writable mapping, RLIMIT_AS) restores the old VMAs, but the
# splits at the edges of the range stay; a failure after them (the shmem
# object of a shared mapping cannot be charged, the hugetlb reservation)
# leaves a gap: the old range is gone.
spawn A
A mmap 0 0x40000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 0x40000
A mmap $r 0x10000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x4000 0x100000000000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=ENOMEM
cat /proc/A/maps
A mmap $r+0x8000 0x100000000000 --- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED expect=ENOMEM
cat /proc/A/maps
A mmap $r+0x20000 0x10000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x24000 0x100000000000 rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED|MAP_NORESERVE
cat /proc/A/maps
