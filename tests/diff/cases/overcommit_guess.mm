# Overcommit mode 0 (OVERCOMMIT_GUESS, the reference host's setting): a
# single private writable request above RAM + swap fails with ENOMEM, and so
# does making a huge read-only private mapping writable (mprotect charges
# it) or growing one with mremap; MAP_NORESERVE and shared or read-only
# mappings are not charged, so the same sizes succeed.  16 TiB is above the
# memory of both sides.
spawn A
A mmap 0 0x100000000000 rw- MAP_PRIVATE|MAP_ANONYMOUS
A mmap 0 0x100000000000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE -> n
A munmap $n 0x100000000000
A mmap 0 0x100000000000 r-- MAP_PRIVATE|MAP_ANONYMOUS -> r
A mprotect $r 0x100000000000 PROT_READ|PROT_WRITE
cat /proc/A/maps
A mprotect $r 4K PROT_READ|PROT_WRITE
cat /proc/A/maps
A munmap $r 0x100000000000
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -> s
A mremap $s 4K 0x100000000000 MREMAP_MAYMOVE
A mmap 0 0x100000000000 --- MAP_PRIVATE|MAP_ANONYMOUS -> p
A mprotect $p 0x100000000000 PROT_READ|PROT_WRITE
cat /proc/A/maps
