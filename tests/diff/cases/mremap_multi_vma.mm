# mremap(MREMAP_MAYMOVE|MREMAP_FIXED) with old_len == new_len moves every VMA
# of [addr, addr+len) (Linux 6.17+ remap_move): the range must start inside
# a VMA (else EFAULT), gaps after that are kept, the first and last VMAs are
# split at the range's ends, and any kind of VMA may take part - private,
# shared, locked, and the special mappings, which move only whole (a part
# of one is EINVAL).  Growing across VMAs is still EFAULT; a destination
# overlapping the source is EINVAL.  MREMAP_DONTUNMAP moves each piece too.
spawn A
handle A SIGSEGV catch
A mmap 0 0x100000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 0x100000
A mmap $r 0x2000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x2000 0x2000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x5000 0x2000 rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A write $r+0x10 8 0x1
A write $r+0x5010 8 0x2
# three VMAs and a gap, starting inside the first
A mremap $r+0x1000 0x5000 0x5000 MREMAP_MAYMOVE|MREMAP_FIXED $r+0x40000
cat /proc/A/maps
A mremap $r+0x40000 0x8000 0x8000 MREMAP_MAYMOVE|MREMAP_FIXED $r+0x80000
cat /proc/A/maps
# a gap at the start: EFAULT, nothing moves
A mremap $r+0x7f000 0x8000 0x8000 MREMAP_MAYMOVE|MREMAP_FIXED $r+0x60000 expect=EFAULT
A mremap $r+0x80000 0x7000 0x7000 MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP $r+0x20000
cat /proc/A/maps
A mremap $r+0x20000 0x7000 0x8000 MREMAP_MAYMOVE|MREMAP_FIXED $r+0x50000 expect=EFAULT
A mremap $r+0x20000 0x7000 0x7000 MREMAP_MAYMOVE|MREMAP_FIXED $r+0x23000 expect=EINVAL
A mlock $r+0x20000 0x1000 expect=0
A mremap $r+0x20000 0x7000 0x7000 MREMAP_MAYMOVE|MREMAP_FIXED $r+0x90000
A check $r+0x90010 1 0x1
A check $r+0x95010 1 0x2
cat /proc/A/maps
# the special mappings right above the first mmap: all three at once
A mmap 0 0x1000 --- MAP_PRIVATE|MAP_ANONYMOUS -> below
A munmap $below 0x1000
A mremap $below+0x1000 0x8000 0x8000 MREMAP_MAYMOVE|MREMAP_FIXED $r+0xa0000
A mremap $r+0xa1000 0x6000 0x6000 MREMAP_MAYMOVE|MREMAP_FIXED $below+0x1000 expect=EINVAL
A mremap $r+0xa0000 0x8000 0x8000 MREMAP_MAYMOVE|MREMAP_FIXED $below+0x1000
cat /proc/A/maps
