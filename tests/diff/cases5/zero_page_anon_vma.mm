# A read fault of private anonymous memory maps the shared zero page and does
# NOT give the VMA an anon_vma (Linux do_anonymous_page: vmf_anon_prepare only
# on the write path; with THP "madvise" the huge-page path, which prepares one
# for reads too, is not taken without MADV_HUGEPAGE).  The VMA therefore still
# counts as unfaulted: mprotect to read-only drops its VM_ACCOUNT and it merges
# with a read-only neighbour that never had the charge; MADV_POPULATE_READ is
# the same read fault.  A write fault (or POPULATE_WRITE) does prepare one, and
# the charge stays.  Found as random_4 seed 1 index 208 on the 6.18.44 host.
spawn A
A mmap 0 0x40000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 0x40000 expect=0
# read-faulted: merges after mprotect
A mmap $r 0x4000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x4000 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A read $r+0x5000 8 expect=0x0
A mprotect $r+0x4000 0x4000 r-- expect=0
cat /proc/A/maps
# MADV_POPULATE_READ of an rwx mapping: still no anon_vma
A mmap $r+0x10000 0x4000 --- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x14000 0x4000 rwx MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A madvise $r+0x14000 0x4000 MADV_POPULATE_READ expect=0
A mprotect $r+0x14000 0x2000 --- expect=0
cat /proc/A/maps
# write-faulted: keeps VM_ACCOUNT, does not merge
A mmap $r+0x20000 0x4000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x24000 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A write $r+0x27000 8 0x1
A mprotect $r+0x24000 0x4000 r-- expect=0
cat /proc/A/maps
# POPULATE_WRITE over a hole: the mapped part before it is populated (and has
# an anon_vma) before ENOMEM
A mmap $r+0x30000 0x4000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x34000 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A madvise $r+0x34000 0x8000 MADV_POPULATE_WRITE expect=ENOMEM
A mprotect $r+0x34000 0x4000 r-- expect=0
cat /proc/A/maps
# the zero page is still a read fault after fork; the child's write copies
A fork B
B read $r+0x5000 8 expect=0x0
B mprotect $r 0x8000 rw- expect=0
B write $r+0x5000 8 0x2
B mprotect $r 0x8000 r-- expect=0
cat /proc/B/maps
A read $r+0x5000 8 expect=0x0
