# A shrinking mremap that moves a locked mapping only gives locked memory
# back: Linux checks neither RLIMIT_MEMLOCK nor the address-space limit for
# it (check_prep_vma returns before them for a shrink).  Here the locked
# total sits at the 8 MiB limit, where counting the shrunk part as growth
# would fail with EAGAIN.
spawn A
A mmap 0 4M PROT_READ MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED -> l1
A mmap 0 4M PROT_READ MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED -> l2
A mmap 0 64K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> dst
A mremap $l2+8K 24K 16K MREMAP_MAYMOVE|MREMAP_FIXED $dst+16K
cat /proc/A/maps
# a growth at the limit still fails
A mremap $dst+16K 16K 32K MREMAP_MAYMOVE
cat /proc/A/maps
