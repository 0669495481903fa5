# Coverage of rarely drawn paths (issue 13), each checked on the reference:
# mmap of a directory (no ->mmap: ENODEV); a file mapping with
# MAP_GROWSDOWN, or of no valid type (EINVAL); MAP_HUGETLB with a file that
# is not hugetlbfs (EINVAL), longer than TASK_SIZE (ENOMEM), or MAP_FIXED at
# 0 (below mmap_min_addr: EPERM); MADV_REMOVE over two shared file VMAs
# (madvise_remove drops mmap_lock: the walk finds the next VMA again); a
# length that wraps when page-aligned (EINVAL); MADV_POPULATE_WRITE of a
# shared file mapping (each write fault dirties its page and throttles the
# writer with mmap_lock dropped: VM_FAULT_COMPLETED).
#@file f0 20000 5
mount @FILES@ /mnt
spawn A
A open /mnt/f0 O_RDWR -> fd
A open /mnt O_RDONLY -> dirfd
A mmap 0 0x1000 r-- MAP_PRIVATE $dirfd 0
A mmap 0 0x1000 r-- MAP_PRIVATE|MAP_GROWSDOWN $fd 0
A mmap 0 0x1000 r-- 0 $fd 0
A mmap 0 0x1000 r-- 0xf $fd 0
A mmap 0 0x200000 rw- MAP_SHARED|MAP_HUGETLB $fd 0
A mmap 0 0x800000000000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB
A mmap 0 0x200000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_FIXED
A mmap 0x10000000 0x2000 rw- MAP_SHARED|MAP_FIXED $fd 0 -> s1
A mmap 0x10002000 0x2000 rw- MAP_SHARED|MAP_FIXED $fd 0x3000 -> s2
A read $s1 8
A read $s2+0x1000 8
A madvise $s1 0x4000 MADV_REMOVE
A madvise $s1 0xfffffffffffff001 MADV_NORMAL
A madvise $s1 0x2000 MADV_POPULATE_WRITE
A rusage
A read $s2 8
A pread $fd $s1 16 0x3000
cat /proc/A/smaps
