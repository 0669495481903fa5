# mremap of a VM_LOCKED mapping prefaults only what a growth adds (Linux:
# mlocked && new_len > old_len).  A shrink that moves the mapping faults
# nothing in: not the pages after the new, shorter range, which belong to
# another mapping here (u).  Seen through merging: a page moved out of u
# still has no anon_vma, so its offset follows its new address and it merges
# with the faulted mapping t it lands below.
spawn A
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> t
A write $t 1 0x1
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> pad
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED -> l
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> u
# shrink 32K of l to 16K and move it over the start of u
A mremap $l+16K 32K 16K MREMAP_MAYMOVE|MREMAP_FIXED $u
cat /proc/A/maps
# the highest free range is now right below t
A munmap $pad 16K
A mremap $u+16K 4K 8K MREMAP_MAYMOVE -> x
cat /proc/A/maps
# a growth of a locked mapping is prefaulted
A mremap $u 16K 32K MREMAP_MAYMOVE -> g
A read $g+24K 1 expect=0x0
cat /proc/A/maps
