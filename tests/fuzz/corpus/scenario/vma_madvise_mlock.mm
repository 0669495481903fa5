# madvise and mlock on the layout level, from a C program run on a 6.18
# host: flags recorded by advice split and merge VMAs, holes give ENOMEM
# after the mapped parts were changed, invalid advice is EINVAL first.
spawn A exec
A mmap 0x200000000 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=0x200000000
A madvise 0x200000000 4K MADV_DONTFORK expect=0
cat /proc/A/maps
A madvise 0x200000000 4K MADV_DOFORK expect=0
cat /proc/A/maps
A madvise 0x200001000 4K MADV_WIPEONFORK expect=0
A madvise 0x200001000 4K MADV_KEEPONFORK expect=0
A madvise 0x200000001 4K MADV_DONTNEED expect=EINVAL
A madvise 0x200000000 0 MADV_DONTNEED expect=0
A madvise 0x200000000 4K 999 expect=EINVAL
A madvise 0x200000000 40K MADV_DONTNEED expect=ENOMEM
A madvise 0x20000a000 4K MADV_DONTNEED expect=ENOMEM
A madvise 0x20000a000 4K 999 expect=EINVAL
A madvise 0x200000000 40K MADV_RANDOM expect=ENOMEM
A madvise 0x200000000 16K MADV_NORMAL expect=0
A madvise 0x200000000 4K MADV_HUGEPAGE expect=0
A madvise 0x200000000 4K MADV_NOHUGEPAGE expect=0
A madvise 0x200000000 4K MADV_DONTDUMP expect=0
A madvise 0x200000000 4K MADV_MERGEABLE expect=0
A madvise 0x200000000 4K MADV_FREE expect=0
A madvise 0x200000000 4K MADV_REMOVE expect=EINVAL
A madvise 0x200000000 4K MADV_WILLNEED expect=0
A madvise 0x200000000 4K MADV_COLD expect=0
A madvise 0x200000000 4K MADV_PAGEOUT expect=0
A madvise 0x200000000 4K MADV_POPULATE_READ expect=0
A madvise 0x200000000 4K MADV_POPULATE_WRITE expect=0
A madvise 0x20000a000 4K MADV_POPULATE_WRITE expect=ENOMEM
A madvise 0x200000000 40K MADV_POPULATE_WRITE expect=ENOMEM
A madvise 0x200000000 4K MADV_HWPOISON expect=EINVAL
A madvise 0x200000000 4K MADV_COLLAPSE expect=EINVAL
A madvise 0x200000000 4K MADV_GUARD_INSTALL expect=0
A madvise 0x200000000 4K MADV_GUARD_REMOVE expect=0
A madvise 0xfffffffffffff000 8K MADV_NORMAL expect=EINVAL
A madvise 0x200000000 4095 MADV_NORMAL expect=0
# applied before the hole, then ENOMEM
A madvise 0x1fffff000 8K MADV_DONTFORK expect=ENOMEM
cat /proc/A/maps
A munmap 0x200000000 1M
# mlock splits, munlock merges back; a hole fails after locking what came before
A mmap 0x200000000 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=0x200000000
A mlock 0x200001000 4K expect=0
cat /proc/A/maps
A munlock 0x200000000 16K expect=0
cat /proc/A/maps
A mlock 0x200000000 32K expect=ENOMEM
cat /proc/A/status
A munlock 0x200000000 32K expect=ENOMEM
A mlock 0x200000001 4K expect=0
A mlock 0x200000000 0 expect=0
A mlock2 0x200000000 4K MLOCK_ONFAULT expect=0
A mlock2 0x200000000 4K 8 expect=EINVAL
A munlock 0x200000000 16K expect=0
# RLIMIT_MEMLOCK (an unprivileged process): already locked pages in the
# range are not counted twice; a zero limit makes mlock EPERM
A set memlock_rlimit=8K
A mlock 0x200000000 12K expect=ENOMEM
A mlock 0x200000000 8K expect=0
A mlock 0x200000000 8K expect=0
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED expect=EAGAIN
A set memlock_rlimit=0
A mlock 0x200000000 4K expect=EPERM
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED expect=EPERM
A set root=1
A mlock 0x200000000 16K expect=0
A mlockall MCL_FUTURE expect=0
A mmap 0 12K rw- MAP_PRIVATE|MAP_ANONYMOUS expect=0x7ffff7ff4000
cat /proc/A/status
A munlockall expect=0
A mlockall 0 expect=EINVAL
A mlockall MCL_ONFAULT expect=EINVAL
A msync 0x200000000 4K MS_ASYNC|MS_SYNC expect=EINVAL
A msync 0x200000001 4K MS_SYNC expect=EINVAL
A msync 0x200000000 64K MS_ASYNC expect=ENOMEM
A msync 0x200000000 16K MS_SYNC expect=0
verify
