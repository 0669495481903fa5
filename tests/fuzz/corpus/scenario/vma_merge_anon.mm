# anon_vma rules of Linux 6.18 checked on a 6.18 host (ASLR off):
# an mprotect'ed range with an anon_vma merges into an unfaulted neighbour
# and vice versa; the import line gives anonymous writable VMAs an anon_vma.
spawn A
A set root=1
# A: src (rwx, faulted) next to an unfaulted rw- prev -> merge
A mmap 0x200000000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=0x200000000
A vma 200001000-200002000 rwxp 00000000 00:00 0
cat /proc/A/maps
A mprotect 0x200001000 4K rw- expect=0
cat /proc/A/maps
A munmap 0x200000000 1M expect=0
# rw->r of an unfaulted VMA drops VM_ACCOUNT: it merges with a fresh r-- one
A mmap 0x200000000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap 0x200001000 4K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mprotect 0x200000000 4K r-- expect=0
cat /proc/A/maps
# r->rw gains VM_ACCOUNT: no merge with its r-- neighbour, of course
A mprotect 0x200001000 4K rw- expect=0
cat /proc/A/maps
A munmap 0x200000000 1M
# MAP_NORESERVE has no VM_ACCOUNT: it does not merge with a plain rw- map
A mmap 0x200000000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_NORESERVE
A mmap 0x200001000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
cat /proc/A/maps
verify
