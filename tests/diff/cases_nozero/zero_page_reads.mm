# Private anonymous read faults, as they differ between a kernel with the
# shared zero page (the reference host) and one without (Linux
# mm_forbids_zeropage; mmkit's `--zero-page=0`, which the live comparison
# passes on a host booted with pvm_no_zero_page=1).  With the zero page a
# read maps it: Rss 0, no anon_vma (the VMA still merges and drops
# VM_ACCOUNT at mprotect), and the write after it takes a second fault (COW
# of the zero page).  Without it a read allocates a page of its own,
# writable and dirty in a writable VMA: Rss counts it, the VMA has an
# anon_vma, and the write takes no fault.  The same case runs live on both
# kinds of host.
spawn A
A mmap 0 0x40000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 0x40000 expect=0
A mmap $r 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A rusage
A read $r 8 expect=0x0
A read $r+0x1000 8 expect=0x0
A rusage
A write $r 8 0x41
A write $r+0x2000 8 0x42
A rusage
A read $r 8 expect=0x41
cat /proc/A/smaps
cat /proc/A/pagemap $r 0x4000
# a read-only mapping: a read fault, then mprotect to writable and a write
A mmap $r+0x10000 0x2000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A read $r+0x10000 8 expect=0x0
A rusage
A mprotect $r+0x10000 0x2000 rw- expect=0
A write $r+0x10000 8 0x43
A rusage
# a read-faulted writable VMA made read-only next to a read-only neighbour:
# merges only where the read left no anon_vma
A mmap $r+0x20000 0x2000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x22000 0x2000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A read $r+0x23000 8 expect=0x0
A mprotect $r+0x22000 0x2000 r-- expect=0
cat /proc/A/maps
# MADV_POPULATE_READ is the same read fault
A mmap $r+0x30000 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A madvise $r+0x30000 0x4000 MADV_POPULATE_READ expect=0
A rusage
cat /proc/A/pagemap $r+0x30000 0x4000
# fork: the child's read of a page the parent read
A fork B
B read $r+0x1000 8 expect=0x0
B write $r+0x1000 8 0x44
B rusage
A read $r+0x1000 8 expect=0x0
cat /proc/A/pagemap $r 0x4000
cat /proc/B/pagemap $r 0x4000
