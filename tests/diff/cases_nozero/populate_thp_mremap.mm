# Read faults that populate: MAP_POPULATE and mlock of read-only private
# anonymous memory, MADV_POPULATE_READ in a MADV_HUGEPAGE window (Linux
# serves it with a huge page: the huge zero page, or where the zero page is
# forbidden a newly allocated THP; mmkit maps 4 KiB pages either way), and
# what the anon_vma a read leaves (or not) changes: mremap's pgoff and the
# merges that follow, and fork.  Valid on hosts with and without the zero
# page; recorded on one without (corpus nozero).
spawn A
A mmap 0 0x800000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 0x800000 expect=0
A mmap $r 0x4000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A rusage
A mmap $r+0x4000 0x4000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mlock $r+0x4000 0x4000 expect=0
A rusage
cat /proc/A/maps
A munlock $r+0x4000 0x4000 expect=0
cat /proc/A/pagemap $r 0x8000
# mremap a read-faulted VMA next to one that never faulted
A mmap $r+0x10000 0x2000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A read $r+0x10000 8 expect=0x0
A mremap $r+0x10000 0x2000 0x2000 MREMAP_MAYMOVE|MREMAP_FIXED $r+0x22000
A mmap $r+0x20000 0x2000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x24000 0x2000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
cat /proc/A/maps
A rusage
# a MADV_HUGEPAGE window: a read through MADV_POPULATE_READ, then a write
# to the same page (Linux maps the whole 2 MiB at the first fault and
# mmkit 4 KiB: no other page of the window is touched)
A mmap $r+0x200000 0x400000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A madvise $r+0x200000 0x200000 MADV_HUGEPAGE expect=0
A madvise $r+0x200000 0x1000 MADV_POPULATE_READ expect=0
A read $r+0x200008 8 expect=0x0
A write $r+0x200008 8 0x51
A mprotect $r+0x200000 0x200000 r-- expect=0
cat /proc/A/maps
A madvise $r+0x200000 0x200000 MADV_COLLAPSE
# fork after reads: the child reads and writes, the parent still reads 0
A mmap $r+0x30000 0x3000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A read $r+0x30000 8 expect=0x0
A read $r+0x32000 8 expect=0x0
A fork B
B write $r+0x30000 8 0x61
B read $r+0x32000 8 expect=0x0
B rusage
A read $r+0x30000 8 expect=0x0
A write $r+0x32000 8 0x62
A rusage
B read $r+0x32000 8 expect=0x0
cat /proc/A/pagemap $r+0x30000 0x3000
cat /proc/B/pagemap $r+0x30000 0x3000
