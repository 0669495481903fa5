# [vdso] residency and minor faults (seed 8 of level 6, indexes 82 and
# 278).  mlock skips the special mappings (VM_SPECIAL), but its populate
# still faults in [vdso]'s pages (GUP: not VM_IO/VM_PFNMAP); MLOCK_ONFAULT
# does too, as no VM_LOCKONFAULT is set on them.  A fork's child has no
# [vdso] page (no anon_vma, not VM_PFNMAP: no PTE copied).  hostrun drops
# its agent's start-up [vdso] pages so that the host, like mmkit's
# imported [vdso], starts with none resident.
spawn A
A mmap 0 0x1000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> top
A rusage
A mlock2 $top+0x2000 0x6000 0
A rusage
A mlock2 $top+0x447b 0x4000 MLOCK_ONFAULT
A rusage
A fork B
B madvise $top+0x7000 0x2000 MADV_POPULATE_READ
B rusage
B munlock $top+0x1000 0x8000
B mlock $top+0x7000 0x2000
B rusage
A munlock $top+0x1000 0x8000
A rusage
cat /proc/A/smaps
