# MREMAP_DONTUNMAP (layout), after Linux's
# tools/testing/selftests/mm/mremap_dontunmap.c: the page tables move, the
# source VMA stays mapped.  tests/diff/cases5/ checks the contents too.
spawn A
A mmap 0 128K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 128K expect=0
# simple: move 5 pages anywhere, the source stays
A mmap $r 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mremap $r 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP -> d
cat /proc/A/maps
A munmap $d 20K expect=0
A munmap $r 20K expect=0
# simple fixed: onto an existing 5-page mapping
A mmap $r+64K 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mmap $r 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mremap $r 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP|MREMAP_FIXED $r+64K
cat /proc/A/maps
A munmap $r 128K expect=0
# partial mapping: the last 5 of 10 pages move away
A mmap $r 40K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mremap $r+20K 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP -> d2
cat /proc/A/maps
A munmap $d2 20K expect=0
A munmap $r 128K expect=0
# partial overwrite: 5 pages onto the first half of a 10-page mapping
A mmap $r 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mmap $r+64K 40K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mremap $r 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP|MREMAP_FIXED $r+64K
cat /proc/A/maps
A munmap $r 128K expect=0
# DONTUNMAP needs MAYMOVE
A mmap $r 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mremap $r 8K 8K MREMAP_DONTUNMAP expect=EINVAL
# DONTUNMAP keeps the length: growing is refused
A mremap $r 8K 16K MREMAP_MAYMOVE|MREMAP_DONTUNMAP expect=EINVAL
# shared anonymous memory may be moved with DONTUNMAP too
A mmap $r+32K 8K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A mremap $r+32K 8K 8K MREMAP_MAYMOVE|MREMAP_DONTUNMAP|MREMAP_FIXED $r+96K
cat /proc/A/maps
