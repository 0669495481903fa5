# Merges after fork (Linux is_mergeable_anon_vma, vma_had_uncowed_parents):
# a VMA whose anon_vma came from a fork (its anon_vma_chain is not
# singular) is never merged with a neighbour that has no anon_vma, in
# either direction, and that stays so after the child writes (COW gives
# it pages, not a singular chain).  The parent's own VMA merges as before.
# A read fault maps the zero page and gives no anon_vma, so a VMA only
# read-faulted before the fork merges freely in the child; mremap's copy
# (vmg->copied_from) of a fork child's VMA does not merge into a neighbour
# without an anon_vma either.  Chains three deep: a grandchild's VMA has
# three links.
spawn A
handle A SIGSEGV catch
A mmap 0 0x100000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 0x100000
A mmap $r 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A write $r 8 0x11
A mmap $r+0x4000 0x4000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x10000 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A read $r+0x10000 8
A mmap $r+0x14000 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x20000 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A write $r+0x20000 8 0x22
A fork B
# child: its faulted VMA does not take the unfaulted neighbour
B mprotect $r+0x4000 0x4000 rw- expect=0
cat /proc/B/maps
B write $r+0x1000 8 0x33
B mprotect $r 0x4000 r-- expect=0
B mprotect $r 0x8000 rw- expect=0
cat /proc/B/maps
# parent: the same merges
A mprotect $r+0x4000 0x4000 rw- expect=0
cat /proc/A/maps
# read-faulted before the fork: no anon_vma, merges in the child
B mprotect $r+0x10000 0x8000 r-- expect=0
B mprotect $r+0x10000 0x8000 rw- expect=0
cat /proc/B/maps
# mremap of the child's VMA next to an unfaulted one
B mmap $r+0x30000 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
B mremap $r+0x20000 0x4000 0x4000 MREMAP_MAYMOVE|MREMAP_FIXED $r+0x34000
cat /proc/B/maps
B check $r+0x34000 1 0x22
# a grandchild, then a great-grandchild
B fork C
C mmap $r+0x38000 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
C mprotect $r+0x34000 0x8000 r-- expect=0
C mprotect $r+0x34000 0x8000 rw- expect=0
cat /proc/C/maps
C fork D
D write $r+0x35000 8 0x44
D munmap $r+0x30000 0x4000 expect=0
D mremap $r+0x34000 0x4000 0x4000 MREMAP_MAYMOVE|MREMAP_FIXED $r+0x30000
D mprotect $r+0x30000 0x4000 rw- expect=0
cat /proc/D/maps
D check $r+0x30000 1 0x22
D exit
C exit
B exit
cat /proc/A/maps
A check $r+0x1000 1 0x0
