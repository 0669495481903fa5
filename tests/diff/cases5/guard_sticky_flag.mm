# MADV_GUARD_INSTALL marks the whole VMA VM_MAYBE_GUARD ("gu", 6.18.y) without
# splitting it and gives an anonymous VMA its anon_vma.  The flag is sticky:
# it does not stop merges or anon_vma sharing (anon_vma_compatible ignores
# it as merging does) and the merged VMA keeps it.  Here the rw- VMA's first
# write reuses the guarded rwx neighbour's anon_vma, so after mprotect they
# are one VMA.  Guards survive fork (VM_COPY_ON_FORK).
spawn A
handle A SIGSEGV catch
A mmap 0 0x40000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 0x40000
A mmap $r 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+0x4000 0x4000 rwx MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A madvise $r+0x5000 0x1000 MADV_GUARD_INSTALL expect=0
A write $r+0x10 8 0x1
A mprotect $r 0x4000 rwx expect=0
cat /proc/A/smaps
# guard on a MAP_DROPPABLE mapping is allowed
A mmap $r+0x10000 0x4000 rw- MAP_DROPPABLE|MAP_ANONYMOUS|MAP_FIXED
A madvise $r+0x11000 0x1000 MADV_GUARD_INSTALL expect=0
A read $r+0x11000 1
# a shared mapping and a fork: the child faults on the guards too
A mmap $r+0x20000 0x4000 rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A madvise $r+0x20000 0x1000 MADV_GUARD_INSTALL expect=0
A fork B
B read $r+0x5000 1
B read $r+0x20000 1
B read $r+0x21000 1
cat /proc/B/smaps
