# mremap's copy_vma does not merge a fork child's VMA into a neighbour that has
# no anon_vma (Linux vma_merge_copied_range, vmg->copied_from): the moved
# range stays a VMA of its own next to m1.  Found by campaign seed 777001.
spawn A
A mmap 0 0x1001000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE -> base
A munmap $base 0x1001000
A mmap 0 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> m1
A mmap $base+0xfdf000 0x1e000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A check $base+0xff42cd 0x75e 0x0
A mremap $base+0xffb000 0x1000 0x4000 MREMAP_MAYMOVE|MREMAP_FIXED $base+0xff0000
A fork P3
P3 mremap $base+0xff0000 0x1000 0x5000 MREMAP_MAYMOVE|MREMAP_FIXED $base+0xffb000
cat /proc/P3/maps
A mremap $base+0xff0000 0x1000 0x5000 MREMAP_MAYMOVE|MREMAP_FIXED $base+0xffb000
cat /proc/A/maps
