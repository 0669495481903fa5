# Faults on the special mappings.  [vvar] maps its data pages by pfn
# (VM_PFNMAP): page 0 (time data) and 2 (getrandom data) are there, 1 (the
# time-namespace page, no time namespace) and 3 (no arch data on x86) are
# SIGBUS; [vvar_vclock] page 0 is the kvm-clock page, page 1 (Hyper-V) is
# SIGBUS.  [vdso] maps the image's pages; made writable, a write copies the
# page (COW into an anonymous page).  An instruction fetch from [vvar] is a
# read fault first (the page gets mapped), then a protection fault: ACCERR.
# Contents are never compared (they are the host's own).
spawn A
handle A SIGSEGV catch
handle A SIGBUS catch
A mmap 0 0x1000 --- MAP_PRIVATE|MAP_ANONYMOUS -> below
A munmap $below 0x1000
A touch $below+0x1000 0x1000 read
A touch $below+0x2000 0x1000 read
A touch $below+0x3000 0x1000 read
A touch $below+0x4000 0x1000 read
A touch $below+0x5000 0x1000 read
A touch $below+0x6000 0x1000 read
A touch $below+0x7000 0x2000 read
A touch $below+0x1000 0x8000 read
A exec $below+0x1010
A exec $below+0x7010
A touch $below+0x8000 0x1000 write
A madvise $below+0x7000 0x2000 MADV_POPULATE_WRITE expect=EINVAL
A fork B
B touch $below+0x7000 0x2000 read
B touch $below+0x3000 0x1000 read
B mprotect $below+0x7000 0x2000 rwx expect=0
B touch $below+0x8000 0x1000 write
B madvise $below+0x7000 0x2000 MADV_POPULATE_WRITE expect=0
cat /proc/B/maps
B fork C
C touch $below+0x7000 0x2000 write
C exit
# moved whole, [vvar] still faults by page offset; [vdso] keeps its pages
A mremap $below+0x1000 0x4000 0x4000 MREMAP_MAYMOVE|MREMAP_FIXED $below-0x200000
A touch $below-0x200000 0x1000 read
A touch $below-0x1ff000 0x1000 read
A mremap $below+0x7000 0x2000 0x2000 MREMAP_MAYMOVE|MREMAP_FIXED $below-0x100000
A touch $below-0x100000 0x2000 read
A madvise $below-0x100000 0x2000 MADV_DONTNEED expect=0
A touch $below-0x100000 0x2000 read
cat /proc/A/maps
B exit
