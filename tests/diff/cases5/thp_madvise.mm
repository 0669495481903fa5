# Transparent huge pages in the reference's "madvise" mode, without huge
# pages in mmkit (mm/huge_memory.c).  A fault Linux serves with a huge page
# (a VM_HUGEPAGE anonymous VMA holding the aligned 2 MiB window, no page
# table there yet) gives the VMA its anon_vma even for a read (the huge zero
# page), so the VMA keeps VM_ACCOUNT when made read-only.  MADV_COLLAPSE:
# EINVAL without an anon_vma, on files and shmem, with VM_NOHUGEPAGE, for a
# window without a page table or with a guard marker, and for a range
# inside one window that does not start at the window's start; 0 when every
# window of the range is collapsible (write-protected after fork, or only
# the huge zero page, as well) or the range holds none.
spawn A
handle A SIGSEGV catch
A madvise 0x400000 0x200000 MADV_COLLAPSE expect=EINVAL
A mmap 0 0x400000 rw- MAP_SHARED|MAP_ANONYMOUS -> s
A madvise $s 0x400000 MADV_COLLAPSE expect=EINVAL
A mmap 0 0x400000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> a
A madvise $a 0x400000 MADV_HUGEPAGE expect=0
A read $a+0x1000 8 expect=0x0
A mprotect $a+0x3ff000 0x1000 r-- expect=0
A mmap 0 0x400000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> b
A read $b+0x1000 8 expect=0x0
A madvise $b 0x400000 MADV_HUGEPAGE expect=0
A read $b+0x201000 8 expect=0x0
A mprotect $b+0x3ff000 0x1000 r-- expect=0
cat /proc/A/smaps
A mmap 0 0x400000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> c
A madvise $c 0x400000 MADV_COLLAPSE expect=EINVAL
A madvise $c 0x1000 MADV_COLLAPSE expect=EINVAL
A write $c+0x10 8 0x5
A madvise $c 0x1000 MADV_COLLAPSE expect=0
A madvise $c+0x1000 0x1000 MADV_COLLAPSE expect=EINVAL
A madvise $c+0x201000 0x1ff000 MADV_COLLAPSE expect=0
A madvise $c 0x400000 MADV_COLLAPSE expect=EINVAL
A madvise $c+0x1000 0x3ff000 MADV_COLLAPSE expect=EINVAL
A madvise $c+0x200000 0x1000 MADV_GUARD_INSTALL expect=0
A madvise $c 0x400000 MADV_COLLAPSE expect=EINVAL
A madvise $c 0x200000 MADV_COLLAPSE expect=0
A mmap 0 0x400000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> d
A write $d+0x10 8 0x5
A fork B
B madvise $d 0x200000 MADV_COLLAPSE expect=0
B madvise $d 0x400000 MADV_COLLAPSE expect=EINVAL
A madvise $d 0x400000 MADV_NOHUGEPAGE expect=0
A madvise $d 0x200000 MADV_COLLAPSE expect=EINVAL
A mmap 0 0x300000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> e
A write $e 8 0x1
A madvise $e 0x300000 MADV_COLLAPSE
A mmap 0 0x400000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE -> f
A madvise $f 0x400000 MADV_COLLAPSE expect=0
# shared anonymous memory (shmem): MADV_COLLAPSE may try it (shmem_enabled
# "never", but hugepages-2048kB inherits and a forced collapse forces); the
# VMA must be 2 MiB aligned in its file, and a window collapses only when
# the object holds every page of it
A mmap 0 0x800000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE -> base
A mmap 0 0x200000 r-- MAP_SHARED|MAP_ANONYMOUS -> s3
A madvise $s3 0x1ee000 MADV_COLLAPSE
A madvise $s3 0x200000 MADV_COLLAPSE
A mmap 0 0x201000 r-- MAP_SHARED|MAP_ANONYMOUS -> s4
A madvise $s4 0x1000 MADV_COLLAPSE
A mmap 0 0x200000 rw- MAP_SHARED|MAP_ANONYMOUS -> s5
A write $s5 8 0x1
A madvise $s5 0x200000 MADV_COLLAPSE
A mmap 0 0x200000 rw- MAP_SHARED|MAP_ANONYMOUS|MAP_POPULATE -> s6
A madvise $s6 0x200000 MADV_COLLAPSE
# an anonymous VMA's page offset does not matter, its window alignment does
A mmap 0 0x400000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> g
A write $g+0x200000 8 0x1
A mremap $g+0x200000 0x200000 0x200000 MREMAP_MAYMOVE|MREMAP_FIXED $base+0x400000
A madvise $base+0x400000 0x200000 MADV_COLLAPSE
A mremap $base+0x400000 0x200000 0x200000 MREMAP_MAYMOVE|MREMAP_FIXED $base+0x201000
A madvise $base+0x201000 0x1000 MADV_COLLAPSE
# a VMA ending below 2 MiB: Linux's suitability test wraps (vm_end - 2 MiB),
# so smaps shows THPeligible 1 for it once it has VM_HUGEPAGE
A mmap 0xf000 0x5000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE
A madvise 0xf000 0x3000 MADV_HUGEPAGE expect=0
A madvise 0xf000 0x3000 MADV_COLLAPSE expect=EINVAL
cat /proc/A/smaps
