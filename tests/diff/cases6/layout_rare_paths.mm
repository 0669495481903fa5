# Coverage of rarely drawn layout paths (issue 13), checked on the
# reference: MAP_32BIT searches [1 GiB, 2 GiB) bottom-up and skips a gap
# that a MAP_GROWSDOWN VMA's guard gap (stack_guard_gap) eats; mremap
# MAYMOVE to a length no hole can take (ENOMEM from get_unmapped_area) and
# to one that fits; an in-place growth of 1 TiB (ENOMEM on both);
# MREMAP_DONTUNMAP with a new length (EINVAL).
spawn A
A mmap 0x40100000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_GROWSDOWN -> g
A mmap 0 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_32BIT -> a
A mmap 0 0x2000 --- MAP_PRIVATE|MAP_ANONYMOUS -> p
A mmap $p+0x1000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED -> q
A mremap $p 0x1000 0x7ffff0000000 MREMAP_MAYMOVE
A mremap $p 0x1000 0x7fff00000000 MREMAP_MAYMOVE
cat /proc/A/maps
A mmap 0x100000000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED -> big
A mremap $big 0x1000 0x10000000000 0
A mremap $big 0x1000 0x10000000000 MREMAP_MAYMOVE|MREMAP_DONTUNMAP
cat /proc/A/maps
